// MARK: - What the checker knows about the world

/// Facts from outside the script that change what is an error: the REPL passes its session's
/// state; `ptune check` passes a file-system probe.
public struct CheckContext: Sendable {
    /// True when a model is already loaded (the REPL after `load`), so commands that need one
    /// are fine without a `load` earlier in the text.
    public var modelLoaded: Bool
    /// Snapshot names that exist before the script starts.
    public var knownSnapshots: [String]
    /// Says whether a path exists (relative paths as the runner resolves them); nil skips file checks.
    public var fileExists: (@Sendable (String) -> Bool)?
    /// The number of tokens a text becomes with the loaded model's tokenizer (PTScript cannot
    /// tokenize); nil, or a nil answer, skips the check that `init "text"` fits `num_virtual_tokens`.
    public var tokenCount: (@Sendable (String) -> Int?)?
    /// `num_virtual_tokens` as the session has it when the user set it (nil while it has its
    /// default): `init "text"` only cuts the text to an explicit count (Docs/decisions.md).
    public var virtualTokens: Int?

    /// Creates a context; the default is a fresh session with no file or token checks.
    public init(modelLoaded: Bool = false, knownSnapshots: [String] = [],
                fileExists: (@Sendable (String) -> Bool)? = nil,
                tokenCount: (@Sendable (String) -> Int?)? = nil, virtualTokens: Int? = nil) {
        self.modelLoaded = modelLoaded
        self.knownSnapshots = knownSnapshots
        self.fileExists = fileExists
        self.tokenCount = tokenCount
        self.virtualTokens = virtualTokens
    }
}

/// A parsed and checked script: what can run, and everything found wrong.
public struct CheckedScript: Sendable {
    /// The parsed script.
    public let script: Script
    /// The statements that resolved to commands, in order (statements with errors are left out).
    public let commands: [CommandStatement]
    /// Syntax and check diagnostics, in source order.
    public let diagnostics: [Diagnostic]

    /// True when any diagnostic is an error (the script should not run).
    public var hasErrors: Bool { diagnostics.hasErrors }
    /// True when the input stopped early (see `Parser.isIncomplete`).
    public var isIncomplete: Bool { script.isIncomplete }
}
