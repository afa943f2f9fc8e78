import PTScript

// MARK: - Catalog help as Markdown
//
// Hover and completion documentation, drawn from the same declarations as `help` in the REPL:
// a command's forms, long help, the settings it reads with their defaults; a setting's type,
// default (and where it comes from), allowed and recommended ranges.

/// Markdown renderings of catalog entries.
enum CatalogMarkdown {
    /// Full help for a command.
    static func command(_ spec: CommandSpec) -> String {
        var parts = ["**\(spec.name)** — \(spec.summary)", usage(spec), spec.help]
        let settings = spec.settingsRead.compactMap(Settings.named)
        if !settings.isEmpty {
            parts.append("Settings read: " + settings.map { "`\($0.name)` = `\($0.defaultValue)`" }.joined(separator: ", "))
        }
        parts.append("Example:\n```ptscript\n\(spec.example)\n```")
        return parts.joined(separator: "\n\n")
    }

    /// The forms of a command as a code block, one usage line per form with its summary.
    static func usage(_ spec: CommandSpec) -> String {
        let width = (spec.usages.map(\.count).max() ?? 0) + 2
        let lines = spec.forms.map { form in
            let usage = form.usage(spec.name)
            return usage + String(repeating: " ", count: max(1, width - usage.count)) + "# " + form.summary
        }
        return "```ptscript\n" + lines.joined(separator: "\n") + "\n```"
    }

    /// Full help for a setting.
    static func setting(_ spec: SettingSpec) -> String {
        var lines = ["**\(spec.name)** (\(spec.type.shortName)) — default `\(spec.defaultValue)`, from \(spec.defaultSource)", ""]
        if let hard = spec.hardRange { lines.append("- allowed: \(hard)") }
        if let recommended = spec.recommendedRange {
            lines.append("- recommended: \(recommended)" + (spec.recommendedSource.isEmpty ? "" : " (\(spec.recommendedSource))"))
        }
        if case .choice(let options) = spec.type { lines.append("- one of: " + options.map { "`\($0)`" }.joined(separator: ", ")) }
        if !spec.aliases.isEmpty { lines.append("- also written: " + spec.aliases.map { "`\($0)`" }.joined(separator: ", ")) }
        if lines.count > 2 { lines.append("") }
        lines.append(spec.help)
        lines += ["", "```ptscript\nset \(spec.name) \(spec.valueSuggestions.first ?? spec.defaultValue.description)\n```"]
        return lines.joined(separator: "\n")
    }

    /// What one parameter of a form expects, with its range for numbers.
    static func parameter(_ parameter: ParameterSpec) -> String {
        switch parameter {
        case .integer(_, let range), .number(_, let range):
            return "`\(parameter.usage)` — \(parameter.expectation), \(range.phrase)"
        case .optional(let group):
            return "`\(parameter.usage)` — optional: " + group.map { self.parameter($0) }.joined(separator: "; ")
        default:
            return "`\(parameter.usage)` — \(parameter.expectation)"
        }
    }
}
