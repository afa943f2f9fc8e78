import Foundation
import LanguageModel
import Numerics
import Testing

// The packed training path (shared prefix stored once, no padding rows) against the plain padded
// forward/backward on a tiny random Llama: same logits, and the prefix gradient equal to the sum of
// the per-row prefix gradients, within 1e-5 relative.

@Suite("LlamaModel packed (shared-prefix) forward/backward against the plain one")
struct PackedForwardTests {
    let model = LlamaModel(weights: .random(config: tinyConfig, seed: 21))
    let c = tinyConfig.width
    let prefix = 3
    let tokenCounts = [5, 2, 4]  // own rows per batch row; full lengths add the prefix
    // (batch row, position) pairs, one on the prefix's last row (an empty input before the target)
    let positions = [(0, 3), (0, 7), (1, 2), (1, 4), (2, 5), (2, 6), (0, 5)]
    let targets = [5, 17, 63, 0, 40, 8, 22]

    struct Plain { var logits: [Float]; var dInputs: [Float]; var length: Int }

    /// The batch as padded rows `[prefix ; tokens ; garbage]`, through the plain path.
    func plain(prompt: [Float], tokens: [[Float]], outputs: [(Int, Int)]? = nil, labels: [Int]? = nil) -> Plain {
        let positions = outputs ?? positions, targets = labels ?? targets
        var rng = SeededRNG(seed: 5)
        let length = prefix + tokenCounts.max()!
        var inputs: [Float] = []
        for (b, rows) in tokens.enumerated() {
            inputs += prompt + rows + randomTensor((length - prefix - tokenCounts[b]) * c, scale: 9, rng: &rng)
        }
        let arena = ActivationArena(config: tinyConfig, batch: tokens.count, length: length, outputs: positions.count)
        let logits = inputs.withUnsafeBufferPointer {
            model.forward(inputs: $0, batch: tokens.count, length: length, lengths: tokenCounts.map { prefix + $0 },
                          outputPositions: positions, activations: arena)
        }
        let dLogits = meanCrossEntropy(logits: logits, targets: targets, vocab: tinyConfig.vocab).dLogits
        var dInputs = [Float](repeating: .nan, count: inputs.count)
        dLogits.withUnsafeBufferPointer { d in
            dInputs.withUnsafeMutableBufferPointer { model.backward(dLogits: d, activations: arena, dInputs: $0) }
        }
        return Plain(logits: logits, dInputs: dInputs, length: length)
    }

    /// The same batch packed by `sequences`; `inputs` laid out in its row order.
    func packed(_ sequences: PackedSequences, inputs: [Float], outputs: [(Int, Int)]? = nil,
                labels: [Int]? = nil) -> (logits: [Float], dInputs: [Float]) {
        let positions = outputs ?? positions, targets = labels ?? targets
        let arena = ActivationArena(config: tinyConfig, batch: 1, length: 1, outputs: 1)
        let rows = positions.map { sequences.row(batchRow: $0.0, position: $0.1) }
        let logits = inputs.withUnsafeBufferPointer {
            model.forwardPacked(inputs: $0, sequences: sequences, outputRows: rows, activations: arena)
        }
        let dLogits = meanCrossEntropy(logits: logits, targets: targets, vocab: tinyConfig.vocab).dLogits
        var dInputs = [Float](repeating: .nan, count: inputs.count)
        dLogits.withUnsafeBufferPointer { d in
            dInputs.withUnsafeMutableBufferPointer { model.backwardPacked(dLogits: d, activations: arena, dInputs: $0) }
        }
        return (logits, dInputs)
    }

    func data() -> (prompt: [Float], tokens: [[Float]]) {
        var rng = SeededRNG(seed: 22)
        let prompt = randomTensor(prefix * c, rng: &rng)
        return (prompt, tokenCounts.map { randomTensor($0 * c, rng: &rng) })
    }

    func expectClose(_ name: String, _ a: [Float], _ b: [Float]) {
        let scale = Double(b.map { abs($0) }.max() ?? 1)
        let difference = compare(a, b, absolute: 1e-5 * scale)
        #expect(difference.firstBad == nil, "\(name): \(difference)")
        #expect(relativeL2(a, b) <= 1e-5, "\(name): relative L2 \(relativeL2(a, b)); \(difference)")
    }

