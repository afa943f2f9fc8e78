// MARK: - The diagnostic catalog
//
// Every message PTScript can emit is declared here, once: a kind with a stable id and severity,
// and a constructor that fills in the details. Ids never change meaning; new kinds get new ids.

/// Every kind of diagnostic, with its stable id and severity.
/// Each case's meaning is in `summary`; the cases are grouped by id range.
public enum DiagnosticKind: String, Sendable, CaseIterable {
    // Lexical (PT00xx)
    case unterminatedString, unknownEscape, invalidUnicodeEscape, invalidNumber, unexpectedCharacter
    // Syntax (PT001x)
    case expectedCommand, incompleteStatement, danglingConnector
    // Arguments (PT002x)
    case unknownCommand, missingArgument, unexpectedArgument, wrongArgumentType, unknownKeyword, argumentOutOfRange
    // Settings (PT003x)
    case unknownSetting, invalidSettingValue, settingOutOfRange, settingOutsideRecommended, verbalizerWithoutInput
    // Script-level (PT004x)
    case unreachableAfterQuit, modelNotLoaded, missingFile, unknownSnapshot, unknownHelpTopic, initTextCut
    // Run time (reported by the Studio when a checked command fails)
    case commandFailed

    /// The stable id shown to users and used by the test corpus, e.g. `PT0020`.
    public var id: String {
        switch self {
        case .unterminatedString: "PT0001"
        case .unknownEscape: "PT0002"
        case .invalidUnicodeEscape: "PT0003"
        case .invalidNumber: "PT0004"
        case .unexpectedCharacter: "PT0005"
        case .expectedCommand: "PT0010"
        case .incompleteStatement: "PT0011"
        case .danglingConnector: "PT0012"
        case .unknownCommand: "PT0020"
        case .missingArgument: "PT0021"
        case .unexpectedArgument: "PT0022"
        case .wrongArgumentType: "PT0023"
        case .unknownKeyword: "PT0024"
        case .argumentOutOfRange: "PT0025"
        case .unknownSetting: "PT0030"
        case .invalidSettingValue: "PT0031"
        case .settingOutOfRange: "PT0032"
        case .settingOutsideRecommended: "PT0033"
        case .verbalizerWithoutInput: "PT0034"
        case .unreachableAfterQuit: "PT0040"
        case .modelNotLoaded: "PT0041"
        case .missingFile: "PT0042"
        case .unknownSnapshot: "PT0043"
        case .unknownHelpTopic: "PT0044"
        case .initTextCut: "PT0045"
        case .commandFailed: "PT0050"
        }
    }

    /// Errors stop a script from running; warnings do not.
    public var severity: Severity {
        switch self {
        case .settingOutsideRecommended, .verbalizerWithoutInput, .unreachableAfterQuit, .missingFile, .initTextCut: .warning
        default: .error
        }
    }

    /// True for the kinds reported while a command runs, not by the checker.
    public var isRunTime: Bool { self == .commandFailed }

    /// True for the kinds that only mean "the input stopped early".
    public var isIncomplete: Bool { self == .unterminatedString || self == .incompleteStatement }

    /// One line describing the kind, for the language reference.
    public var summary: String {
        switch self {
        case .unterminatedString: "a string has no closing quote before the end of the input"
        case .unknownEscape: "a backslash in a string is followed by a character that is not n, t, r, \", \\, 0 or u"
        case .invalidUnicodeEscape: "a \\u{…} escape is not 1–8 hex digits naming a Unicode scalar"
        case .invalidNumber: "a number is malformed (e.g. `1.`, `2e`, `12abc`) or too large"
        case .unexpectedCharacter: "a character that cannot start any token"
        case .expectedCommand: "a statement does not start with a command word"
        case .incompleteStatement: "the input ends right after `->` or `to`"
        case .danglingConnector: "`->` or `to` is followed by `;` instead of an argument"
        case .unknownCommand: "the command word is not a command"
        case .missingArgument: "a command form needs more arguments"
        case .unexpectedArgument: "a command got more arguments than any of its forms takes"
        case .wrongArgumentType: "an argument has the wrong type (string, number, word)"
        case .unknownKeyword: "a subcommand or keyword is not one the command knows"
        case .argumentOutOfRange: "a numeric argument is outside the range the command accepts"
        case .unknownSetting: "`set` names a setting that does not exist"
        case .invalidSettingValue: "a setting value has the wrong type or is not one of the allowed words"
        case .settingOutOfRange: "a setting value is outside its hard range"
        case .settingOutsideRecommended: "a setting value is allowed but outside the recommended range"
        case .verbalizerWithoutInput: "a verbalizer template has no {{input}} placeholder"
        case .unreachableAfterQuit: "statements after `quit` never run"
        case .modelNotLoaded: "a command that needs a model comes before any `load`"
        case .missingFile: "a file or directory that a command reads does not exist"
        case .unknownSnapshot: "`restore` or `diff` names a snapshot that was never taken"
        case .unknownHelpTopic: "`help` names neither a command nor a setting"
        case .initTextCut: "`init \"text\"` has more tokens than an explicitly set `num_virtual_tokens`, so the text is cut (checked when a model is loaded)"
        case .commandFailed: "a command passed every check but failed while running (a missing or broken file, no model loaded, …)"
        }
    }
}

