import Foundation
import Testing
import Numerics
import PTuneTestSupport
@testable import LanguageModel

/// Model files that `Scripts/fuzz` (FuzzGGUF) found mishandled, rebuilt here with the writer: a
/// valid tiny Llama with one metadata value corrupted the way the fuzzer did.
@Suite("GGUF: fuzz regressions")
struct GGUFFuzzRegressionTests {
    /// TinyModel's file with `key` set to `value`.
    static func tinyModel(with key: String, _ value: GGUFValue) throws -> GGUFFile {
        var writer = GGUFWriter()
        try writer.addLlama(TinyModel.weights(seed: 3), matrixType: .f32)
        writer.set(key, value)
        return try GGUFFile(data: try writer.data())
    }

    @Test("a block count the tensor table cannot hold is refused before any per-block work")
    func blockCountBeyondTensors() throws {
        // The fuzzer's file claimed 2305 blocks with 11 tensors; `load` built 20 745 tensor names
        // (over a second) before failing, and a UInt32 count would run for hours.
        let file = try Self.tinyModel(with: GGUFKey.blockCount("llama"), .uint32(2305))
        let tensors = file.tensors.count
        #expect(throws: GGUFError.invalidConfig("expected at most \(tensors / 9) blocks for \(tensors) tensors (9 per block), found block count 2305")) {
            try LlamaWeights.load(from: file)
        }
        let huge = try Self.tinyModel(with: GGUFKey.blockCount("llama"), .uint64(UInt64(Int.max)))
        #expect(throws: GGUFError.self) { try LlamaWeights.load(from: huge) }
    }

    @Test("a head size whose attention width overflows is a config error, not a trap")
    func headSizeOverflow() throws {
        let file = try Self.tinyModel(with: GGUFKey.ropeDimensionCount("llama"), .uint64(1 << 62))
        #expect(throws: GGUFError.invalidConfig("4 heads of size \(1 << 62) overflow the attention width")) {
            try LlamaConfig(gguf: file)
        }
        #expect(throws: GGUFError.self) { try QuantizedWeights(file: file) }
    }
}
