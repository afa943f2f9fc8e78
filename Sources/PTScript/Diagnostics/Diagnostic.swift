// MARK: - Diagnostics as values
//
// A diagnostic is data: where (range), what (a message from the catalog, with its stable id and
// severity), plus notes and fix-its. It is rendered in exactly one place (`DiagnosticRenderer`)
// and converted to JSON in exactly one place (`jsonObject`); nothing formats an error where it
// is detected.

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    /// The script cannot run as written.
    case error
    /// The script runs, but probably not as intended.
    case warning
    /// Extra information attached to another diagnostic.
    case note

    private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }

    /// Errors sort before warnings before notes.
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary message attached to a diagnostic, optionally pointing somewhere else.
public struct DiagnosticNote: Sendable, Equatable {
    /// The note's text.
    public let message: String
    /// Where the note points, if anywhere.
    public let range: SourceRange?

    /// Creates a note from a catalogued note message.
    public init(_ message: NoteMessage, at range: SourceRange? = nil) {
        self.message = message.text
        self.range = range
    }
}

/// A suggested edit: replace `range` with `replacement`; `message` says why (e.g. `did you mean 'train'?`).
public struct FixIt: Sendable, Equatable {
    /// The help line shown to the user.
    public let message: String
    /// The text to replace (empty for an insertion).
    public let range: SourceRange
    /// The new text.
    public let replacement: String

    /// Creates a fix-it.
    public init(message: String, range: SourceRange, replacement: String) {
        self.message = message
        self.range = range
        self.replacement = replacement
    }
}

/// One problem found in a script.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The catalogued message (id, severity, text).
    public let message: DiagnosticMessage
    /// The source span the problem is about.
    public let range: SourceRange
    /// Extra information.
    public let notes: [DiagnosticNote]
    /// Suggested edits.
    public let fixIts: [FixIt]

    /// Creates a diagnostic.
    public init(_ message: DiagnosticMessage, at range: SourceRange,
                notes: [DiagnosticNote] = [], fixIts: [FixIt] = []) {
        self.message = message
        self.range = range
        self.notes = notes
        self.fixIts = fixIts
    }

    /// The stable id, e.g. `PT0020`.
    public var id: String { message.kind.id }
    /// The severity of the message.
    public var severity: Severity { message.kind.severity }
    /// The message text.
    public var text: String { message.text }
    /// True when the problem is only that the input stopped early (an open string or a
    /// statement ending in a connector): the REPL asks for another line instead of reporting it.
    public var isIncomplete: Bool { message.kind.isIncomplete }

    /// `line:column: severity: message` — compact form used by tests and logs.
    public var description: String { "\(range.start): \(severity.rawValue): \(text)" }

    /// The value printed for `--json` and carried into LSP diagnostics.
    public var jsonObject: DiagnosticJSON {
        DiagnosticJSON(message: text, line: range.start.line, column: range.start.column,
                       id: id, severity: severity.rawValue)
    }
}

/// The JSON shape of a diagnostic: `{"message": …, "line": …, "column": …, "id": …, "severity": …}`.
public struct DiagnosticJSON: Sendable, Codable, Equatable {
    /// The message text.
    public let message: String
    /// 1-based line of the start of the range.
    public let line: Int
    /// 1-based column (Unicode scalars) of the start of the range.
    public let column: Int
    /// Stable id such as `PT0020`.
    public let id: String
    /// `error`, `warning` or `note`.
    public let severity: String
}

extension Array where Element == Diagnostic {
    /// True when any element is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by position, then severity, keeping the order of equal elements.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            if a.element.range.start != b.element.range.start { return a.element.range.start < b.element.range.start }
            return a.offset < b.offset
        }.map(\.element)
    }
}
