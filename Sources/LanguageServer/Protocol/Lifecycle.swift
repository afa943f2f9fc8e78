// MARK: - Lifecycle: initialize, initialized, shutdown, exit

/// `initialize`: the first request; the server answers with its capabilities.
public enum InitializeRequest: LSPRequest {
    /// The method name.
    public static let method = "initialize"
    /// The params.
    public typealias Params = InitializeParams
    /// The result.
    public typealias Result = InitializeResult
}

/// `initialized`: the client has seen the capabilities.
public enum InitializedNotification: LSPNotification {
    /// The method name.
    public static let method = "initialized"
    /// The params (ignored).
    public typealias Params = EmptyParams
}

/// `shutdown`: stop answering; `exit` follows.
public enum ShutdownRequest: LSPRequest {
    /// The method name.
    public static let method = "shutdown"
    /// No params.
    public typealias Params = EmptyParams
    /// `null`.
    public typealias Result = NullResult
}

/// `exit`: end the process (0 after `shutdown`, 1 without).
public enum ExitNotification: LSPNotification {
    /// The method name.
    public static let method = "exit"
    /// No params.
    public typealias Params = EmptyParams
}

/// The part of `initialize`'s params the server reads; other members are ignored.
public struct InitializeParams: Codable, Sendable {
    /// The client's process id, if it has one.
    public var processId: Int?
    /// The workspace root, if any.
    public var rootUri: String?
    /// The client's name and version.
    public var clientInfo: ClientInfo?
    /// What the client supports (required by the protocol; its members are all optional here).
    public var capabilities: ClientCapabilities

    /// Creates params.
    public init(processId: Int? = nil, rootUri: String? = nil, clientInfo: ClientInfo? = nil,
                capabilities: ClientCapabilities = ClientCapabilities()) {
        self.processId = processId
        self.rootUri = rootUri
        self.clientInfo = clientInfo
        self.capabilities = capabilities
    }
}

/// A name and version (of the client or the server).
public struct ClientInfo: Codable, Sendable {
    /// The name.
    public var name: String
    /// The version.
    public var version: String?
}

/// The client capabilities the server looks at (none change its answers yet; positions are UTF-16).
public struct ClientCapabilities: Codable, Sendable {
    /// Creates empty capabilities.
    public init() {}
}

/// `initialize`'s answer.
public struct InitializeResult: Codable, Sendable {
    /// What the server does.
    public var capabilities: ServerCapabilities
    /// The server's name and version.
    public var serverInfo: ClientInfo
}

/// What the server supports, as advertised in `initialize`.
public struct ServerCapabilities: Codable, Sendable {
    /// Always `utf-16`: positions are UTF-16 offsets, the protocol's default.
    public var positionEncoding = "utf-16"
    /// Open/close and incremental change notifications.
    public var textDocumentSync = TextDocumentSyncOptions(openClose: true, change: .incremental)
    /// Completion, triggered also by a space, a quote and a slash.
    public var completionProvider = CompletionOptions(triggerCharacters: [" ", "\"", "/"], resolveProvider: false)
    /// Hover.
    public var hoverProvider = true
    /// Signature help, triggered by a space between arguments.
    public var signatureHelpProvider = SignatureHelpOptions(triggerCharacters: [" "], retriggerCharacters: [" "])
    /// The outline.
    public var documentSymbolProvider = true
    /// Semantic tokens for the whole document.
    public var semanticTokensProvider = SemanticTokensOptions(legend: .ptscript, full: true, range: false)
    /// Whole-document formatting.
    public var documentFormattingProvider = true

    /// The capabilities of this server.
    public init() {}
}

/// How documents are synchronized.
public struct TextDocumentSyncOptions: Codable, Sendable {
    /// True: the client sends `didOpen` and `didClose`.
    public var openClose: Bool
    /// How `didChange` carries changes.
    public var change: TextDocumentSyncKind
}

/// Full text or incremental ranges in `didChange`.
public enum TextDocumentSyncKind: Int, Codable, Sendable {
    /// No synchronization.
    case none = 0
    /// Every change carries the full text.
    case full = 1
    /// Changes carry ranges (full-text changes are accepted too).
    case incremental = 2
}
