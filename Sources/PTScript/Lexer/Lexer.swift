// MARK: - Lexer
//
// Reads UTF-8 bytes into tokens. It never traps: every byte either joins a token, is skipped as
// whitespace, or becomes an `invalid` token with a diagnostic. Only ASCII bytes ever end a token,
// so token boundaries always fall between whole scalars.

/// Turns source text into tokens plus lexical diagnostics.
public struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    private var index = 0
    private var pendingComments: [Comment] = []
    // Where the last location was taken: locations are asked for in (almost always) increasing
    // order, so walking forward from here replaces the line table's binary search and the column
    // walk from the start of the line, which dominated lexing a long file.
    private var mark = SourceLocation(line: 1, column: 1, utf8Offset: 0)
    private var previousMark = SourceLocation(line: 1, column: 1, utf8Offset: 0)
    private(set) var diagnostics: [Diagnostic] = []

    /// Creates a lexer over a source file.
    public init(_ source: SourceFile) {
        self.source = source
        self.bytes = source.utf8
    }

    /// Reads every token (the last is `.eof`) and the diagnostics found on the way.
    public static func tokenize(_ source: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        tokens.reserveCapacity(source.utf8.count / 4 + 1)  // about one token per 4–6 bytes of script
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .eof { break }
        }
        return (tokens, lexer.diagnostics)
    }

    // MARK: - Driver

    /// The next token; `.eof` forever once the input is consumed.
    public mutating func next() -> Token {
        skipWhitespaceAndComments()
        let start = index
        guard index < bytes.count else { return make(.eof, from: start) }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "\n"):
            index += 1
            return make(.newline, from: start)
        case UInt8(ascii: ";"):
            index += 1
            return make(.semicolon, from: start)
        case UInt8(ascii: "\""):
            return lexString()
        case UInt8(ascii: "?"):
            // `?` is a one-character word (the short name of `help`), so `?train` reads as `? train`.
            index += 1
            return make(.word, from: start)
        case UInt8(ascii: "-"):
            if peek(1) == UInt8(ascii: ">") {
                index += 2
                return make(.arrow, from: start)
            }
            if let next = peek(1), isDigit(next) { return lexNumber() }
            index += 1
            return invalid(from: start, .unexpectedCharacter("-"))
        default:
            if isDigit(byte) { return lexNumber() }
            if isWordStart(byte) {
                while index < bytes.count, isWordContinue(bytes[index]) { index += 1 }
                return make(.word, from: start)
            }
            index += 1
            return invalid(from: start, .unexpectedCharacter(Lexer.show(byte)))
        }
    }

    // MARK: - Trivia

    // trivia := (' ' | '\t' | '\r' | '#' <any but newline>*)*
    private mutating func skipWhitespaceAndComments() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                var end = index
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let body = source.text(start + 1, end)
                pendingComments.append(Comment(text: body.trimmingSpaces(), range: range(start, end)))
            default:
                return
            }
        }
    }

    // MARK: - Numbers

    // number := '-'? digit+ ('.' digit+)? (('e' | 'E') ('+' | '-')? digit+)?
    // A number glued to letters, digits or dots that do not fit the rule is one invalid token.
    private mutating func lexNumber() -> Token {
        let start = index
        var valid = true
        var integral = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        skipDigits()
        if peek(0) == UInt8(ascii: ".") {
            integral = false
            index += 1
            if !skipDigits() { valid = false }
        }
        if let e = peek(0), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            integral = false
            index += 1
            if let sign = peek(0), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            if !skipDigits() { valid = false }
        }
        while index < bytes.count, isWordContinue(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            valid = false
            index += 1
        }
        let text = source.text(start, index)
        guard valid, let value = Double(text), value.isFinite, !(integral && Int(text) == nil) else {
            return invalid(from: start, .invalidNumber(text))
        }
        return make(.number, from: start, lexeme: text, numberValue: value, isInteger: integral)
    }

    @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        return index > start
    }

    // MARK: - Strings

    // string := '"' (char | escape)* '"'       strings may span lines
    // escape := '\' ('n' | 't' | 'r' | '0' | '"' | '\' | 'u{' hex{1,8} '}')
    private mutating func lexString() -> Token {
        let start = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var literalStart = index
        var escaped = false
        func flush(_ lexer: Lexer, _ upTo: Int) {
            scalars.append(contentsOf: lexer.source.text(literalStart, upTo).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // Most strings have no escape: their value is the text between the quotes.
                let value = escaped ? nil : source.text(start + 1, index)
                if escaped { flush(self, index) }
                index += 1
                return make(.string, from: start, stringValue: value ?? String(scalars))
            }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            escaped = true
            flush(self, index)
            let escapeStart = index
            index += 1
            guard index < bytes.count else { break }
            let code = bytes[index]
            index += 1
            switch code {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "0"): scalars.append("\0")
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "u"): lexUnicodeEscape(from: escapeStart, into: &scalars)
            default:
                // Step back over a multi-byte scalar so the message shows the whole character.
                while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
                let shown = source.text(escapeStart + 1, index)
                report(.unknownEscape(shown == "\n" ? "\\n" : shown), escapeStart, index)
                scalars.append(contentsOf: shown.unicodeScalars)
            }
            literalStart = index
        }
        flush(self, index)
        report(.unterminatedString(), start, index)
        return make(.string, from: start, stringValue: String(scalars), isUnterminated: true)
    }

    // After `\u`: '{' hex{1,8} '}' naming a valid scalar (not a surrogate, ≤ 10FFFF).
    private mutating func lexUnicodeEscape(from escapeStart: Int, into scalars: inout String.UnicodeScalarView) {
        guard peek(0) == UInt8(ascii: "{") else {
            report(.invalidUnicodeEscape("expected '{' after \\u"), escapeStart, index)
            return
        }
        index += 1
        let digitsStart = index
        while index < bytes.count, isHexDigit(bytes[index]) { index += 1 }
        let digits = source.text(digitsStart, index)
        guard peek(0) == UInt8(ascii: "}") else {
            report(.invalidUnicodeEscape("expected hex digits and a closing '}'"), escapeStart, index)
            return
        }
        index += 1
        guard (1...8).contains(digits.count), let value = UInt32(digits, radix: 16),
              let scalar = Unicode.Scalar(value) else {
            report(.invalidUnicodeEscape("'\(digits)' is not a Unicode scalar value"), escapeStart, index)
            return
        }
        scalars.append(scalar)
    }

    // MARK: - Helpers

    private func peek(_ ahead: Int) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private mutating func make(_ kind: TokenKind, from start: Int, lexeme: String? = nil, stringValue: String? = nil,
                               numberValue: Double? = nil, isInteger: Bool = false,
                               isUnterminated: Bool = false) -> Token {
        let comments = pendingComments
        if !pendingComments.isEmpty { pendingComments = [] }
        // Separators and connectors always read the same: no need to decode their bytes.
        let text: String
        switch kind {
        case .newline: text = "\n"
        case .semicolon: text = ";"
        case .arrow: text = "->"
        case .eof: text = ""
        default: text = lexeme ?? source.text(start, index)
        }
        return Token(kind: kind, lexeme: text, range: range(start, index),
                     leadingComments: comments, stringValue: stringValue, numberValue: numberValue,
                     isInteger: isInteger, isUnterminated: isUnterminated)
    }

    private mutating func invalid(from start: Int, _ message: DiagnosticMessage) -> Token {
        report(message, start, index)
        return make(.invalid, from: start)
    }

    private mutating func report(_ message: DiagnosticMessage, _ start: Int, _ end: Int) {
        diagnostics.append(Diagnostic(message, at: range(start, end)))
    }

    // MARK: - Locations

    private mutating func range(_ start: Int, _ end: Int) -> SourceRange {
        let from = location(start)
        return SourceRange(start: from, end: location(end))
    }

    // The location of `offset`, walking forward from the last one, or from the one before it (an
    // invalid token is reported, which moves the mark to its end, and then made, which asks for its
    // start again); an offset behind both (an unterminated string's start, reported after its
    // escapes) falls back to the line table, which counts from the start of the line.
    private mutating func location(_ offset: Int) -> SourceLocation {
        let base: SourceLocation
        if offset >= mark.utf8Offset {
            base = mark
        } else if offset >= previousMark.utf8Offset {
            base = previousMark
        } else {
            return source.location(at: offset)
        }
        guard offset <= bytes.count else { return source.location(at: offset) }
        var line = base.line, column = base.column
        var i = base.utf8Offset
        while i < offset {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // a byte that starts a scalar
                column += 1
            }
            i += 1
        }
        let location = SourceLocation(line: line, column: column, utf8Offset: offset)
        if offset >= mark.utf8Offset {
            previousMark = mark
            mark = location
        } else {
            previousMark = location
        }
        return location
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }
    // Bytes ≥ 0x80 belong to non-ASCII scalars; they count as letters so Unicode names lex as words.
    private func isWordStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b >= 0x80
    }
    private func isWordContinue(_ b: UInt8) -> Bool { isWordStart(b) || isDigit(b) }

    /// A printable form of a byte for messages: the character itself, or `\u{XX}` for controls.
    static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16, uppercase: true))}"
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
