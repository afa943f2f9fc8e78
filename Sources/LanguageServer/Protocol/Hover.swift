// MARK: - Hover: textDocument/hover

/// `textDocument/hover`.
public enum HoverRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/hover"
    /// The params.
    public typealias Params = TextDocumentPositionParams
    /// The result (null when there is nothing to say).
    public typealias Result = Hover?
}

/// Help for what is under the cursor.
public struct Hover: Codable, Sendable, Equatable {
    /// The help, as Markdown.
    public var contents: MarkupContent
    /// The word the help is about.
    public var range: LSPRange?

    /// Creates a hover.
    public init(contents: MarkupContent, range: LSPRange?) {
        self.contents = contents
        self.range = range
    }
}
