// The memory an update needs, estimated before training: it equals what the activation arena
// really allocates for the same shape, scales with batch and length, and a batch over the
// budget is refused with a message that says how much, how much is available, and what to lower.
import Foundation
import LanguageModel
import PTuneTestSupport
import Testing
@testable import PromptTuning

@Suite("Memory estimate")
struct MemoryEstimateTests {
    /// SmolLM2-135M's shape.
    static let smol = LlamaConfig(layers: 30, width: 576, heads: 9, kvHeads: 3, headSize: 64, ffnWidth: 1536,
                                  vocab: 49152, contextLength: 8192, ropeTheta: 100_000, rmsEps: 1e-5, tiedOutput: true)

    @Test("the activation bytes are exactly what the arena allocates", arguments: [(1, 8, 3), (4, 37, 20), (16, 128, 64)])
    func matchesArena(shape: (batch: Int, length: Int, outputs: Int)) {
        for config in [TinyModel.config, Self.smol] where shape.batch * shape.length <= 200 || config.width < 100 {
            let estimate = MemoryEstimate(config: config, batchRows: shape.batch, positions: shape.length, targetTokens: shape.outputs)
            let arena = ActivationArena(config: config, batch: shape.batch, length: shape.length, outputs: shape.outputs)
            #expect(estimate.activationBytes == arena.capacity * 4,
                    "\(config.layers) layers, B \(shape.batch), T \(shape.length): estimate \(estimate.activationBytes), arena \(arena.capacity * 4)")
            let buffers = (shape.outputs * config.vocab + 2 * shape.batch * shape.length * config.width) * 4
            #expect(estimate.bufferBytes == buffers)
        }
    }

    @Test("grows with batch and length; attention makes length worse than linear")
    func scaling() {
        let base = MemoryEstimate(config: Self.smol, batchRows: 8, positions: 128, targetTokens: 8)
        let twiceBatch = MemoryEstimate(config: Self.smol, batchRows: 16, positions: 128, targetTokens: 16)
        let twiceLength = MemoryEstimate(config: Self.smol, batchRows: 8, positions: 256, targetTokens: 8)
        #expect(Double(twiceBatch.activationBytes) / Double(base.activationBytes) > 1.95)
        #expect(twiceLength.activationBytes > 2 * base.activationBytes, "the (B, NH, T, T) attention slots are quadratic")
        // Batch 64 × 512 positions on SmolLM2 is several GiB: the case the check exists for.
        let big = MemoryEstimate(config: Self.smol, batchRows: 64, positions: 512, targetTokens: 64 * 8)
        #expect(big.totalBytes > 8 << 30, "\(MemoryBudget.format(big.totalBytes))")
    }

    @Test("the worst batch of the examples: the batch_size longest rows together")
    func fromExamples() {
        let examples = (1...10).map { n in
            TuningExample(inputIDs: [Int32](repeating: 1, count: n * 3), targetIDs: [Int32](repeating: 2, count: n), pairIndex: n - 1)
        }
        let estimate = MemoryEstimate(config: TinyModel.config, virtualTokens: 5, batchSize: 4, examples: examples)
        #expect(estimate.batchRows == 4 && estimate.positions == 5 + 40)
        let direct = MemoryEstimate(config: TinyModel.config, batchRows: 4, positions: 45, targetTokens: 10 + 9 + 8 + 7)
        #expect(estimate == direct)
    }

    @Test("a batch over the budget is refused with advice; one under it is not")
    func refusal() {
        let big = MemoryEstimate(config: Self.smol, batchRows: 64, positions: 512, targetTokens: 512)
        #expect(big.refusal(availableBytes: big.totalBytes) == nil)
        let message = big.refusal(availableBytes: 6_657_199_308)
        #expect(message?.hasPrefix("batch 64 × 512 tokens needs ~") == true, "\(message ?? "nil")")
        #expect(message?.contains("; available 6.2 GiB — lower batch_size") == true, "\(message ?? "nil")")
        #expect(message?.contains("max_input_tokens") == true)
    }

    @Test("sizes print and parse")
    func sizes() {
        #expect(MemoryBudget.format(512) == "512 bytes")
        #expect(MemoryBudget.format(9_771_050_598) == "9.1 GiB")
        #expect(MemoryBudget.format(3 << 20) == "3.0 MiB")
        #expect(MemoryBudget.parseSize("512M") == 512 << 20)
        #expect(MemoryBudget.parseSize("2GiB") == 2 << 30)
        #expect(MemoryBudget.parseSize("1.5k") == 1536)
        #expect(MemoryBudget.parseSize("4096") == 4096)
        #expect(MemoryBudget.parseSize("lots") == nil && MemoryBudget.parseSize("-1") == nil)
        #expect(MemoryBudget.available(environment: ["PTUNE_MEMORY_LIMIT": "1M"]) == 1 << 20,
                "a configured limit below the machine's memory wins")
        #expect((MemoryBudget.available(environment: [:]) ?? 0) > 0)
    }
}
