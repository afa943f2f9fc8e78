import Foundation
import LanguageModel
import Numerics
import Testing

// The packed training path with the LM head read from the file's Q8_0 table (`QuantizedHead`)
// against the same path on the Float32 table, on a small GGUF model written with Q8_0 matrices
// (tied and untied head): the same logits and input gradients within 1e-5 relative, since the
// table holds the same values and only the order of the sums differs.

@Suite("Packed path: LM head from the Q8_0 table against the Float32 table",
       .enabled(if: QuantizedHead.available))
struct PackedQuantizedHeadTests {
    let prefix = 3
    let lengths = [9, 6, 8]                                   // full lengths, prefix included
    let outputs = [(0, 3), (0, 7), (1, 5), (2, 4), (2, 6)]    // (batch row, position)
    let targets = [5, 170, 30, 0, 299]

    /// Logits and input gradients of one packed forward/backward on `model`.
    func run(_ model: LlamaModel, inputs: [Float], sequences: PackedSequences) -> (logits: [Float], dInputs: [Float]) {
        let arena = ActivationArena(config: model.config, batch: 1, length: 1, outputs: 1)
        let rows = outputs.map { sequences.row(batchRow: $0.0, position: $0.1) }
        let logits = inputs.withUnsafeBufferPointer {
            model.forwardPacked(inputs: $0, sequences: sequences, outputRows: rows, activations: arena)
        }
        let dLogits = meanCrossEntropy(logits: logits, targets: targets, vocab: model.config.vocab).dLogits
        var dInputs = [Float](repeating: .nan, count: inputs.count)
        dLogits.withUnsafeBufferPointer { d in
            dInputs.withUnsafeMutableBufferPointer { model.backwardPacked(dLogits: d, activations: arena, dInputs: $0) }
        }
        return (logits, dInputs)
    }

    @Test(arguments: [true, false])
    func quantizedHeadMatchesFloat32Head(tied: Bool) throws {
        var config = smallConfig
        config.tiedOutput = tied
        config.vocab = 300  // more table rows than one block of the backward kernel (128)
        let file = try GGUFFile(data: try writeModel(LlamaWeights.random(config: config, seed: 51), matrixType: .q8_0))
        let weights = try LlamaWeights.load(from: file)
        let plain = LlamaModel(weights: weights)
        let quantized = LlamaModel(weights: weights, quantized: try QuantizedWeights(file: file))
        #expect(!plain.readsQuantizedHead)
        #expect(quantized.readsQuantizedHead)

        let sequences = PackedSequences.sharedPrefix(prefix, lengths: lengths)
        var rng = SeededRNG(seed: 52)
        let inputs = randomTensor(sequences.rows * config.width, rng: &rng)
        let expected = run(plain, inputs: inputs, sequences: sequences)
        let got = run(quantized, inputs: inputs, sequences: sequences)
        #expect(relativeL2(got.logits, expected.logits) <= 1e-5, "logits: relative L2 \(relativeL2(got.logits, expected.logits))")
        #expect(relativeL2(got.dInputs, expected.dInputs) <= 1e-5,
                "input gradients: relative L2 \(relativeL2(got.dInputs, expected.dInputs))")
        #expect(expected.dInputs.contains { $0 != 0 })
        // and the quantized path repeats itself bit for bit
        let again = run(quantized, inputs: inputs, sequences: sequences)
        #expect(again.logits == got.logits && again.dInputs == got.dInputs)
    }
}
