// MARK: - Text synchronization: didOpen, didChange, didClose

/// `textDocument/didOpen`.
public enum DidOpenTextDocumentNotification: LSPNotification {
    /// The method name.
    public static let method = "textDocument/didOpen"
    /// The params.
    public typealias Params = DidOpenTextDocumentParams
}

/// `textDocument/didChange`.
public enum DidChangeTextDocumentNotification: LSPNotification {
    /// The method name.
    public static let method = "textDocument/didChange"
    /// The params.
    public typealias Params = DidChangeTextDocumentParams
}

/// `textDocument/didClose`.
public enum DidCloseTextDocumentNotification: LSPNotification {
    /// The method name.
    public static let method = "textDocument/didClose"
    /// The params.
    public typealias Params = DidCloseTextDocumentParams
}

/// A document was opened with this text.
public struct DidOpenTextDocumentParams: Codable, Sendable {
    /// The document and its text.
    public var textDocument: TextDocumentItem

    /// Creates params.
    public init(textDocument: TextDocumentItem) { self.textDocument = textDocument }
}

/// A document changed: the changes apply in order.
public struct DidChangeTextDocumentParams: Codable, Sendable {
    /// The document and its version after the changes.
    public var textDocument: VersionedTextDocumentIdentifier
    /// The changes, applied one after the other.
    public var contentChanges: [TextDocumentContentChangeEvent]

    /// Creates params.
    public init(textDocument: VersionedTextDocumentIdentifier, contentChanges: [TextDocumentContentChangeEvent]) {
        self.textDocument = textDocument
        self.contentChanges = contentChanges
    }
}

/// One change: a range replaced by text, or (without a range) the whole new text.
public struct TextDocumentContentChangeEvent: Codable, Sendable {
    /// The replaced range; nil means `text` is the full document.
    public var range: LSPRange?
    /// Deprecated length of the range in UTF-16 units; ignored in favour of `range`.
    public var rangeLength: Int?
    /// The new text.
    public var text: String

    /// Creates a change.
    public init(range: LSPRange? = nil, text: String) {
        self.range = range
        self.text = text
    }
}

/// A document was closed.
public struct DidCloseTextDocumentParams: Codable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier

    /// Creates params.
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}
