// MARK: - Semantic tokens: textDocument/semanticTokens/full

/// `textDocument/semanticTokens/full`.
public enum SemanticTokensRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/semanticTokens/full"
    /// The params.
    public typealias Params = SemanticTokensParams
    /// The tokens.
    public typealias Result = SemanticTokens
}

/// Which document.
public struct SemanticTokensParams: Codable, Sendable {
    /// The document.
    public var textDocument: TextDocumentIdentifier

    /// Creates params.
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}

/// Semantic-token settings advertised in `initialize`.
public struct SemanticTokensOptions: Codable, Sendable {
    /// The token types and modifiers, by index.
    public var legend: SemanticTokensLegend
    /// True: whole-document tokens.
    public var full: Bool
    /// False: no range requests.
    public var range: Bool
}

/// The names the token data indexes into.
public struct SemanticTokensLegend: Codable, Sendable, Equatable {
    /// Token type names, indexed by `SemanticTokenType.rawValue`.
    public var tokenTypes: [String]
    /// Modifier names (none are used).
    public var tokenModifiers: [String]

    /// The legend of `.ptscript` tokens.
    public static let ptscript = SemanticTokensLegend(tokenTypes: SemanticTokenType.allCases.map(\.name), tokenModifiers: [])
}

/// The token types a `.ptscript` file has, in legend order.
public enum SemanticTokenType: Int, CaseIterable, Sendable {
    /// Command words.
    case keyword
    /// String literals.
    case string
    /// Number literals.
    case number
    /// `#` comments.
    case comment
    /// The connectors `->` and `to`.
    case `operator`
    /// Setting names.
    case property
    /// Keyword arguments: subcommands and choice words.
    case enumMember

    /// The standard LSP name of the type.
    public var name: String {
        switch self {
        case .keyword: "keyword"
        case .string: "string"
        case .number: "number"
        case .comment: "comment"
        case .operator: "operator"
        case .property: "property"
        case .enumMember: "enumMember"
        }
    }
}

/// Tokens encoded as LSP requires: five integers per token (line delta, start delta, length, type,
/// modifiers), positions relative to the previous token, in UTF-16 units.
public struct SemanticTokens: Codable, Sendable, Equatable {
    /// The encoded tokens.
    public var data: [UInt32]

    /// Creates tokens from encoded data.
    public init(data: [UInt32]) { self.data = data }
}
