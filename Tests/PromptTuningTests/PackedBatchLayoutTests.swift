import LanguageModel
import Numerics
import PromptTuning
import PTuneTestSupport
import Testing

// The shared-prefix path's row choice (`PackedBatchLayout`): the text every example starts with
// runs once, rows past the last label are dropped, and the loss and prompt gradient stay those of
// the plain padded batch, which runs every row.

@Suite("Packed batch layout: shared text and dead tails, against the plain path")
struct PackedBatchLayoutTests {
    /// Examples that share their first three tokens (a template's words), of several lengths.
    let examples = [
        TuningExample(inputIDs: [7, 8, 9, 20, 21], targetIDs: [30, 0], pairIndex: 0),
        TuningExample(inputIDs: [7, 8, 9, 22], targetIDs: [31, 32, 0], pairIndex: 1),
        TuningExample(inputIDs: [7, 8, 9, 20, 23, 24, 25], targetIDs: [33, 0], pairIndex: 2),
    ]

    @Test func sharedTextStopsWhereTheRowsDifferAndTailsEndAtTheLastLabel() throws {
        let batch = try Batching.batch(examples, virtualTokens: 4, padID: 0)
        let layout = PackedBatchLayout(batch: batch)
        #expect(layout.sharedTextTokens == 3)
        // own tokens: from index 3 to the last labelled position's token (EOS rows dropped)
        #expect(layout.ownTokens == [3, 3, 5])
        #expect(layout.sequences.prefix == 4 + 3)
        #expect(layout.sequences.rows == 4 + 3 + 11)
        // every label sits on the row's own rows, none on a shared one
        for target in batch.targets {
            #expect(layout.sequences.row(batchRow: target.row, position: target.position) >= layout.sequences.prefix)
        }
    }

    @Test func sharedTextStopsBeforeTheFirstLabel() throws {
        // the second example's input is the first's prefix: sharing [7, 8] would put its first
        // label (predicted from position N + 1) on a shared row
        let batch = try Batching.batch([
            TuningExample(inputIDs: [7, 8, 9], targetIDs: [30, 0], pairIndex: 0),
            TuningExample(inputIDs: [7, 8], targetIDs: [9, 0], pairIndex: 1),
        ], virtualTokens: 2, padID: 0)
        let layout = PackedBatchLayout(batch: batch)
        #expect(layout.sharedTextTokens == 1)
        #expect(layout.ownTokens == [3, 2])
    }

    @Test func oneRowOrNoCommonTokenSharesNothing() throws {
        let one = PackedBatchLayout(batch: try Batching.batch([examples[0]], virtualTokens: 3, padID: 0))
        #expect(one.sharedTextTokens == 0)
        #expect(one.ownTokens == [6])
        let different = PackedBatchLayout(batch: try Batching.batch([
            examples[0], TuningExample(inputIDs: [5, 8, 9], targetIDs: [30, 0], pairIndex: 1),
        ], virtualTokens: 3, padID: 0))
        #expect(different.sharedTextTokens == 0)
    }

    /// Loss and prompt gradient of both paths on a tiny random model.
    func bothPaths(virtualTokens n: Int, examples: [TuningExample]) throws -> (packed: BatchGradient, plain: BatchGradient) {
        let network = LlamaModel(weights: TinyModel.weights(seed: 41))
        let c = TinyModel.config.width
        var rng = SeededRNG(seed: 42)
        let prompt = PromptVector(rows: n, width: c, values: (0..<(n * c)).map { _ in Float(rng.nextDouble() - 0.5) },
                                  initDescription: "random")
        let batch = try Batching.batch(examples, virtualTokens: n, padID: 0)
        let packed = try FrozenLlama(network: network, path: .sharedPrefix).lossAndGradient(prompt: prompt, batch: batch)
        let plain = try FrozenLlama(network: network, path: .plain).lossAndGradient(prompt: prompt, batch: batch)
        return (packed, plain)
    }

    func expectClose(_ a: BatchGradient, _ b: BatchGradient) {
        #expect(abs(a.loss - b.loss) <= 1e-5 * abs(b.loss), "loss \(a.loss) vs \(b.loss)")
        #expect(a.tokenCount == b.tokenCount)
        let norm = b.gradient.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        let error = zip(a.gradient, b.gradient).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        #expect(norm > 0 && error <= 1e-5 * norm, "gradient relative L2 \(error / norm)")
    }

    @Test func packedPathMatchesThePlainOne() throws {
        let (packed, plain) = try bothPaths(virtualTokens: 4, examples: examples)
        expectClose(packed, plain)
    }

    @Test func packedPathMatchesThePlainOneWithoutVirtualTokens() throws {
        // N = 0: the shared rows are text only (the base model's own loss, as `eval` reports it)
        let network = LlamaModel(weights: TinyModel.weights(seed: 41))
        let batch = try Batching.batch(examples, virtualTokens: 0, padID: 0)
        let packed = try FrozenLlama(network: network, path: .sharedPrefix).loss(prompt: nil, batch: batch)
        let plain = try FrozenLlama(network: network, path: .plain).loss(prompt: nil, batch: batch)
        #expect(abs(packed.loss - plain.loss) <= 1e-5 * abs(plain.loss), "loss \(packed.loss) vs \(plain.loss)")
        #expect(packed.rowNLLSums.count == plain.rowNLLSums.count)
    }
}
