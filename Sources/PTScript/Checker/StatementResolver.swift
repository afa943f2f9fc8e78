// MARK: - Resolving one statement against its command's forms

/// Picks the form a statement matches, types its arguments, and reports what does not fit.
struct StatementResolver {
    let spec: CommandSpec
    let statement: Statement
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var arguments = FormArguments()

    init(spec: CommandSpec, statement: Statement) {
        self.spec = spec
        self.statement = statement
    }

    // MARK: Form selection

    /// The first form that matches; otherwise one diagnostic about the form that got furthest.
    mutating func resolveForm() -> (CommandForm, [Binding])? {
        var failures: [MatchFailure] = []
        for form in spec.forms {
            switch FormMatcher.match(form.parameters, statement.arguments) {
            case .success(let bindings): return (form, bindings)
            case .failure(let error): failures.append(error.failure)
            }
        }
        let furthest = failures.map(\.argumentIndex).max() ?? 0
        var expected: [ParameterSpec] = []
        for failure in failures where failure.argumentIndex == furthest {
            for parameter in failure.expected where !expected.contains(parameter) { expected.append(parameter) }
        }
        diagnostics.append(mismatch(at: furthest, expected: expected))
        return nil
    }

    private func mismatch(at index: Int, expected: [ParameterSpec]) -> Diagnostic {
        let usage = DiagnosticNote(.usage(spec.usages))
        let expectation = expected.map(\.expectation).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            .joinedAsAlternatives()
        guard index < statement.arguments.count else {
            let end = statement.range.end
            return Diagnostic(.missingArgument(command: spec.name, expected: expectation),
                              at: SourceRange(start: end, end: end), notes: [usage])
        }
        let argument = statement.arguments[index]
        if expected.isEmpty {
            return Diagnostic(.unexpectedArgument(command: spec.name, found: argument.described),
                              at: argument.range, notes: [usage])
        }
        // A word where keywords were possible: an unknown subcommand, with a suggestion.
        let words = expected.flatMap { parameter -> [String] in
            switch parameter {
            case .keyword(let w) where w != "->" && w != "to": [w]
            case .choice(_, let options): options
            default: []
            }
        }
        if case .word(let given) = argument.value, !words.isEmpty {
            let fixIts = Suggestions.closest(to: given, in: words).map {
                [FixIt(message: NoteMessage.didYouMean($0).text, range: argument.range, replacement: $0)]
            } ?? []
            return Diagnostic(.unknownKeyword(command: spec.name, word: given, expected: expectation),
                              at: argument.range, notes: [usage], fixIts: fixIts)
        }
        return Diagnostic(.wrongArgumentType(command: spec.name, expected: expectation, found: argument.described),
                          at: argument.range, notes: [usage])
    }

    // MARK: Values

    /// Types each bound argument and checks ranges, settings and help topics.
    mutating func checkValues(_ bindings: [Binding]) {
        var setting: SettingSpec?
        for binding in bindings {
            let argument = binding.argument
            switch (binding.parameter, argument.value) {
            case (.string(let name, _), .string(let text)):
                arguments[name] = .string(text)
            case (.integer(let name, let range), .number(let value, let text, _)):
                if checkRange(range, value, text, name, argument.range) { arguments[name] = .integer(Int(text) ?? 0) }
            case (.number(let name, let range), .number(let value, let text, _)):
                if checkRange(range, value, text, name, argument.range) { arguments[name] = .number(value) }
            case (.choice(let name, _), .word(let word)):
                arguments[name] = .word(word)
            case (.settingKey, .word(let name)):
                setting = resolveSetting(name, argument.range)
            case (.settingValue, _):
                if let setting, let value = SettingValueResolver.resolve(argument, for: setting, into: &diagnostics) {
                    arguments["value"] = .settingValue(value)
                }
            case (.helpTopic, .word(let topic)):
                checkHelpTopic(topic, argument.range)
            default:
                break
            }
        }
    }

    private mutating func checkRange(_ range: NumericRange, _ value: Double, _ text: String, _ name: String,
                                     _ at: SourceRange) -> Bool {
        if range.contains(value) { return true }
        diagnostics.append(Diagnostic(.argumentOutOfRange(command: spec.name, parameter: name, range: range.phrase, found: text),
                                      at: at))
        return false
    }

    private mutating func resolveSetting(_ name: String, _ range: SourceRange) -> SettingSpec? {
        if let setting = Settings.named(name) {
            arguments["setting"] = .setting(setting)
            return setting
        }
        let fixIts = Settings.nameIndex.closest(to: name).map {
            [FixIt(message: NoteMessage.didYouMean($0).text, range: range, replacement: $0)]
        } ?? []
        diagnostics.append(Diagnostic(.unknownSetting(name), at: range, fixIts: fixIts))
        return nil
    }

    private mutating func checkHelpTopic(_ topic: String, _ range: SourceRange) {
        let topics = Commands.allWords.map(\.word) + ["settings"] + Settings.allNames
        if topics.contains(topic) {
            arguments["topic"] = .word(topic)
            return
        }
        let fixIts = Suggestions.closest(to: topic, in: topics).map {
            [FixIt(message: NoteMessage.didYouMean($0).text, range: range, replacement: $0)]
        } ?? []
        diagnostics.append(Diagnostic(.unknownHelpTopic(topic), at: range, fixIts: fixIts))
    }
}

// MARK: - Setting values

/// Converts an argument to a setting's type and checks its ranges.
enum SettingValueResolver {
    /// The typed value, or nil after reporting why it cannot be one; range warnings still return it.
    static func resolve(_ argument: Argument, for setting: SettingSpec, into diagnostics: inout [Diagnostic]) -> SettingValue? {
        func invalid(_ fixIt: String? = nil) -> SettingValue? {
            let fixIts = fixIt.map { [FixIt(message: NoteMessage.didYouMean($0).text, range: argument.range, replacement: $0)] } ?? []
            diagnostics.append(Diagnostic(
                .invalidSettingValue(setting: setting.name, expected: setting.type.expectation, found: argument.described),
                at: argument.range, fixIts: fixIts))
            return nil
        }
        let value: SettingValue
        switch (setting.type, argument.value) {
        case (.integer, .number(_, let text, true)):
            guard let int = Int(text) else { return invalid() }
            value = .integer(int)
        case (.float, .number(let number, _, _)):
            value = .float(number)
        case (.string, .string(let text)):
            value = .string(text)
        case (.choice(let options), .word(let word)), (.choice(let options), .string(let word)):
            guard options.contains(word) else { return invalid(Suggestions.closest(to: word, in: options)) }
            value = .choice(word)
        case (.onOff, .word(let word)):
            guard word == "on" || word == "off" else { return invalid(Suggestions.closest(to: word, in: ["on", "off"])) }
            value = .bool(word == "on")
        default:
            return invalid()
        }
        if let number = value.numeric {
            if let hard = setting.hardRange, !hard.contains(number) {
                diagnostics.append(Diagnostic(
                    .settingOutOfRange(setting: setting.name, value: value.description, range: hard.description),
                    at: argument.range))
                return nil
            }
            if let recommended = setting.recommendedRange, !recommended.contains(number) {
                diagnostics.append(Diagnostic(
                    .settingOutsideRecommended(setting: setting.name, value: value.description,
                                               range: recommended.description, source: setting.recommendedSource),
                    at: argument.range))
            }
        }
        if setting.name == "verbalizer", case .string(let template) = value, !template.contains("{{input}}") {
            diagnostics.append(Diagnostic(.verbalizerWithoutInput(), at: argument.range))
        }
        return value
    }
}
