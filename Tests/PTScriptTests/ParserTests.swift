import Testing
@testable import PTScript

// MARK: - Parser

@Suite("Parser")
struct ParserTests {
    @Test("statements split at newlines and semicolons")
    func statements() {
        let script = Parser.parse("load; pairs add \"a\" -> \"b\"\n\ntrain 3 epochs")
        #expect(script.statements.map(\.name) == ["load", "pairs", "train"])
        #expect(script.statements[1].arguments.map(\.value) == [.word("add"), .string("a"), .arrow, .string("b")])
        #expect(script.statements[2].arguments.count == 2)
        #expect(script.diagnostics.isEmpty)
    }

    @Test("'to' is a connector in argument position")
    func toConnector() {
        let script = Parser.parse("plot loss to \"loss.svg\"")
        #expect(script.statements[0].arguments.map(\.value) == [.word("loss"), .to, .string("loss.svg")])
    }

    @Test("a connector continues the statement on the next line")
    func continuation() {
        let script = Parser.parse("pairs add \"a\" ->\n  \"b\"\nshow model")
        #expect(script.statements.count == 2)
        #expect(script.statements[0].arguments.last?.value == .string("b"))
        #expect(!script.isIncomplete)
    }

    @Test("incomplete input is detected", arguments: [
        ("ask \"hello", true), ("pairs add \"a\" ->", true), ("pairs add \"a\" ->\n", true), ("map to", true),
        ("ask \"hello\"", false), ("trian", false), ("pairs add \"a\" -> ; x", false), ("", false),
    ])
    func incomplete(_ text: String, _ expected: Bool) {
        #expect(Parser.isIncomplete(text) == expected, "\(text)")
    }

    @Test("leading and trailing comments attach to statements")
    func comments() {
        let script = Parser.parse("# load the model\n# (default)\nload # fast\n\n# tune\ntrain 5")
        #expect(script.statements[0].leadingComments.map(\.text) == ["load the model", "(default)"])
        #expect(script.statements[0].trailingComment?.text == "fast")
        #expect(script.statements[1].leadingComments.map(\.text) == ["tune"])
        #expect(script.comments.count == 4)
    }

    @Test("panic mode reports each bad statement once and keeps going")
    func recovery() {
        let script = Parser.parse("\"oops\" 1 2\n3 train\nload\n-> x\nask \"ok\"")
        #expect(script.statements.map(\.name) == ["load", "ask"])
        #expect(script.diagnostics.map(\.id) == ["PT0010", "PT0010", "PT0010"])
        #expect(script.diagnostics.map(\.range.start.line) == [1, 2, 4])
    }

    @Test("lexer errors mark the statement malformed")
    func malformed() {
        let script = Parser.parse("train 5x\nask \"a\"")
        #expect(script.statements[0].isMalformed)
        #expect(!script.statements[1].isMalformed)
        #expect(script.diagnostics.map(\.id) == ["PT0004"])
    }
}
