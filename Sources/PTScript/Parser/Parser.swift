// MARK: - Parser
//
// Recursive descent over the lexer's tokens with panic-mode recovery: when a statement goes wrong
// the parser reports once, skips to the next newline or `;`, and carries on, so one pass reports
// every independent error (Crafting Interpreters, ch. 6).

/// Parses PTScript source into a `Script`.
public struct Parser {
    private let source: SourceFile
    // Tokens are pulled from the lexer one at a time (one token of lookahead is all the grammar
    // needs), so a long script never holds an array of every token.
    private var lexer: Lexer
    private var current: Token
    private var comments: [Comment] = []
    private var diagnostics: [Diagnostic] = []

    private init(_ source: SourceFile) {
        self.source = source
        self.lexer = Lexer(source)
        self.current = lexer.next()
        comments += current.leadingComments
    }

    /// Parses a source file.
    public static func parse(_ source: SourceFile) -> Script {
        var parser = Parser(source)
        let statements = parser.parseScript()
        return Script(source: source, statements: statements, comments: parser.comments,
                      diagnostics: (parser.lexer.diagnostics + parser.diagnostics).sortedByLocation())
    }

    /// Parses text under a display name.
    public static func parse(_ text: String, name: String = "<input>") -> Script {
        parse(SourceFile(name: name, text: text))
    }

    /// True when `text` stops in the middle of a string or right after `->`/`to`: the REPL then
    /// shows a continuation prompt and appends the next line instead of running the text.
    public static func isIncomplete(_ text: String) -> Bool {
        parse(text).isIncomplete
    }

    // MARK: - Grammar

    // script := separator* (statement (separator+ statement)*)? separator* EOF
    // separator := NEWLINE | ';'
    private mutating func parseScript() -> [Statement] {
        var statements: [Statement] = []
        // Every statement but the last ends at a separator, so this bounds the count: the array
        // never regrows (in a 1 MB script the regrowth copies and fresh pages were ~15% of the time).
        statements.reserveCapacity(Self.separatorCount(source.utf8) + 1)
        var leading: [Comment] = []
        while true {
            let token = current
            switch token.kind {
            case .eof:
                return statements
            case .newline, .semicolon:
                // A separator's comments either trail the previous statement's line or lead the next.
                leading += token.leadingComments.filter { !trails($0, statements.last) }
                advance()
            case .word:
                statements.append(parseStatement(leadingComments: leading + token.leadingComments))
                leading = []
            default:
                if token.kind != .invalid {
                    report(.expectedCommand(found: token.described), token.range)
                }
                leading = []
                synchronize()
            }
        }
    }

    /// The newlines and semicolons in `bytes` (some inside strings or comments: an upper bound).
    private static func separatorCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for byte in buffer where byte == UInt8(ascii: "\n") || byte == UInt8(ascii: ";") { count += 1 }
            return count
        }
    }

    // statement := WORD argument*
    private mutating func parseStatement(leadingComments: [Comment]) -> Statement {
        let nameToken = current
        advance()
        var arguments: [Argument] = []
        arguments.reserveCapacity(4)  // one allocation for the usual statement, not one per growth
        var malformed = false
        while let argument = parseArgument(malformed: &malformed) {
            arguments.append(argument)
        }
        let end = arguments.last?.range.end ?? nameToken.range.end
        let trailing = current.leadingComments.first { $0.range.start.line == end.line }
        return Statement(name: nameToken.lexeme, nameRange: nameToken.range, arguments: arguments,
                         range: SourceRange(start: nameToken.range.start, end: end),
                         leadingComments: leadingComments, trailingComment: trailing, isMalformed: malformed)
    }

    // argument := STRING | NUMBER | WORD | connector
    // connector := ('->' | 'to') NEWLINE*     a connector continues the statement on the next line
    // Returns nil at the end of the statement.
    private mutating func parseArgument(malformed: inout Bool) -> Argument? {
        let token = current
        switch token.kind {
        case .newline, .semicolon, .eof:
            return nil
        case .invalid:
            malformed = true  // the lexer reported it already
            advance()
            return parseArgument(malformed: &malformed)
        case .string:
            advance()
            if token.isUnterminated { malformed = true }
            return Argument(.string(token.stringValue ?? ""), range: token.range)
        case .number:
            advance()
            return Argument(.number(token.numberValue ?? 0, text: token.lexeme, isInteger: token.isInteger),
                            range: token.range)
        case .arrow:
            advance()
            parseConnectorContinuation(token, malformed: &malformed)
            return Argument(.arrow, range: token.range)
        case .word where token.lexeme == "to":
            advance()
            parseConnectorContinuation(token, malformed: &malformed)
            return Argument(.to, range: token.range)
        case .word:
            advance()
            return Argument(.word(token.lexeme), range: token.range)
        }
    }

    // After a connector, newlines are skipped; the statement must go on with an argument.
    private mutating func parseConnectorContinuation(_ connector: Token, malformed: inout Bool) {
        while current.kind == .newline { advance() }
        switch current.kind {
        case .eof:
            malformed = true
            report(.incompleteStatement(after: connector.lexeme), connector.range)
        case .semicolon:
            malformed = true
            report(.danglingConnector(connector.lexeme), current.range)
        default:
            break
        }
    }

    // MARK: - Recovery

    // Panic mode: drop tokens up to (not including) the next separator.
    private mutating func synchronize() {
        while current.kind != .newline, current.kind != .semicolon, current.kind != .eof {
            advance()
        }
    }

    // MARK: - Helpers

    private mutating func advance() {
        guard current.kind != .eof else { return }
        current = lexer.next()
        if !current.leadingComments.isEmpty { comments += current.leadingComments }
    }

    private func trails(_ comment: Comment, _ statement: Statement?) -> Bool {
        guard let statement else { return false }
        return comment.range.start.line == statement.range.end.line
    }

    private mutating func report(_ message: DiagnosticMessage, _ range: SourceRange) {
        diagnostics.append(Diagnostic(message, at: range))
    }
}
