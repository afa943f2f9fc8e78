// MARK: - Command declarations

/// The arguments of a matched form, by parameter name, already typed.
public struct FormArguments: Sendable {
    /// One bound value.
    public enum Value: Sendable, Equatable {
        /// A string argument.
        case string(String)
        /// A whole-number argument.
        case integer(Int)
        /// A number argument.
        case number(Double)
        /// A choice word or help topic.
        case word(String)
        /// The setting named by a `settingKey` parameter.
        case setting(SettingSpec)
        /// A value typed for that setting.
        case settingValue(SettingValue)
    }

    // A form has at most four named parameters: a short list searched in order costs less than a
    // dictionary (no hashing, no table) for every statement of a long script.
    private var entries: [(name: String, value: Value)] = []

    /// The value bound to `name`; setting it again replaces it.
    subscript(name: String) -> Value? {
        get { entries.first { $0.name == name }?.value }
        set {
            entries.removeAll { $0.name == name }
            if let newValue { entries.append((name, newValue)) }
        }
    }

    /// The string bound to `name`.
    public func string(_ name: String) -> String? {
        if case .string(let s)? = self[name] { return s }
        return nil
    }
    /// The whole number bound to `name`.
    public func integer(_ name: String) -> Int? {
        if case .integer(let i)? = self[name] { return i }
        return nil
    }
    /// The number bound to `name` (whole numbers convert).
    public func number(_ name: String) -> Double? {
        switch self[name] {
        case .number(let d)?: d
        case .integer(let i)?: Double(i)
        default: nil
        }
    }
    /// The word bound to `name` (a choice or a help topic).
    public func word(_ name: String) -> String? {
        if case .word(let w)? = self[name] { return w }
        return nil
    }
    /// The setting named by the `settingKey` parameter.
    public var setting: SettingSpec? {
        if case .setting(let s)? = self["setting"] { return s }
        return nil
    }
    /// The value given by the `settingValue` parameter.
    public var settingValue: SettingValue? {
        if case .settingValue(let v)? = self["value"] { return v }
        return nil
    }
}

/// One way to write a command: its parameters, what it does, and how it becomes a `Command`.
public struct CommandForm: Sendable {
    /// Ordered parameters after the command word.
    public let parameters: [ParameterSpec]
    /// One line saying what this form does.
    public let summary: String
    /// True when the form cannot run without a loaded model.
    public let requiresModel: Bool
    /// Builds the typed command from the bound arguments (only called after a full match).
    let make: @Sendable (FormArguments) -> Command?

    /// Declares a form.
    public init(_ parameters: [ParameterSpec], _ summary: String, requiresModel: Bool = false,
                make: @escaping @Sendable (FormArguments) -> Command?) {
        self.parameters = parameters
        self.summary = summary
        self.requiresModel = requiresModel
        self.make = make
    }

    /// The usage line for a command word, e.g. `plot loss|drift|norms|lr [to "<file>"]`.
    public func usage(_ name: String) -> String {
        ([name] + parameters.map(\.usage)).joined(separator: " ")
    }
}

/// Groups for the help overview.
public enum CommandCategory: String, Sendable, CaseIterable {
    /// load, pairs.
    case model = "Model and data"
    /// init, train.
    case training = "Prompt vector and training"
    /// ask, compare, eval, preview.
    case asking = "Asking and evaluating"
    /// tokens, next, nearest, drift, map, plot.
    case inspection = "Inspecting the prompt vector"
    /// snapshot, snapshots, restore, diff, undo.
    case snapshots = "Snapshots"
    /// set, show, save, record, history, run, help, quit.
    case session = "Settings and session"
}

/// Everything about one command: the single declaration the parser's checker, help, completion,
/// the LSP and the language reference all read. A class, so the checked commands of a long
/// script each hold one reference instead of retaining every field of their command's entry.
public final class CommandSpec: Sendable, Equatable {
    /// The command word.
    public let name: String
    /// Help-overview group.
    public let category: CommandCategory
    /// All forms, tried in order; the first full match wins.
    public let forms: [CommandForm]
    /// One line for the overview and completion detail.
    public let summary: String
    /// A paragraph or two for `help <name>`.
    public let help: String
    /// One or more example lines.
    public let example: String
    /// Names of the settings the command reads.
    public let settingsRead: [String]
    /// Other words for the command (`?` for `help`); the checker, completion and the LSP accept them.
    public let aliases: [String]

    /// Declares a command.
    public init(name: String, category: CommandCategory, forms: [CommandForm], summary: String, help: String,
                example: String, settingsRead: [String], aliases: [String] = []) {
        self.name = name
        self.category = category
        self.forms = forms
        self.summary = summary
        self.help = help
        self.example = example
        self.settingsRead = settingsRead
        self.aliases = aliases
    }

    /// Commands are identified by name.
    public static func == (a: CommandSpec, b: CommandSpec) -> Bool { a.name == b.name }

    /// Usage lines, one per form.
    public var usages: [String] { forms.map { $0.usage(name) } }

    /// Keywords that can follow the command word directly (subcommands), for completion and suggestions.
    public var subcommands: [String] {
        var words: [String] = []
        for form in forms {
            switch form.parameters.first {
            case .keyword(let w)?: words.append(w)
            case .choice(_, let options)?: words.append(contentsOf: options)
            default: break
            }
        }
        return words.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}
