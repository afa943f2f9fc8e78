import Foundation
import Numerics
import Testing
@testable import PromptTuning

// Dimension letters: R = labelled positions, V = vocabulary.
//
// The rounding that moved the prompt-tuning trajectory away from PyTorch's, pinned down on
// synthetic data (the real-model run is TrajectoryTests): a softmax over a large vocabulary whose
// many tiny probabilities a Float sum partly drops. PyTorch (AVX2 `log_softmax`) sums a row in
// eight Float lanes and a halving tree; CrossEntropy sums in the same order, so both drop the
// same terms and the loss carries the same (small) bias as the reference run.

@Suite("Trajectory precision: cross-entropy over a large vocabulary")
struct TrajectoryPrecisionTests {
    /// One logit at 0 and V − 1 logits at −17: every exp(−17) ≈ 4.1e-8 is below half an ulp of a
    /// Float sum that holds the 1, so the lane with the peak keeps none of them, the seven others
    /// keep all of theirs, and a single running sum would keep none (loss log 1 = 0).
    static func peakedRow(vocab: Int, peak: Int) -> [Float] {
        var row = [Float](repeating: -17, count: vocab)
        row[peak] = 0
        return row
    }

    /// The row sum in PyTorch's order, written out plainly: lane i % 8 gets element i.
    static func torchOrderSum(_ row: [Float]) -> Float {
        let m = row.max()!
        var lanes = [Float](repeating: 0, count: 8)
        for (i, x) in row.enumerated() { lanes[i % 8] += Float(Foundation.exp(Double(x - m))) }
        return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]))
    }

    @Test func lossSumsTheVocabularyInPyTorchsOrder() {
        let vocab = 49_152
        let rows = [Self.peakedRow(vocab: vocab, peak: 7), Self.peakedRow(vocab: vocab, peak: 9)]
        let logits = rows[0] + rows[1]  // (R = 2, V)
        let labels: [Int32] = [7, 3]
        let result = logits.withUnsafeBufferPointer {
            CrossEntropy.forward(logits: $0.baseAddress!, labels: labels, rows: [0, 1], rowCount: 2, vocab: vocab)
        }
        for r in 0..<2 {
            let logSum = Float(Foundation.log(Double(Self.torchOrderSum(rows[r]))))
            let expected = -Double((rows[r][Int(labels[r])] - rows[r].max()!) - logSum)
            let diff = abs(Double(result.rowNLLSums[r]) - expected)
            #expect(diff <= 1e-6 * max(1, expected), "row \(r): NLL \(result.rowNLLSums[r]) vs \(expected), difference \(diff)")
        }
        // seven eighths of the tail mass survive: log(1 + ⅞ (V − 1) e^−17) ≈ 1.8e-3, not 0
        let kept = Foundation.log(1 + 7.0 / 8 * Double(vocab - 1) * Foundation.exp(-17.0))
        #expect(abs(Double(result.rowNLLSums[0]) - kept) <= 2e-5, "peak-row NLL \(result.rowNLLSums[0]), expected ≈ \(kept)")
        var gradient = logits
        let fused = gradient.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: labels, rows: [0, 1], rowCount: 2, vocab: vocab)
        }
        #expect(fused == result, "forward and forwardBackward disagree: \(fused) vs \(result)")
    }

    /// dLogits = (softmax − onehot) / R with softmax = e_i / Σ e over that same sum: a row of
    /// V − 1 ties plus a peak, checked against the plainly computed values.
    @Test func gradientNormalizesByTheSameSum() {
        let vocab = 49_152
        let row = Self.peakedRow(vocab: vocab, peak: 5)
        var gradient = row
        _ = gradient.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: [5], rows: [0], rowCount: 1, vocab: vocab)
        }
        let sum = Double(Self.torchOrderSum(row))
        let tiny = Double(Float(Foundation.exp(-17.0)))
        let peak = 1 / sum - 1, other = tiny / sum
        // p − 1 is formed in Float next to 1: good to an ulp of 1, not relative to the small result
        #expect(abs(Double(gradient[5]) - peak) <= 2 * Double(Float.ulpOfOne), "peak gradient \(gradient[5]) vs \(peak)")
        let worst = gradient.indices.filter { $0 != 5 }.map { abs(Double(gradient[$0]) - other) / other }.max()!
        #expect(worst <= 1e-6, "tail gradient: max relative difference \(worst) from \(other)")
    }
}
