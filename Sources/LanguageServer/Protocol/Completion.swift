// MARK: - Completion: textDocument/completion

/// `textDocument/completion`.
public enum CompletionRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/completion"
    /// The params.
    public typealias Params = CompletionParams
    /// The result.
    public typealias Result = CompletionList
}

/// Where completion was asked for.
public struct CompletionParams: Codable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The cursor.
    public var position: Position

    /// Creates params.
    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}

/// Completion settings advertised in `initialize`.
public struct CompletionOptions: Codable, Sendable {
    /// Characters that open completion by themselves.
    public var triggerCharacters: [String]
    /// False: items come complete.
    public var resolveProvider: Bool
}

/// The candidates.
public struct CompletionList: Codable, Sendable {
    /// False: the list is complete for this prefix (the client may filter it as the user types).
    public var isIncomplete: Bool
    /// The candidates in display order.
    public var items: [CompletionItem]

    /// Creates a list.
    public init(isIncomplete: Bool, items: [CompletionItem]) {
        self.isIncomplete = isIncomplete
        self.items = items
    }
}

/// One candidate.
public struct CompletionItem: Codable, Sendable, Equatable {
    /// What the list shows (and inserts when there is no `textEdit`).
    public var label: String
    /// The icon.
    public var kind: CompletionItemKind?
    /// A short description (a command's summary, a setting's type and default).
    public var detail: String?
    /// Longer help (usage lines), as Markdown.
    public var documentation: MarkupContent?
    /// Keeps the server's order.
    public var sortText: String?
    /// The text the client filters on (the replaced text's counterpart).
    public var filterText: String?
    /// The exact replacement: the typed prefix's range and the candidate.
    public var textEdit: TextEdit?

    /// Creates an item.
    public init(label: String, kind: CompletionItemKind?, detail: String?, documentation: MarkupContent? = nil,
                sortText: String? = nil, filterText: String? = nil, textEdit: TextEdit? = nil) {
        self.label = label
        self.kind = kind
        self.detail = detail
        self.documentation = documentation
        self.sortText = sortText
        self.filterText = filterText
        self.textEdit = textEdit
    }
}

/// LSP's completion item kinds (the ones a `.ptscript` file produces, with LSP's numbers).
public enum CompletionItemKind: Int, Codable, Sendable {
    /// Plain text.
    case text = 1
    /// A module (used for help topics).
    case module = 9
    /// A property (setting names).
    case property = 10
    /// A value (setting values).
    case value = 12
    /// A keyword (command words).
    case keyword = 14
    /// A file.
    case file = 17
    /// A reference (snapshot names).
    case reference = 18
    /// A folder.
    case folder = 19
    /// An enum member (subcommands and choice words).
    case enumMember = 20
}