    @Test func sharedPrefixMatchesPlain() {
        let (prompt, tokens) = data()
        let reference = plain(prompt: prompt, tokens: tokens)
        let sequences = PackedSequences.sharedPrefix(prefix, lengths: tokenCounts.map { prefix + $0 })
        #expect(sequences.rows == prefix + tokenCounts.reduce(0, +))
        let result = packed(sequences, inputs: prompt + tokens.flatMap { $0 })
        expectClose("logits", result.logits, reference.logits)
        // prefix gradient: Σ over batch rows of the plain path's prefix rows
        var summed = [Float](repeating: 0, count: prefix * c)
        for b in tokenCounts.indices {
            for i in 0..<(prefix * c) { summed[i] += reference.dInputs[b * reference.length * c + i] }
        }
        expectClose("prefix gradient", Array(result.dInputs[0..<(prefix * c)]), summed)
        #expect(summed.contains { $0 != 0 })
        // each row's own token gradients
        for b in tokenCounts.indices {
            let start = sequences.row(batchRow: b, position: prefix) * c
            let plainStart = (b * reference.length + prefix) * c
            expectClose("row \(b) gradient", Array(result.dInputs[start..<(start + tokenCounts[b] * c)]),
                        Array(reference.dInputs[plainStart..<(plainStart + tokenCounts[b] * c)]))
        }
    }

    /// Output positions inside the prefix of several batch rows pick the same packed row twice:
    /// the top block, which runs its MLP on the output rows only, must sum their gradients.
    @Test func outputRowPickedTwiceMatchesPlain() {
        let (prompt, tokens) = data()
        let outputs = [(0, 2), (1, 2), (2, 1), (0, 6), (1, 4)], labels = [9, 30, 2, 51, 17]
        let reference = plain(prompt: prompt, tokens: tokens, outputs: outputs, labels: labels)
        let sequences = PackedSequences.sharedPrefix(prefix, lengths: tokenCounts.map { prefix + $0 })
        #expect(sequences.row(batchRow: 0, position: 2) == sequences.row(batchRow: 1, position: 2))
        let result = packed(sequences, inputs: prompt + tokens.flatMap { $0 }, outputs: outputs, labels: labels)
        expectClose("logits", result.logits, reference.logits)
        var summed = [Float](repeating: 0, count: prefix * c)
        for b in tokenCounts.indices {
            for i in 0..<(prefix * c) { summed[i] += reference.dInputs[b * reference.length * c + i] }
        }
        expectClose("prefix gradient", Array(result.dInputs[0..<(prefix * c)]), summed)
    }

    @Test func separateRowsMatchPlain() {
        let (prompt, tokens) = data()
        let reference = plain(prompt: prompt, tokens: tokens)
        let sequences = PackedSequences.separate(lengths: tokenCounts.map { prefix + $0 })
        let result = packed(sequences, inputs: tokens.flatMap { prompt + $0 })
        expectClose("logits", result.logits, reference.logits)
        for b in tokenCounts.indices {
            let start = sequences.groups[b].start * c, count = (prefix + tokenCounts[b]) * c
            expectClose("row \(b) gradient", Array(result.dInputs[start..<(start + count)]),
                        Array(reference.dInputs[(b * reference.length * c)..<(b * reference.length * c + count)]))
        }
    }

    @Test func packedRunIsBitIdenticalWhenRepeated() {
        let (prompt, tokens) = data()
        let sequences = PackedSequences.sharedPrefix(prefix, lengths: tokenCounts.map { prefix + $0 })
        let first = packed(sequences, inputs: prompt + tokens.flatMap { $0 })
        let second = packed(sequences, inputs: prompt + tokens.flatMap { $0 })
        #expect(first.logits == second.logits)
        #expect(first.dInputs == second.dInputs)
    }

    @Test func layoutMapsRowsAndSizesScores() {
        let sequences = PackedSequences.sharedPrefix(2, lengths: [5, 3])
        #expect(sequences.rows == 2 + 3 + 1)
        #expect(sequences.positions == [0, 1, 2, 3, 4, 2])
        #expect(sequences.row(batchRow: 0, position: 1) == 1)
        #expect(sequences.row(batchRow: 1, position: 1) == 1)
        #expect(sequences.row(batchRow: 1, position: 2) == 5)
        // scores per head: prefix 2×2, row 0: 3×5, row 1: 1×3
        #expect(sequences.attentionFloats(heads: 4) == 4 * (4 + 15 + 3))
        #expect(sequences.largestScoreCount == 15)
        let arena = ActivationArena(config: tinyConfig, batch: 1, length: 1, outputs: 1)
        arena.prepare(sequences: sequences, outputs: 2)
        #expect(arena.layout.elements(of: .att) == 4 * 22)
        #expect(arena.layout.elements(of: .residual) == 6 * tinyConfig.width)
    }
}
