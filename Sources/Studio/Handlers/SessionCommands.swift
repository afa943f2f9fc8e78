import PTScript

// MARK: - set, show settings, help

extension Interpreter {
    /// `set key value`: the checker has already validated the value against the catalog.
    func set(_ spec: SettingSpec, _ value: SettingValue) throws -> CommandOutcome {
        session.settings[spec.name] = value
        if spec.name == "threads" { session.applyThreads() }
        return CommandOutcome(human: "\(spec.name) = \(value)",
                              fields: [("key", .string(spec.name)), ("value", Self.json(value))])
    }

    /// `show settings`: every setting with its value; changed ones are marked.
    func showSettings() -> CommandOutcome {
        let width = Settings.all.map(\.name.count).max() ?? 0
        var lines: [String] = []
        var fields: [(String, JSONValue)] = []
        for spec in Settings.all {
            let value = session.settings[spec.name]
            let mark = value == spec.defaultValue ? " " : "*"
            lines.append("\(mark) " + spec.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(value)")
            fields.append((spec.name, Self.json(value)))
        }
        lines.append("(* = changed from the default; 'help set' explains each setting)")
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [("settings", .object(fields))])
    }

    /// `help` / `help topic`: generated from the command catalog.
    func help(_ topic: String?) -> CommandOutcome {
        let text: String
        if let topic {
            text = HelpRenderer.topic(topic) ?? HelpRenderer.overview()
        } else {
            text = HelpRenderer.overview()
        }
        return CommandOutcome(human: text, fields: [("topic", topic.map { .string($0) } ?? .null), ("text", .string(text))])
    }

    /// A setting value as JSON.
    static func json(_ value: SettingValue) -> JSONValue {
        switch value {
        case .integer(let i): .int(i)
        case .float(let f): .number(f)
        case .string(let s), .choice(let s): .string(s)
        case .bool(let b): .bool(b)
        }
    }
}
