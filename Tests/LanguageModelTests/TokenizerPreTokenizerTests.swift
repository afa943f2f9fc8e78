import Testing
@testable import LanguageModel

/// The split scanners against word lists produced by HF `tokenizers` (Oniguruma running the
/// original regexes; smollm = `Digits(individual_digits: true)` then the GPT-2 regex).
@Suite("Tokenizer: pre-tokenizers")
struct TokenizerPreTokenizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let text: String
        let pre: PreTokenizer
        let words: [String]
        var testDescription: String { "\(pre) \(text.debugDescription)" }
    }

    static let cases: [Case] = [
        Case(text: "Hello  world's 2024!", pre: .gpt2, words: ["Hello", " ", " world", "'s", " 2024", "!"]),
        Case(text: "Hello  world's 2024!", pre: .smollm, words: ["Hello", " ", " world", "'s", " ", "2", "0", "2", "4", "!"]),
        Case(text: "Hello  world's 2024!", pre: .llamaBPE, words: ["Hello", " ", " world", "'s", " ", "202", "4", "!"]),
        Case(text: "Hello  world's 2024!", pre: .qwen2, words: ["Hello", " ", " world", "'s", " ", "2", "0", "2", "4", "!"]),
        Case(text: "  95 ", pre: .gpt2, words: [" ", " 95", " "]),
        Case(text: "  95 ", pre: .smollm, words: ["  ", "9", "5", " "]),
        Case(text: "  95 ", pre: .llamaBPE, words: [" ", " ", "95", " "]),
        Case(text: "  95 ", pre: .qwen2, words: [" ", " ", "9", "5", " "]),
        Case(text: "I'LL go\n\n  now", pre: .gpt2, words: ["I", "'", "LL", " go", "\n\n ", " now"]),
        Case(text: "I'LL go\n\n  now", pre: .smollm, words: ["I", "'", "LL", " go", "\n\n ", " now"]),
        Case(text: "I'LL go\n\n  now", pre: .llamaBPE, words: ["I", "'LL", " go", "\n\n", " ", " now"]),
        Case(text: "I'LL go\n\n  now", pre: .qwen2, words: ["I", "'LL", " go", "\n\n", " ", " now"]),
        Case(text: "x = 12345;\r\n\ty", pre: .gpt2, words: ["x", " =", " 12345", ";", "\r\n", "\t", "y"]),
        Case(text: "x = 12345;\r\n\ty", pre: .smollm, words: ["x", " =", " ", "1", "2", "3", "4", "5", ";", "\r\n", "\t", "y"]),
        Case(text: "x = 12345;\r\n\ty", pre: .llamaBPE, words: ["x", " =", " ", "123", "45", ";\r\n", "\ty"]),
        Case(text: "x = 12345;\r\n\ty", pre: .qwen2, words: ["x", " =", " ", "1", "2", "3", "4", "5", ";\r\n", "\ty"]),
        Case(text: "a   b\u{a0}\u{a0}c", pre: .gpt2, words: ["a", "  ", " b", "\u{a0}", "\u{a0}", "c"]),
        Case(text: "a   b\u{a0}\u{a0}c", pre: .smollm, words: ["a", "  ", " b", "\u{a0}", "\u{a0}", "c"]),
        Case(text: "a   b\u{a0}\u{a0}c", pre: .llamaBPE, words: ["a", "  ", " b", "\u{a0}", "\u{a0}c"]),
        Case(text: "a   b\u{a0}\u{a0}c", pre: .qwen2, words: ["a", "  ", " b", "\u{a0}", "\u{a0}c"]),
        Case(text: "!'s ...'re", pre: .gpt2, words: ["!'", "s", " ...'", "re"]),
        Case(text: "!'s ...'re", pre: .smollm, words: ["!'", "s", " ...'", "re"]),
        Case(text: "!'s ...'re", pre: .llamaBPE, words: ["!'", "s", " ...'", "re"]),
        Case(text: "\u{660}\u{661} \u{be}\u{216b}", pre: .gpt2, words: ["\u{660}\u{661}", " \u{be}\u{216b}"]),
        Case(text: "\u{660}\u{661} \u{be}\u{216b}", pre: .smollm, words: ["\u{660}", "\u{661}", " ", "\u{be}", "\u{216b}"]),
        Case(text: "\u{660}\u{661} \u{be}\u{216b}", pre: .llamaBPE, words: ["\u{660}\u{661}", " ", "\u{be}\u{216b}"]),
        Case(text: "\u{660}\u{661} \u{be}\u{216b}", pre: .qwen2, words: ["\u{660}", "\u{661}", " ", "\u{be}", "\u{216b}"]),
    ]

    static func words(_ text: String, _ pre: PreTokenizer) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        pre.split(scalars, classes: scalars.map(CharacterClass.of), range: 0..<scalars.count, into: &ranges)
        return ranges.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test("splits like HF tokenizers", arguments: cases)
    func splits(_ c: Case) {
        let got = Self.words(c.text, c.pre)
        #expect(got == c.words, "text \(c.text.debugDescription) [\(c.pre)]: expected \(c.words), got \(got)")
    }

    @Test("words cover the text exactly, in order, none empty",
          arguments: ["", " ", "\n", "a", "'", "''", "  \t\n\r\n x", "😀 👍🏽", "e\u{301}", "a'", "'L"],
          PreTokenizer.allCases)
    func wordsCoverText(_ text: String, _ pre: PreTokenizer) {
        let got = Self.words(text, pre)
        #expect(got.joined() == text)
        #expect(!got.contains(""))
    }

    @Test("GGUF names map to pre-tokenizers; an unknown one is an error naming it")
    func names() throws {
        #expect(try PreTokenizer(ggufName: "smollm") == .smollm)
        #expect(try PreTokenizer(ggufName: "gpt-2") == .gpt2)
        #expect(try PreTokenizer(ggufName: "llama-bpe") == .llamaBPE)
        #expect(try PreTokenizer(ggufName: "llama3") == .llamaBPE)
        #expect(try PreTokenizer(ggufName: "qwen2") == .qwen2)
        #expect(throws: TokenizerError.unknownPreTokenizer("deepseek-coder")) {
            try PreTokenizer(ggufName: "deepseek-coder")
        }
        let message = TokenizerError.unknownPreTokenizer("deepseek-coder").description
        #expect(message.contains("'deepseek-coder'") && message.contains("smollm"))
    }
}
