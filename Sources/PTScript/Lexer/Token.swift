// MARK: - Tokens and trivia

/// What kind of lexeme a token is.
public enum TokenKind: Sendable, Equatable {
    /// An identifier: letters, digits and `_`, not starting with a digit (non-ASCII letters allowed).
    case word
    /// A double-quoted string; `Token.stringValue` holds the decoded text.
    case string
    /// A number: optional `-`, digits, optional fraction and exponent; `Token.numberValue` holds it.
    case number
    /// The connector `->`.
    case arrow
    /// `;`, which ends a statement like a newline.
    case semicolon
    /// A line break, which ends a statement.
    case newline
    /// A lexeme that could not be read (already reported by the lexer).
    case invalid
    /// End of input.
    case eof
}

/// A `#` comment, kept so tools can show it (step-through shows the comments above a command).
public struct Comment: Sendable, Equatable {
    /// The comment's text after `#`, with surrounding spaces trimmed.
    public let text: String
    /// The span from `#` to the end of the line.
    public let range: SourceRange
}

/// One lexeme with its source range and any comments that came before it.
public struct Token: Sendable, Equatable {
    /// What the token is.
    public let kind: TokenKind
    /// The raw source text of the token (quotes and escapes included for strings).
    public let lexeme: String
    /// Where the token is.
    public let range: SourceRange
    /// Comments between the previous token and this one.
    public let leadingComments: [Comment]
    /// The decoded text of a string token.
    public let stringValue: String?
    /// The value of a number token.
    public let numberValue: Double?
    /// True when a number token has no fraction and no exponent and fits in `Int`.
    public let isInteger: Bool
    /// True for a string whose closing quote is missing.
    public let isUnterminated: Bool

    init(kind: TokenKind, lexeme: String, range: SourceRange, leadingComments: [Comment],
         stringValue: String? = nil, numberValue: Double? = nil, isInteger: Bool = false,
         isUnterminated: Bool = false) {
        self.kind = kind
        self.lexeme = lexeme
        self.range = range
        self.leadingComments = leadingComments
        self.stringValue = stringValue
        self.numberValue = numberValue
        self.isInteger = isInteger
        self.isUnterminated = isUnterminated
    }

    /// How the token is named in messages: `string "x"`, `number 3`, `'word'`, `'->'`, `end of line`.
    public var described: String {
        switch kind {
        case .word: "'\(lexeme)'"
        case .string: "string \(lexeme.count > 40 ? String(lexeme.prefix(37)) + "…\"" : lexeme)"
        case .number: "number \(lexeme)"
        case .arrow: "'->'"
        case .semicolon: "';'"
        case .newline: "end of line"
        case .invalid: "'\(lexeme)'"
        case .eof: "end of input"
        }
    }
}
