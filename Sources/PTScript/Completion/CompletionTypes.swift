// MARK: - Completion values

/// What a completion candidate is, for icons in editors and grouping in the REPL.
public enum CompletionKind: String, Sendable, Equatable, Codable {
    /// A command word.
    case command
    /// A subcommand, keyword or choice word.
    case keyword
    /// A setting name.
    case setting
    /// A setting value.
    case value
    /// A file path.
    case file
    /// A directory path (ends with `/`).
    case directory
    /// A snapshot name.
    case snapshot
    /// A help topic.
    case topic
}

/// One candidate: the text to insert over the replacement range, its kind and a short detail.
public struct CompletionCandidate: Sendable, Equatable {
    /// The text that replaces the replacement range.
    public let text: String
    /// What the candidate is.
    public let kind: CompletionKind
    /// A short description (a command's summary, a setting's type and default).
    public let detail: String

    /// Creates a candidate.
    public init(text: String, kind: CompletionKind, detail: String = "") {
        self.text = text
        self.kind = kind
        self.detail = detail
    }
}

/// The answer to a completion request.
public struct CompletionResult: Sendable, Equatable {
    /// UTF-8 offset where the replaced text starts.
    public let replacementStart: Int
    /// UTF-8 offset where the replaced text ends (the cursor).
    public let replacementEnd: Int
    /// Candidates in display order.
    public let candidates: [CompletionCandidate]

    /// No candidates at `offset`.
    static func empty(at offset: Int) -> CompletionResult {
        CompletionResult(replacementStart: offset, replacementEnd: offset, candidates: [])
    }
}

/// One entry of a directory listing.
public struct DirectoryEntry: Sendable, Equatable {
    /// The entry's name (no path).
    public let name: String
    /// True for directories.
    public let isDirectory: Bool

    /// Creates an entry.
    public init(name: String, isDirectory: Bool) {
        self.name = name
        self.isDirectory = isDirectory
    }
}

/// What completion may consult outside the text.
public struct CompletionContext: Sendable {
    /// Snapshot names in the session.
    public var snapshots: [String]
    /// Lists a directory (`"."` for the current one); nil disables path completion.
    public var listDirectory: (@Sendable (String) -> [DirectoryEntry])?

    /// Creates a context.
    public init(snapshots: [String] = [], listDirectory: (@Sendable (String) -> [DirectoryEntry])? = nil) {
        self.snapshots = snapshots
        self.listDirectory = listDirectory
    }
}
