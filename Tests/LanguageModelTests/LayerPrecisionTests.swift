import Foundation
import LanguageModel
import Numerics
import Testing

// C = width (576, SmolLM2's), N = rows. The reductions inside the layers run in Double so that
// their results are within a couple of Float roundings of the exact value, whatever the row holds.

@Suite("Layer reductions are accurate to a few Float ulps")
struct LayerPrecisionTests {
    /// Rows whose magnitudes spread over five decades, the kind a residual stream has.
    static func spreadRows(rows: Int, width: Int, seed: UInt64) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<(rows * width)).map { _ in
            let sign: Float = rng.nextFloat() < 0.5 ? -1 : 1
            return sign * Float(Foundation.pow(10.0, Double(rng.nextFloat()) * 5 - 3))
        }
    }

    /// rstd = 1 / sqrt(mean(x²) + eps) is within 1.5 ulp of the Double value on every row: the
    /// four Float roundings after the sum (mean, + eps, sqrt, reciprocal), and nothing from the sum.
    @Test func rmsnormRstdIsCorrectlyRoundedToAFewUlps() {
        let rows = 256, width = 576, eps: Float = 1e-5
        let x = Self.spreadRows(rows: rows, width: width, seed: 21)
        let weight = [Float](repeating: 1, count: width)
        var y = [Float](repeating: 0, count: rows * width), rstd = [Float](repeating: 0, count: rows)
        RMSNorm.forward(out: &y, rstd: &rstd, input: x, weight: weight, shape: .init(rows: rows, width: width, eps: eps))
        var worst = 0.0, worstRow = -1
        for r in 0..<rows {
            let squares = x[(r * width)..<((r + 1) * width)].reduce(0.0) { $0 + Double($1) * Double($1) }
            let exact = 1 / (squares / Double(width) + Double(eps)).squareRoot()
            let ulps = abs(Double(rstd[r]) - exact) / Double(Float(exact).ulp)
            if ulps > worst { worst = ulps; worstRow = r }
        }
        #expect(worst <= 1.5, "rstd off by \(worst) ulp at row \(worstRow)")
    }

    /// Attention probabilities sum to 1 within Float rounding on each causal row.
    @Test func attentionRowsSumToOne() {
        var rng = SeededRNG(seed: 5)
        let shape = Attention.Shape(batch: 1, length: 24, heads: 2, kvHeads: 1, headSize: 16)
        let q = randomTensor(24 * 32, scale: 3, rng: &rng), k = randomTensor(24 * 16, scale: 3, rng: &rng)
        let v = randomTensor(24 * 16, rng: &rng)
        var out = [Float](repeating: 0, count: 24 * 32), att = [Float](repeating: 0, count: 2 * 24 * 24)
        Attention.forward(out: &out, att: &att, q: q, k: k, v: v, lengths: [24], shape: shape)
        var worst = 0.0
        for row in 0..<(2 * 24) {
            let sum = att[(row * 24)..<((row + 1) * 24)].reduce(0.0) { $0 + Double($1) }
            worst = max(worst, abs(sum - 1))
        }
        #expect(worst <= 24 * Double(Float.ulpOfOne), "max |Σ p − 1| = \(worst)")
    }
}
