// MARK: - Document symbols: textDocument/documentSymbol

/// `textDocument/documentSymbol`.
public enum DocumentSymbolRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/documentSymbol"
    /// The params.
    public typealias Params = DocumentSymbolParams
    /// The outline (hierarchical symbols).
    public typealias Result = [DocumentSymbol]
}

/// Which document's outline.
public struct DocumentSymbolParams: Codable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier

    /// Creates params.
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}

/// One entry of the outline, with its children.
public struct DocumentSymbol: Codable, Sendable, Equatable {
    /// What the outline shows.
    public var name: String
    /// A second line (a command's summary).
    public var detail: String?
    /// The icon.
    public var kind: SymbolKind
    /// Everything the symbol covers.
    public var range: LSPRange
    /// What to select when the symbol is picked (the command word).
    public var selectionRange: LSPRange
    /// Nested symbols.
    public var children: [DocumentSymbol]?

    /// Creates a symbol.
    public init(name: String, detail: String?, kind: SymbolKind, range: LSPRange, selectionRange: LSPRange,
                children: [DocumentSymbol]?) {
        self.name = name
        self.detail = detail
        self.kind = kind
        self.range = range
        self.selectionRange = selectionRange
        self.children = children
    }
}

/// LSP's symbol kinds (the ones the outline uses, with LSP's numbers).
public enum SymbolKind: Int, Codable, Sendable {
    /// A file.
    case file = 1
    /// A module (the model).
    case module = 2
    /// A namespace (a `##` heading).
    case namespace = 3
    /// A package (a flow stage).
    case package = 4
    /// A property (a setting).
    case property = 7
    /// A constructor (init).
    case constructor = 9
    /// A function (other commands).
    case function = 12
    /// An array (pairs).
    case array = 18
    /// An event (ask, compare).
    case event = 24
    /// An operator (train).
    case `operator` = 25
}
