import Foundation
import LanguageModel
import Numerics

/// A tiny Llama model built in code, for tests that need a whole model but not SmolLM2:
/// random weights from a seed, and a GGUF file with a small GPT-2-style byte-level vocabulary
/// so loading, tokenizing and generating can be tested end to end without the real model.
public enum TinyModel {
    // MARK: - Shape

    /// 2 layers, width 16, 4 query heads and 2 kv heads of size 4, feed-forward 24, vocabulary 64.
    public static let config = LlamaConfig(layers: 2, width: 16, heads: 4, kvHeads: 2, headSize: 4, ffnWidth: 24,
                                           vocab: 64, contextLength: 64, ropeTheta: 10_000, rmsEps: 1e-5,
                                           tiedOutput: false)

    /// Random weights for `config` (see `LlamaWeights.random`); a seed names one model.
    public static func weights(seed: UInt64 = 1, config: LlamaConfig = config, scale: Float = 1) -> LlamaWeights {
        LlamaWeights.random(config: config, seed: seed, scale: scale)
    }

    // MARK: - Vocabulary

    /// Control tokens at ids 0, 1, 2, as in SmolLM2: end of text, start of turn, end of turn (= EOS).
    public static let controlTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

    /// BPE merges in priority order, written as GPT-2 byte-level symbols (`Ġ` is a space).
    public static let merges = [
        "Ġ t", "Ġ a", "i n", "h e", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t",
        "Ġ w", "Ġ o", "e n", "Ġ c", "i t", "i s", "a n", "o r", "e s", "Ġ b",
        "e d", "Ġ f", "in g", "Ġ p", "o u", "Ġa n", "a l", "a r", "Ġt o", "Ġ m",
    ]

    /// GPT-2's printable stand-in for each byte (`bytes_to_unicode`): printable Latin-1 bytes map
    /// to themselves, the rest to U+0100 upwards in byte order (so 0x20 → `Ġ`, 0x0A → `Ċ`).
    public static let byteSymbols: [String] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var codes = printable
        var next = 0
        for b in 0..<256 where !printable.contains(b) {
            printable.append(b)
            codes.append(256 + next)
            next += 1
        }
        var table = [String](repeating: "", count: 256)
        for (b, c) in zip(printable, codes) { table[b] = String(Character(Unicode.Scalar(UInt32(c))!)) }
        return table
    }()

    /// Token strings by id: the 3 control tokens, the 256 byte tokens in byte order (ids 3…258),
    /// then one token per merge in merge order.
    public static let vocabulary: [String] = controlTokens + byteSymbols + merges.map { $0.replacingOccurrences(of: " ", with: "") }

    /// GGUF token types: 3 (control) for ids 0…2, 1 (normal) for the rest.
    public static let tokenTypes: [Int32] = vocabulary.indices.map { $0 < controlTokens.count ? 3 : 1 }

    /// The id of a token string, for building expected tokenizations.
    public static func id(of token: String) -> Int? { vocabulary.firstIndex(of: token) }

    /// The shape of the model in the GGUF file: `config` with the vocabulary above and a tied head.
    public static var fileConfig: LlamaConfig {
        var c = config
        c.vocab = vocabulary.count
        c.tiedOutput = true
        return c
    }

    // MARK: - GGUF

    /// A complete GGUF file: `fileConfig` weights from `seed` (F32, or F16/BF16 — the width 16 is too
    /// narrow for 32-element quantized blocks), SmolLM2-style tokenizer metadata (gpt2 model,
    /// BOS 1, EOS = PAD 2, UNK 0, no BOS added). `edit` may change the file before it is written
    /// (a test's broken variant).
    public static func ggufData(seed: UInt64 = 1, matrixType: GGMLType = .f32,
                                edit: (inout GGUFWriter) -> Void = { _ in }) throws -> Data {
        var w = GGUFWriter()
        w.set(GGUFKey.name, .string("ptune tiny test model"))
        try w.addLlama(weights(seed: seed, config: fileConfig), matrixType: matrixType)
        w.set(GGUFKey.tokenizerModel, .string("gpt2"))
        w.set(GGUFKey.tokenizerPre, .string("smollm"))
        w.set(GGUFKey.tokens, .array(.string, vocabulary.map { .string($0) }))
        w.set(GGUFKey.tokenType, .array(.int32, tokenTypes.map { .int32($0) }))
        w.set(GGUFKey.merges, .array(.string, merges.map { .string($0) }))
        w.set(GGUFKey.bosTokenID, .uint32(1))
        w.set(GGUFKey.eosTokenID, .uint32(2))
        w.set(GGUFKey.unknownTokenID, .uint32(0))
        w.set(GGUFKey.paddingTokenID, .uint32(2))
        w.set(GGUFKey.addBOSToken, .bool(false))
        w.set(GGUFKey.addSpacePrefix, .bool(false))
        edit(&w)
        return try w.data()
    }

    /// Writes `ggufData(seed:matrixType:)` to `path`.
    public static func writeGGUF(to path: String, seed: UInt64 = 1, matrixType: GGMLType = .f32) throws {
        try ggufData(seed: seed, matrixType: matrixType).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Writes the tiny model to a fresh file in the temporary directory and returns its path
    /// (the caller removes it when done).
    public static func temporaryGGUF(seed: UInt64 = 1, matrixType: GGMLType = .f32) throws -> String {
        let name = "ptune-tiny-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).gguf"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try writeGGUF(to: path, seed: seed, matrixType: matrixType)
        return path
    }
}
