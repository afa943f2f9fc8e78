import Foundation
import Numerics
import Testing
import PTuneTestSupport
@testable import PromptTuning

@Suite("Cross-entropy")
struct CrossEntropyTests {
    /// Reference loss in Double: mean over labels of logsumexp(row) − row[label].
    private func referenceLoss(_ logits: [Float], labels: [Int32], vocab: Int) -> Double {
        var total = 0.0
        for (r, label) in labels.enumerated() {
            let row = logits[r * vocab ..< (r + 1) * vocab].map(Double.init)
            let m = row.max()!
            total += log(row.map { exp($0 - m) }.reduce(0, +)) + m - row[Int(label)]
        }
        return total / Double(labels.count)
    }

    @Test func lossByHandForUniformLogits() {
        // Uniform logits over V = 4: every token's NLL is log 4.
        let logits = [Float](repeating: 0.5, count: 3 * 4)
        let result = logits.withUnsafeBufferPointer {
            CrossEntropy.forward(logits: $0.baseAddress!, labels: [0, 3, 1], rows: [0, 0, 1], rowCount: 2, vocab: 4)
        }
        #expect(abs(result.loss - Float(log(4.0))) < 1e-6)
        #expect(abs(result.rowNLLSums[0] - 2 * Float(log(4.0))) < 1e-5)
        #expect(abs(result.rowNLLSums[1] - Float(log(4.0))) < 1e-6)
        #expect(result.tokenCount == 3)
    }

    @Test func meanIsOverTokensNotExamples() {
        // Row 0 has 3 tokens, row 1 has 1: the loss weights row 0 three times.
        var rng = SeededRNG(seed: 11)
        let vocab = 5
        let logits = (0..<(4 * vocab)).map { _ in rng.nextFloat() * 4 - 2 }
        let labels: [Int32] = [1, 4, 0, 2]
        let result = logits.withUnsafeBufferPointer {
            CrossEntropy.forward(logits: $0.baseAddress!, labels: labels, rows: [0, 0, 0, 1], rowCount: 2, vocab: vocab)
        }
        let expected = referenceLoss(logits, labels: labels, vocab: vocab)
        #expect(abs(Double(result.loss) - expected) < 1e-5)
        #expect(abs(Double(result.rowNLLSums.reduce(0, +)) / 4 - expected) < 1e-5)
    }

    @Test func gradientMatchesFiniteDifferences() {
        var rng = SeededRNG(seed: 3)
        let vocab = 7, count = 3
        let logits = (0..<(count * vocab)).map { _ in rng.nextFloat() * 6 - 3 }
        let labels: [Int32] = [2, 6, 0]
        var gradient = logits
        let fused = gradient.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: labels, rows: [0, 1, 1], rowCount: 2, vocab: vocab)
        }
        #expect(abs(Double(fused.loss) - referenceLoss(logits, labels: labels, vocab: vocab)) < 1e-5)
        let h = 1e-3
        var worst = 0.0, worstIndex = -1
        for i in logits.indices {
            var plus = logits, minus = logits
            plus[i] += Float(h)
            minus[i] -= Float(h)
            // The perturbation is rounded to Float; divide by the step actually taken.
            let step = Double(plus[i]) - Double(minus[i])
            let numeric = (referenceLoss(plus, labels: labels, vocab: vocab) - referenceLoss(minus, labels: labels, vocab: vocab)) / step
            let diff = abs(numeric - Double(gradient[i]))
            if diff > worst { worst = diff; worstIndex = i }
        }
        #expect(worst < 1e-5, "max difference \(worst) at index \(worstIndex)")
        // Each gradient row sums to zero (softmax minus one-hot).
        for r in 0..<count {
            let sum = gradient[r * vocab ..< (r + 1) * vocab].reduce(0, +)
            #expect(abs(sum) < 1e-6, "row \(r) sums to \(sum)")
        }
    }

    @Test func largeLogitsStayFinite() {
        var logits: [Float] = [1000, 0, -1000, 999]
        let result = logits.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: [3], rows: [0], rowCount: 1, vocab: 4)
        }
        // NLL = log(1 + e^-1 + ...) + 1 ≈ 1.3132617
        #expect(abs(result.loss - 1.3132617) < 1e-5)
        #expect(logits.allSatisfy { $0.isFinite })
        #expect(abs(logits[3] - (Float(1 / (1 + exp(1.0))) - 1)) < 1e-6)
    }
}
