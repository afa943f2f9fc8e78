import Testing
@testable import PTScript

// MARK: - Lexer

@Suite("Lexer")
struct LexerTests {
    private func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(SourceFile(text: text)).tokens.map(\.kind)
    }

    @Test("words, strings, numbers, connectors and separators")
    func basicTokens() {
        #expect(kinds("pairs add \"a\" -> \"b\"; train 3 epochs\n") ==
                [.word, .word, .string, .arrow, .string, .semicolon, .word, .number, .word, .newline, .eof])
    }

    @Test("numbers: integers, decimals, exponents, negatives")
    func numbers() throws {
        let tokens = Lexer.tokenize(SourceFile(text: "50 0.2 -3 1e-5 2.5E+3")).tokens
        let values = tokens.compactMap(\.numberValue)
        #expect(values == [50, 0.2, -3, 1e-5, 2500])
        #expect(tokens.prefix(5).map(\.isInteger) == [true, false, true, false, false])
    }

    @Test("malformed numbers are one invalid token each", arguments: ["1.", "2e", "12abc", "0.2.3", "99999999999999999999"])
    func invalidNumbers(_ text: String) {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(text: text))
        #expect(tokens.map(\.kind) == [.invalid, .eof])
        #expect(diagnostics.map(\.text) == ["invalid number '\(text)'"])
    }

    @Test("string escapes decode")
    func escapes() {
        let token = Lexer.tokenize(SourceFile(text: #""a\n\t\"\\ \u{1F600}\u{e9}""#)).tokens[0]
        #expect(token.stringValue == "a\n\t\"\\ 😀é")
    }

    @Test("bad escapes are reported and the string survives")
    func badEscapes() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(text: #""a\qb" "\u{D800}" "\u12" "\u{}""#))
        #expect(tokens.map(\.kind) == [.string, .string, .string, .string, .eof])
        #expect(tokens[0].stringValue == "aqb")
        #expect(diagnostics.map(\.id) == ["PT0002", "PT0003", "PT0003", "PT0003"])
        #expect(diagnostics[0].range.start.column == 3)
    }

    @Test("an unterminated string runs to the end and is incomplete")
    func unterminated() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(text: "ask \"hello\nworld"))
        #expect(tokens.map(\.kind) == [.word, .string, .eof])
        #expect(tokens[1].stringValue == "hello\nworld")
        #expect(diagnostics.count == 1 && diagnostics[0].isIncomplete)
    }

    @Test("comments are trivia on the next token")
    func comments() {
        let tokens = Lexer.tokenize(SourceFile(text: "# first\ntrain 5 # trailing\n")).tokens
        #expect(tokens[0].kind == .newline && tokens[0].leadingComments.map(\.text) == ["first"])
        #expect(tokens[3].kind == .newline && tokens[3].leadingComments.map(\.text) == ["trailing"])
    }

    @Test("columns count Unicode scalars; offsets count bytes")
    func unicodeColumns() {
        let source = SourceFile(text: "ask \"héllo\" x\n")
        let tokens = Lexer.tokenize(source).tokens
        #expect(tokens[2].range.start.column == 13)
        #expect(tokens[2].range.start.utf8Offset == 13)
        #expect(source.offset(line: 1, column: 13) == 13)
    }

    @Test("unexpected characters are reported, never trapped on")
    func unexpected() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(text: "a @ - \u{1}"))
        #expect(tokens.map(\.kind) == [.word, .invalid, .invalid, .invalid, .eof])
        #expect(diagnostics.map(\.text) == ["unexpected character '@'", "unexpected character '-'",
                                             "unexpected character '\\u{1}'"])
    }

    @Test("any byte sequence lexes and checks without trapping")
    func fuzz() {
        var rng = SplitMix(seed: 7)
        let alphabet = Array("ab \"\\u{}->;#\n0.9e-_tolad".utf8)
        for round in 0..<400 {
            let bytes = (0..<Int(rng.next() % 40)).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let (tokens, _) = Lexer.tokenize(SourceFile(text: text))
            #expect(tokens.last?.kind == .eof)
            _ = Checker.check(text)
            _ = Completer.complete(text: text, cursorUTF8Offset: Int(rng.next() % UInt64(text.utf8.count + 1)),
                                   context: CompletionContext())
        }
    }
}

/// A tiny deterministic generator for fuzzing (PTScript depends on nothing, not even Numerics).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
