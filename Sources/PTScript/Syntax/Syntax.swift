// MARK: - Syntax tree
//
// PTScript's tree is flat: a script is a list of statements, a statement is a command word and
// its arguments. Meaning (which form, which types) is assigned later by the checker against the
// command catalog, so the parser never needs to know the commands.

/// One argument of a statement, as written.
public struct Argument: Sendable, Equatable {
    /// The argument's value.
    public enum Value: Sendable, Equatable {
        /// A string literal with escapes decoded.
        case string(String)
        /// A number literal; `text` keeps its spelling, `isInteger` says it has no fraction or exponent.
        case number(Double, text: String, isInteger: Bool)
        /// A bare word.
        case word(String)
        /// The connector `->`.
        case arrow
        /// The connector `to`.
        case to
    }

    /// The value.
    public let value: Value
    /// Where the argument is.
    public let range: SourceRange

    /// Creates an argument.
    public init(_ value: Value, range: SourceRange) {
        self.value = value
        self.range = range
    }

    /// How the argument is named in messages: `string "x"`, `number 3`, `'word'`, `'->'`, `'to'`.
    public var described: String {
        switch value {
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(37)) + "…" : s
            return "string \"\(shown.replacingNewlines())\""
        case .number(_, let text, _): return "number \(text)"
        case .word(let w): return "'\(w)'"
        case .arrow: return "'->'"
        case .to: return "'to'"
        }
    }
}

/// One statement: a command word followed by arguments, ended by a newline, `;` or end of input.
public struct Statement: Sendable, Equatable {
    /// The command word as written.
    public let name: String
    /// Where the command word is.
    public let nameRange: SourceRange
    /// The arguments in order.
    public let arguments: [Argument]
    /// From the command word to the end of the last argument.
    public let range: SourceRange
    /// Comments on the lines above the statement (since the previous statement).
    public let leadingComments: [Comment]
    /// A comment at the end of the statement's last line.
    public let trailingComment: Comment?
    /// True when the parser already reported a problem inside this statement; the checker then
    /// skips argument checks so one mistake gives one diagnostic.
    public let isMalformed: Bool
}

/// A parsed script: statements, every comment, and the syntax diagnostics.
public struct Script: Sendable {
    /// The source the script was parsed from.
    public let source: SourceFile
    /// The statements in order.
    public let statements: [Statement]
    /// Every comment in the file, in order.
    public let comments: [Comment]
    /// Lexical and syntax diagnostics, in source order.
    public let diagnostics: [Diagnostic]

    /// True when the input stopped early (an open string, or a trailing `->`/`to`).
    public var isIncomplete: Bool { diagnostics.contains { $0.isIncomplete } }
}

extension String {
    /// The string with line breaks shown as `\n`, for one-line messages.
    func replacingNewlines() -> String {
        var out = ""
        for ch in self { out += ch == "\n" ? "\\n" : ch == "\r\n" ? "\\r\\n" : String(ch) }
        return out
    }
}
