// MARK: - Parameters of a command form

/// What a string argument means, which drives file checks and completion.
public enum StringRole: Sendable, Equatable {
    /// Free text (a prompt, an input, an output).
    case text
    /// A path on disk.
    case path(PathRole)
    /// A snapshot name; `defines` is true for `snapshot "a"`, false for `restore "a"`.
    case snapshot(defines: Bool)
}

/// How a command uses a path: a file or a directory, read or written, and the usual extensions.
public struct PathRole: Sendable, Equatable {
    /// True when the path names a directory.
    public let isDirectory: Bool
    /// True when the command reads it (so it should exist); false when it writes it.
    public let reads: Bool
    /// File extensions (without dots) offered first by completion; empty means any.
    public let extensions: [String]

    /// A file that is read.
    public static func readFile(_ extensions: [String]) -> PathRole { PathRole(isDirectory: false, reads: true, extensions: extensions) }
    /// A file that is written.
    public static func writeFile(_ extensions: [String]) -> PathRole { PathRole(isDirectory: false, reads: false, extensions: extensions) }
    /// A directory that is read.
    public static let readDirectory = PathRole(isDirectory: true, reads: true, extensions: [])
    /// A directory that is written.
    public static let writeDirectory = PathRole(isDirectory: true, reads: false, extensions: [])
}

/// One parameter of a command form, in order.
public indirect enum ParameterSpec: Sendable, Equatable {
    /// A literal word (`add`, `prompt`, `epochs`) — or the connectors `to` and `->`.
    case keyword(String)
    /// A string literal; `name` labels it in usage and messages.
    case string(name: String, role: StringRole)
    /// A whole number within `range`.
    case integer(name: String, range: NumericRange)
    /// Any number within `range`.
    case number(name: String, range: NumericRange)
    /// One word out of a fixed set.
    case choice(name: String, options: [String])
    /// The name of a setting (or one of its aliases).
    case settingKey
    /// A value for the setting named just before it.
    case settingValue
    /// A command or setting name (for `help`).
    case helpTopic
    /// A group that is either entirely present or entirely absent.
    case optional([ParameterSpec])

    /// The connector `->`.
    public static let arrow = ParameterSpec.keyword("->")

    /// How the parameter is written in usage lines: `add`, `"<path>"`, `<count>`, `loss|drift`, `[to "<file>"]`.
    public var usage: String {
        switch self {
        case .keyword(let word): word
        case .string(let name, _): "\"<\(name)>\""
        case .integer(let name, _), .number(let name, _): "<\(name)>"
        case .choice(_, let options): options.joined(separator: "|")
        case .settingKey: "<setting>"
        case .settingValue: "<value>"
        case .helpTopic: "<command|setting>"
        case .optional(let group): "[" + group.map(\.usage).joined(separator: " ") + "]"
        }
    }

    /// How the parameter is named when it is expected: `a file path string`, `a whole number (count)`.
    public var expectation: String {
        switch self {
        case .keyword(let word): "'\(word)'"
        case .string(let name, _): "a string (\(name))"
        case .integer(let name, _): "a whole number (\(name))"
        case .number(let name, _): "a number (\(name))"
        case .choice(_, let options): options.map { "'\($0)'" }.joinedAsAlternatives()
        case .settingKey: "a setting name"
        case .settingValue: "a setting value"
        case .helpTopic: "a command or setting name"
        case .optional(let group): group.first?.expectation ?? "nothing"
        }
    }
}

extension Array where Element == String {
    /// `a`, `a or b`, `a, b or c`.
    func joinedAsAlternatives() -> String {
        switch count {
        case 0: return "nothing"
        case 1: return self[0]
        default: return dropLast().joined(separator: ", ") + " or " + last!
        }
    }
}
