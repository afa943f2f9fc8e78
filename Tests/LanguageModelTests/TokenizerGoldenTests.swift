import Foundation
import Testing
import PTuneTestSupport
@testable import LanguageModel

/// One tokenization with trusted ids, from `smollm2-goldens.json` (HF transformers) or
/// `tokenizer/smollm-extra.json` (HF tokenizers with SmolLM2's digit-splitting pre-tokenizer).
struct TokenizationCase: Decodable, Sendable, CustomTestStringConvertible {
    let text: String
    let ids: [Int32]
    let pieces: [String]
    let decoded: String
    let roundtripExact: Bool?

    enum CodingKeys: String, CodingKey {
        case text, ids, pieces, decoded
        case roundtripExact = "roundtrip_exact"
    }

    var testDescription: String { String(text.debugDescription.prefix(60)) }

    static func load(_ fixture: String, key: String) -> [TokenizationCase] {
        struct Goldens: Decodable { let tokenize: [TokenizationCase] }
        struct Extra: Decodable { let cases: [TokenizationCase] }
        do {
            let data = try Fixtures.data(fixture)
            return key == "tokenize" ? try JSONDecoder().decode(Goldens.self, from: data).tokenize
                                     : try JSONDecoder().decode(Extra.self, from: data).cases
        } catch {
            return []  // the count tests below fail loudly if a fixture cannot be read
        }
    }
}

/// The SmolLM2 tokenizer loaded once from the default model's GGUF.
enum SmolLM2Tokenizer {
    static let loaded: Result<BPETokenizer, any Error> = Result {
        guard let path = Fixtures.defaultModelPath else { throw TokenizerError.missingMetadata(key: "model file") }
        return try BPETokenizer(gguf: GGUFFile(path: path))
    }
    static func get() throws -> BPETokenizer { try loaded.get() }
}

@Suite("Tokenizer: SmolLM2 real model", .enabled(if: Fixtures.defaultModelPath != nil))
struct TokenizerGoldenTests {
    static let goldens = TokenizationCase.load("smollm2-goldens.json", key: "tokenize")
    static let extra = TokenizationCase.load("tokenizer/smollm-extra.json", key: "cases")

    @Test("fixtures hold the expected number of cases")
    func fixtureCounts() {
        #expect(Self.goldens.count == 40)
        #expect(Self.extra.count >= 60)
    }

    @Test("metadata: vocabulary, special ids, pre-tokenizer, control tokens")
    func metadata() throws {
        let tok = try SmolLM2Tokenizer.get()
        #expect(tok.vocabularySize == 49152)
        #expect(tok.bos == 1 && tok.eos == 2 && tok.unknown == 0 && tok.padding == 2)
        #expect(!tok.addBOS)
        #expect(tok.preTokenizer == .smollm)
        #expect((0...16).allSatisfy { tok.isControl(Int32($0)) })
        #expect(!tok.isControl(17) && !tok.isControl(49151))
        #expect(tok.piece(2) == "<|im_end|>")
        #expect(tok.piece(905) == "Ġworld")
        #expect(tok.displayPiece(905) == "␣world")
    }

    @Test("golden tokenizations (HF transformers)", arguments: goldens)
    func golden(_ c: TokenizationCase) throws {
        try check(c, roundtrip: c.roundtripExact ?? true)
    }

    @Test("extra corpus of hard strings (HF tokenizers, digits split)", arguments: extra)
    func extraCorpus(_ c: TokenizationCase) throws {
        try check(c, roundtrip: c.decoded == c.text)
    }

    private func check(_ c: TokenizationCase, roundtrip: Bool) throws {
        let tok = try SmolLM2Tokenizer.get()
        let got = tok.encode(c.text)
        let firstBad = zip(got, c.ids).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(got.count, c.ids.count)
        #expect(got == c.ids, """
            text \(c.text.debugDescription)
              expected \(c.ids) \(c.pieces)
              got      \(got) \(got.map(tok.piece))
              first difference at index \(firstBad)
            """)
        #expect(c.ids.map(tok.piece) == c.pieces, "pieces of \(c.text.debugDescription)")
        #expect(tok.decode(c.ids) == c.decoded, "decode of \(c.text.debugDescription)")
        if roundtrip { #expect(tok.decode(got) == c.text, "roundtrip of \(c.text.debugDescription)") }
    }

    @Test("control tokens decode to their literal text")
    func controlDecode() throws {
        let tok = try SmolLM2Tokenizer.get()
        #expect(tok.decode([1, 4093, 198, 26843, 2]) == "<|im_start|>user\nHi<|im_end|>")
        #expect(tok.decode([0]) == "<|endoftext|>")
        #expect(tok.displayPiece(1) == "<|im_start|>")
    }

    @Test("streaming decode of every case equals the whole decode, never a broken character")
    func streaming() throws {
        let tok = try SmolLM2Tokenizer.get()
        var heldBack = 0
        for c in Self.goldens + Self.extra {
            var decoder = StreamingDecoder(tokenizer: tok)
            var text = ""
            for id in c.ids {
                let part = decoder.append(id)
                if part.isEmpty { heldBack += 1 }
                if !c.decoded.contains("\u{FFFD}") { #expect(!part.contains("\u{FFFD}"), "\(c.testDescription)") }
                text += part
            }
            text += decoder.finish()
            #expect(text == c.decoded, "\(c.testDescription)")
        }
        #expect(heldBack > 0)  // the corpus has emoji and CJK split across ids

        // "🍕" is F0 9F 8D 95: SmolLM2 spells it with two ids, the first of which is incomplete.
        let pizza = tok.encode("🍕")
        #expect(pizza.count >= 2)
        var decoder = StreamingDecoder(tokenizer: tok)
        let parts = pizza.map { decoder.append($0) }
        #expect(parts.dropLast().allSatisfy(\.isEmpty) && parts.last == "🍕")
    }

    @Test("concurrent encodes share the word cache safely and agree")
    func concurrent() async throws {
        let tok = try SmolLM2Tokenizer.get()
        let cases = Self.goldens + Self.extra
        let results = await withTaskGroup(of: [[Int32]].self) { group in
            for _ in 0..<4 { group.addTask { cases.map { tok.encode($0.text) } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result == cases.map(\.ids)) }
    }

    @Test("heap merge equals the plain merge on every word of both corpora")
    func fastEqualsNaive() throws {
        let tok = try SmolLM2Tokenizer.get()
        var scratch = BPEMerge.Scratch()
        for c in Self.goldens + Self.extra {
            let scalars = Array(c.text.unicodeScalars)
            var words: [Range<Int>] = []
            tok.preTokenizer.split(scalars, classes: scalars.map(CharacterClass.of),
                                   range: 0..<scalars.count, into: &words)
            for word in words {
                let bytes = scalars[word].flatMap { Array(String($0).utf8) }
                let symbols = bytes.map { tok.byteIDs[Int($0)] }
                var fast: [Int32] = []
                BPEMerge.fast(symbols, merges: tok.merges, scratch: &scratch, into: &fast)
                #expect(fast == BPEMerge.naive(symbols, merges: tok.merges), "\(c.testDescription)")
            }
        }
    }
}
