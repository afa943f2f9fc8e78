import Foundation
import LanguageModel
import Numerics
import Testing

// The whole model on a tiny random Llama: dInputs against Double-accumulated central differences of
// a mean cross-entropy, and padding invariance of logits and gradients.

/// 2 layers, width 16, 4 query heads, 2 kv heads, head size 4, ffn 24, vocab 64, tied head.
let tinyConfig = LlamaConfig(layers: 2, width: 16, heads: 4, kvHeads: 2, headSize: 4, ffnWidth: 24, vocab: 64,
                             contextLength: 32, ropeTheta: 10_000, rmsEps: 1e-5, tiedOutput: true)

/// Mean cross-entropy over rows of `logits` (R, V) in Double, and its gradient (softmax − onehot) / R.
func meanCrossEntropy(logits: [Float], targets: [Int], vocab: Int) -> (loss: Double, dLogits: [Float]) {
    var loss = 0.0
    var grad = [Float](repeating: 0, count: logits.count)
    let scale = 1 / Double(targets.count)  // the loss gradient is 1 / (number of target tokens)
    for (r, target) in targets.enumerated() {
        let row = logits[(r * vocab)..<((r + 1) * vocab)].map(Double.init)
        let m = row.max()!
        let z = row.map { exp($0 - m) }.reduce(0, +)
        loss += (m + log(z) - row[target]) * scale
        for j in 0..<vocab {
            let p = exp(row[j] - m) / z
            grad[r * vocab + j] = Float((p - (j == target ? 1 : 0)) * scale)
        }
    }
    return (loss, grad)
}

@Suite("LlamaModel forward/backward on a tiny random model")
struct ModelGradientTests {
    let model = LlamaModel(weights: .random(config: tinyConfig, seed: 11))

    /// Runs forward + CE + backward on a padded batch; returns logits, loss and dInputs.
    func run(_ inputs: [Float], batch: Int, length: Int, lengths: [Int], positions: [(Int, Int)],
             targets: [Int]) -> (logits: [Float], loss: Double, dInputs: [Float]) {
        let arena = ActivationArena(config: tinyConfig, batch: batch, length: length, outputs: positions.count)
        let logits = inputs.withUnsafeBufferPointer {
            model.forward(inputs: $0, batch: batch, length: length, lengths: lengths,
                          outputPositions: positions, activations: arena)
        }
        let (loss, dLogits) = meanCrossEntropy(logits: logits, targets: targets, vocab: tinyConfig.vocab)
        var dInputs = [Float](repeating: .nan, count: inputs.count)  // NaN: backward must overwrite every value
        dLogits.withUnsafeBufferPointer { d in
            dInputs.withUnsafeMutableBufferPointer { model.backward(dLogits: d, activations: arena, dInputs: $0) }
        }
        return (logits, loss, dInputs)
    }

    @Test func inputGradientMatchesFiniteDifferences() {
        var rng = SeededRNG(seed: 12)
        let batch = 2, length = 6, c = tinyConfig.width
        let lengths = [6, 4]
        let positions = [(0, 2), (0, 5), (1, 1), (1, 3), (0, 3)]
        let targets = [5, 17, 63, 0, 40]
        let inputs = randomTensor(batch * length * c, rng: &rng)
        let result = run(inputs, batch: batch, length: length, lengths: lengths, positions: positions, targets: targets)
        var indices: [Int] = []
        for _ in 0..<60 { indices.append(rng.nextInt(below: inputs.count)) }
        expectGradient("model dInputs", analytic: result.dInputs,
                       of: { self.run($0, batch: batch, length: length, lengths: lengths,
                                      positions: positions, targets: targets).loss },
                       at: inputs, indices: indices, step: 1e-2, tolerance: 3e-3)
        // padding rows (batch row 1, t = 4, 5) get exactly zero
        #expect(result.dInputs[((1 * length) + 4) * c..<(2 * length * c)].allSatisfy { $0 == 0 })
        // rows after the last output position of a batch row cannot influence the loss
        #expect(result.dInputs[(1 * length + 2) * c..<(1 * length + 3) * c].contains { $0 != 0 })
    }

    @Test func paddingDoesNotChangeRealRows() {
        var rng = SeededRNG(seed: 13)
        let c = tinyConfig.width
        let rowA = randomTensor(5 * c, rng: &rng), rowB = randomTensor(3 * c, rng: &rng)
        let positions = [(0, 4), (0, 1), (1, 2)], targets = [3, 9, 27]
        // batch padded to 5, with garbage in the padding rows of B
        var padded5 = rowA + rowB + randomTensor(2 * c, scale: 50, rng: &rng)
        let short = run(padded5, batch: 2, length: 5, lengths: [5, 3], positions: positions, targets: targets)
        // padded to 8 with other garbage
        padded5 = rowA + randomTensor(3 * c, scale: 7, rng: &rng) + rowB + randomTensor(5 * c, scale: 3, rng: &rng)
        let long = run(padded5, batch: 2, length: 8, lengths: [5, 3], positions: positions, targets: targets)
        let logitsDiff = compare(short.logits, long.logits, absolute: 1e-5)
        #expect(logitsDiff.firstBad == nil, "logits: \(logitsDiff)")
        let gradShort = Array(short.dInputs[0..<(5 * c)]) + Array(short.dInputs[(5 * c)..<(8 * c)])
        let gradLong = Array(long.dInputs[0..<(5 * c)]) + Array(long.dInputs[(8 * c)..<(11 * c)])
        let gradDiff = compare(gradShort, gradLong, absolute: 1e-6)
        #expect(gradDiff.firstBad == nil, "dInputs: \(gradDiff)")
        #expect(long.dInputs[(5 * c)..<(8 * c)].allSatisfy { $0 == 0 } && long.dInputs[(11 * c)...].allSatisfy { $0 == 0 })
        // each row alone (batch of one, unpadded) gives the same logits as in the batch
        let alone = run(rowB, batch: 1, length: 3, lengths: [3], positions: [(0, 2)], targets: [27])
        let aloneDiff = compare(alone.logits, Array(short.logits[(2 * tinyConfig.vocab)...]), absolute: 1e-5)
        #expect(aloneDiff.firstBad == nil, "row alone vs in batch: \(aloneDiff)")
    }

    @Test func nextTokenLogitsAgreeWithBatchedForward() {
        let ids: [Int32] = [4, 9, 33, 2, 60, 17]
        let single = model.logits(ids: ids)
        let batched = run(model.embed(ids), batch: 1, length: 6, lengths: [6], positions: [(0, 5)], targets: [0]).logits
        #expect(single == batched)
        #expect(model.embed([9]) == Array(model.weights.tokenEmbedding[(9 * 16)..<(10 * 16)]))
    }

    @Test func arenaReusesItsAllocationWhenShapesShrink() {
        let arena = ActivationArena(config: tinyConfig, batch: 4, length: 8, outputs: 6)
        let capacity = arena.capacity
        arena.prepare(batch: 2, length: 5, outputs: 3)
        #expect(arena.capacity == capacity)
        arena.prepare(batch: 4, length: 9, outputs: 6)
        #expect(arena.capacity > capacity)
        #expect(arena.layout.elements(of: .att) == 4 * 4 * 9 * 9)
    }
}
