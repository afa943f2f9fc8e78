// MARK: - Settings: types, values and declarations

/// The type of a setting's value.
public enum SettingType: Sendable, Hashable {
    /// A whole number.
    case integer
    /// A real number.
    case float
    /// Free text (given as a string literal).
    case string
    /// One word out of a fixed set.
    case choice([String])
    /// `on` or `off`.
    case onOff

    /// How the type reads in help and messages: `a whole number`, `one of 'greedy' or 'sample'`.
    public var expectation: String {
        switch self {
        case .integer: "a whole number"
        case .float: "a number"
        case .string: "a string"
        case .choice(let options): options.map { "'\($0)'" }.joinedAsAlternatives()
        case .onOff: "'on' or 'off'"
        }
    }

    /// Short name for tables: `int`, `float`, `string`, `a|b`, `on|off`.
    public var shortName: String {
        switch self {
        case .integer: "int"
        case .float: "float"
        case .string: "string"
        case .choice(let options): options.joined(separator: "|")
        case .onOff: "on|off"
        }
    }
}

/// A typed setting value.
public enum SettingValue: Sendable, Hashable, CustomStringConvertible {
    /// A whole number.
    case integer(Int)
    /// A real number.
    case float(Double)
    /// Text.
    case string(String)
    /// One word of a choice setting.
    case choice(String)
    /// An on/off switch.
    case bool(Bool)

    /// The value as a number, for range checks.
    public var numeric: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .float(let f): f
        default: nil
        }
    }

    /// The value as a user writes it: `0.3`, `16`, `"Input: {{input}}"`, `greedy`, `on`.
    public var description: String {
        switch self {
        case .integer(let i): String(i)
        case .float(let f): NumericRange.format(f)
        case .string(let s): "\"" + s.replacingNewlines() + "\""
        case .choice(let c): c
        case .bool(let b): b ? "on" : "off"
        }
    }
}

/// The declaration of one setting: everything `set`, `show settings`, `help` and completion need.
public struct SettingSpec: Sendable, Hashable, CustomStringConvertible {
    /// The canonical name, e.g. `learning_rate`.
    public let name: String
    /// Short names accepted by `set` (e.g. `lr`).
    public let aliases: [String]
    /// The value type.
    public let type: SettingType
    /// The value before any `set`.
    public let defaultValue: SettingValue
    /// Values outside this range are errors (the code cannot run with them).
    public let hardRange: NumericRange?
    /// Values outside this range draw a warning (e.g. watsonx.ai's documented range).
    public let recommendedRange: NumericRange?
    /// Where the recommended range comes from, shown in the warning.
    public let recommendedSource: String
    /// One paragraph of help.
    public let help: String
    /// Where the default comes from (e.g. `watsonx.ai prompt tuning default`).
    public let defaultSource: String

    /// Creates a setting declaration.
    public init(name: String, aliases: [String] = [], type: SettingType, defaultValue: SettingValue,
                hardRange: NumericRange? = nil, recommendedRange: NumericRange? = nil,
                recommendedSource: String = "", help: String, defaultSource: String) {
        self.name = name
        self.aliases = aliases
        self.type = type
        self.defaultValue = defaultValue
        self.hardRange = hardRange
        self.recommendedRange = recommendedRange
        self.recommendedSource = recommendedSource
        self.help = help
        self.defaultSource = defaultSource
    }

    /// Settings are identified by name.
    public static func == (a: SettingSpec, b: SettingSpec) -> Bool { a.name == b.name }
    /// Settings hash by name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    /// The setting's name.
    public var description: String { name }

    /// The words completion offers for the value.
    public var valueSuggestions: [String] {
        switch type {
        case .choice(let options): options
        case .onOff: ["on", "off"]
        default: [defaultValue.description]
        }
    }
}
