// MARK: - Formatting: textDocument/formatting

/// `textDocument/formatting`.
public enum DocumentFormattingRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/formatting"
    /// The params.
    public typealias Params = DocumentFormattingParams
    /// The edits (empty when the document is already canonical or cannot be formatted).
    public typealias Result = [TextEdit]
}

/// Which document, and the editor's indentation settings.
public struct DocumentFormattingParams: Codable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The editor's settings (the canonical layout has no indentation, so they are not used).
    public var options: FormattingOptions

    /// Creates params.
    public init(textDocument: TextDocumentIdentifier, options: FormattingOptions) {
        self.textDocument = textDocument
        self.options = options
    }
}

/// Editor settings sent with formatting requests.
public struct FormattingOptions: Codable, Sendable {
    /// Spaces per tab.
    public var tabSize: Int
    /// Spaces rather than tabs.
    public var insertSpaces: Bool

    /// Creates options.
    public init(tabSize: Int, insertSpaces: Bool) {
        self.tabSize = tabSize
        self.insertSpaces = insertSpaces
    }
}
