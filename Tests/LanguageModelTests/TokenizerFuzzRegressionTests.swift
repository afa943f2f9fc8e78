import Foundation
import Testing
import PTuneTestSupport
@testable import LanguageModel

/// What `Scripts/fuzz` (FuzzTokenizer) found about the round trip `decode(encode(s)) == s`:
/// it holds for every string on a vocabulary with a piece for all 256 bytes, and SmolLM2's
/// vocabulary lacks 21 bytes, which encode as the unknown token (`<|endoftext|>`) by design.
@Suite("Tokenizer: fuzz regressions")
struct TokenizerFuzzRegressionTests {
    /// The input FuzzTokenizer reported (its first byte picked SmolLM2's tokenizer), text only.
    static let fuzzText = "\u{01}0x\u{04}\0\0\0\0\0\0\0\u{01}\0\u{0}0"

    @Test("the fuzz input round-trips on TinyModel's vocabulary, which spells every byte")
    func roundTripOnCompleteVocabulary() throws {
        let tokenizer = try BPETokenizer(gguf: try GGUFFile(data: try TinyModel.ggufData()))
        let ids = tokenizer.encode(Self.fuzzText)
        let decoded = tokenizer.decode(ids)
        #expect(decoded == Self.fuzzText, "expected \(Self.fuzzText.debugDescription), got \(decoded.debugDescription) from \(ids)")
    }

    @Test("a byte without its own piece encodes as the unknown token and decodes as its text")
    func missingByteBecomesUnknown() throws {
        // id 0 = "<unk>" (control), then every byte piece except 0x04's.
        let tokens = ["<unk>"] + ByteLevel.scalarForByte.enumerated().filter { $0.offset != 4 }.map { String($0.element) }
        var types = [Int32](repeating: 1, count: tokens.count)
        types[0] = 3
        let tokenizer = try BPETokenizer(tokens: tokens, merges: [], tokenTypes: types, bosID: nil, eosID: nil,
                                         unknownID: 0, paddingID: nil, addBOS: false, preTokenizer: .smollm)
        let a = try #require(tokenizer.id(forPiece: "a")), b = try #require(tokenizer.id(forPiece: "b"))
        let ids = tokenizer.encode("a\u{04}b")
        #expect(ids == [a, 0, b], "expected [\(a), 0, \(b)], got \(ids)")
        #expect(tokenizer.decode(ids) == "a<unk>b")
    }

    @Test("SmolLM2 lacks exactly these 21 byte pieces; 0x04 encodes as <|endoftext|>",
          .enabled(if: Fixtures.defaultModelPath != nil))
    func smolLM2MissingBytes() throws {
        let tokenizer = try BPETokenizer(gguf: try GGUFFile(path: try #require(Fixtures.defaultModelPath)))
        let missing = (0..<256).filter { tokenizer.id(forPiece: String(ByteLevel.scalarForByte[$0])) == nil }
        let expected = [0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xC0, 0xC1, 0xF1, 0xF2] + Array(0xF5...0xFF)
        #expect(missing == expected, "missing byte pieces: \(missing.map { String($0, radix: 16) })")
        #expect(tokenizer.encode("\u{04}") == [0])
        #expect(tokenizer.decode(tokenizer.encode(Self.fuzzText)) == "\u{01}0x<|endoftext|>\0\0\0\0\0\0\0\u{01}\0\u{0}0")
    }
}