/// A catalogued message with its details filled in.
public struct DiagnosticMessage: Sendable, Equatable {
    /// The kind (id and severity).
    public let kind: DiagnosticKind
    /// The full message text.
    public let text: String

    private init(_ kind: DiagnosticKind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    // MARK: - Lexical

    static func unterminatedString() -> Self { .init(.unterminatedString, "unterminated string; expected a closing '\"'") }
    static func unknownEscape(_ character: String) -> Self {
        .init(.unknownEscape, "unknown escape sequence '\\\(character)' in string")
    }
    static func invalidUnicodeEscape(_ detail: String) -> Self {
        .init(.invalidUnicodeEscape, "invalid unicode escape: \(detail)")
    }
    static func invalidNumber(_ text: String) -> Self { .init(.invalidNumber, "invalid number '\(text)'") }
    static func unexpectedCharacter(_ shown: String) -> Self {
        .init(.unexpectedCharacter, "unexpected character '\(shown)'")
    }

    // MARK: - Syntax

    static func expectedCommand(found: String) -> Self {
        .init(.expectedCommand, "expected a command name at the start of a statement, found \(found)")
    }
    static func incompleteStatement(after connector: String) -> Self {
        .init(.incompleteStatement, "input ended after '\(connector)'; expected an argument")
    }
    static func danglingConnector(_ connector: String) -> Self {
        .init(.danglingConnector, "expected an argument after '\(connector)', found ';'")
    }

    // MARK: - Arguments

    static func unknownCommand(_ name: String) -> Self { .init(.unknownCommand, "unknown command '\(name)'") }
    static func missingArgument(command: String, expected: String) -> Self {
        .init(.missingArgument, "'\(command)' needs \(expected)")
    }
    static func unexpectedArgument(command: String, found: String) -> Self {
        .init(.unexpectedArgument, "unexpected argument \(found) to '\(command)'")
    }
    static func wrongArgumentType(command: String, expected: String, found: String) -> Self {
        .init(.wrongArgumentType, "'\(command)' expects \(expected), found \(found)")
    }
    static func unknownKeyword(command: String, word: String, expected: String) -> Self {
        .init(.unknownKeyword, "unknown word '\(word)' after '\(command)'; expected \(expected)")
    }
    static func argumentOutOfRange(command: String, parameter: String, range: String, found: String) -> Self {
        .init(.argumentOutOfRange, "'\(command)' \(parameter) must be \(range), found \(found)")
    }

    // MARK: - Settings

    static func unknownSetting(_ name: String) -> Self { .init(.unknownSetting, "unknown setting '\(name)'") }
    static func invalidSettingValue(setting: String, expected: String, found: String) -> Self {
        .init(.invalidSettingValue, "'\(setting)' expects \(expected), found \(found)")
    }
    static func settingOutOfRange(setting: String, value: String, range: String) -> Self {
        .init(.settingOutOfRange, "\(setting) \(value) is outside the allowed range \(range)")
    }
    static func settingOutsideRecommended(setting: String, value: String, range: String, source: String) -> Self {
        .init(.settingOutsideRecommended,
              "\(setting) \(value) is outside the recommended range \(range) (\(source))")
    }
    static func verbalizerWithoutInput() -> Self {
        .init(.verbalizerWithoutInput, "verbalizer has no '{{input}}' placeholder; the input will not reach the model")
    }

    // MARK: - Script-level

    static func unreachableAfterQuit() -> Self { .init(.unreachableAfterQuit, "statement after 'quit' is never run") }
    static func modelNotLoaded(command: String) -> Self {
        .init(.modelNotLoaded, "'\(command)' needs a model, but no 'load' comes before it")
    }
    static func missingFile(path: String, isDirectory: Bool) -> Self {
        .init(.missingFile, "\(isDirectory ? "directory" : "file") '\(path)' does not exist")
    }
    static func unknownSnapshot(_ name: String) -> Self { .init(.unknownSnapshot, "no snapshot named '\(name)'") }
    static func unknownHelpTopic(_ name: String) -> Self {
        .init(.unknownHelpTopic, "no help for '\(name)'; it is neither a command nor a setting")
    }

    static func initTextCut(tokens: Int, limit: Int) -> Self {
        .init(.initTextCut, "init text is \(tokens) tokens but num_virtual_tokens is \(limit); only the first \(limit) tokens are used")
    }

    // MARK: - Run time

    /// A command failed while running; `text` is the failure's one-line message.
    public static func commandFailed(_ text: String) -> Self { .init(.commandFailed, text) }
}

/// A catalogued note or help text attached to a diagnostic.
public struct NoteMessage: Sendable, Equatable {
    /// The note text.
    public let text: String
    private init(_ text: String) { self.text = text }

    static func didYouMean(_ suggestion: String) -> Self { .init("did you mean '\(suggestion)'?") }
    static func quitIsHere() -> Self { .init("'quit' is here") }
    static func addLoad() -> Self { .init("add 'load' before this line to load the default model") }
    static func knownSnapshots(_ names: [String]) -> Self {
        .init(names.isEmpty ? "no snapshots have been taken" : "snapshots: " + names.map { "'\($0)'" }.joined(separator: ", "))
    }
    static func usage(_ lines: [String]) -> Self { .init("usage: " + lines.joined(separator: " · ")) }
    static func settingIsCommand(_ name: String) -> Self { .init("'\(name)' is a setting; write 'set \(name) <value>'") }
}
