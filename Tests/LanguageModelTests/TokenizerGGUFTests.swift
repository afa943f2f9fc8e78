import Foundation
import Testing
@testable import LanguageModel

/// `BPETokenizer(gguf:)` on small files written with `GGUFWriter`: what it reads and how it fails.
@Suite("Tokenizer: reading GGUF metadata")
struct TokenizerGGUFTests {
    /// A byte-level vocabulary: "<s>" (control), the 256 byte pieces, then "ab" from one merge.
    static func file(model: String = "gpt2", pre: String? = "smollm",
                     tweak: (inout GGUFWriter) -> Void = { _ in }) throws -> GGUFFile {
        let tokens = ["<s>"] + ByteLevel.scalarForByte.map { String($0) } + ["ab"]
        var types = [GGUFValue](repeating: .int32(1), count: tokens.count)
        types[0] = .int32(3)
        var w = GGUFWriter()
        w.set(GGUFKey.tokenizerModel, .string(model))
        if let pre { w.set(GGUFKey.tokenizerPre, .string(pre)) }
        w.set(GGUFKey.tokens, .array(.string, tokens.map { .string($0) }))
        w.set(GGUFKey.merges, .array(.string, [.string("a b")]))
        w.set(GGUFKey.tokenType, .array(.int32, types))
        w.set(GGUFKey.bosTokenID, .uint32(0))
        w.set(GGUFKey.eosTokenID, .uint32(0))
        w.set(GGUFKey.addBOSToken, .bool(true))
        tweak(&w)
        return try GGUFFile(data: w.data())
    }

    @Test("reads vocabulary, merges, types, special ids and add_bos")
    func reads() throws {
        let tok = try BPETokenizer(gguf: Self.file())
        #expect(tok.vocabularySize == 258)
        #expect(tok.preTokenizer == .smollm)
        #expect(tok.bos == 0 && tok.eos == 0 && tok.unknown == nil && tok.padding == nil)
        #expect(tok.addBOS)
        #expect(tok.isControl(0))
        #expect(tok.encode("ab<s>") == [0, 257, 0])
    }

    @Test("an unknown pre-tokenizer is an error that names it")
    func unknownPre() throws {
        #expect(throws: TokenizerError.unknownPreTokenizer("tekken")) {
            try BPETokenizer(gguf: Self.file(pre: "tekken"))
        }
    }

    @Test("a missing pre-tokenizer means GPT-2's regex, as in llama.cpp")
    func defaultPre() throws {
        #expect(try BPETokenizer(gguf: Self.file(pre: nil)).preTokenizer == .gpt2)
    }

    @Test("a SentencePiece model, a missing key or a mistyped key is refused")
    func refusals() throws {
        #expect(throws: TokenizerError.unsupportedModel("llama")) {
            try BPETokenizer(gguf: Self.file(model: "llama"))
        }
        #expect(throws: TokenizerError.wrongMetadataType(key: GGUFKey.bosTokenID, expected: "integer token id",
                                                         found: "string")) {
            try BPETokenizer(gguf: Self.file { $0.set(GGUFKey.bosTokenID, .string("1")) })
        }
        #expect(throws: TokenizerError.wrongMetadataType(key: GGUFKey.tokens, expected: "array of string",
                                                         found: "array of int32")) {
            try BPETokenizer(gguf: Self.file { $0.set(GGUFKey.tokens, .array(.int32, [.int32(1)])) })
        }
    }
}
