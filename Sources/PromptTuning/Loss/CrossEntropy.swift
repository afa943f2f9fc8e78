import Foundation

// Dimension letters: R = labelled positions of the batch, V = vocabulary, B = batch rows.

/// The batch loss and its parts.
public struct CrossEntropyResult: Sendable, Equatable {
    /// Mean NLL over all R labelled tokens of the batch (not a mean of per-row means).
    public var loss: Float
    /// (B) sum of token NLLs per row; their sum / R is `loss`.
    public var rowNLLSums: [Float]
    /// R: labelled tokens.
    public var tokenCount: Int
}

/// Softmax cross-entropy over the vocabulary at the labelled positions, forward and fused
/// backward side by side (llm.c's `crossentropy_softmax_backward`).
public enum CrossEntropy {
    /// Loss only; `logits` is left unchanged.
    /// - logits: (R, V) row-major, one row per labelled position.
    /// - labels: (R) target ids; rows: (R) batch row of each labelled position, in `0..<rowCount`.
    public static func forward(logits: UnsafePointer<Float>, labels: [Int32], rows: [Int], rowCount: Int,
                               vocab: Int) -> CrossEntropyResult {
        precondition(labels.count == rows.count, "one batch row per label")
        var sums = [Double](repeating: 0, count: rowCount)
        var total = 0.0
        for r in labels.indices {
            let row = logits + r * vocab
            let maxValue = maximum(row, vocab)
            let sum = sumOfExponentials(row, count: vocab, shift: maxValue, store: nil)
            // nll = logsumexp(x) - x[label] = log(Σ exp(x - max)) - (x[label] - max), log-prob in Float as torch has it
            let nll = -Double((row[Int(labels[r])] - maxValue) - Float(log(Double(sum))))
            sums[rows[r]] += nll
            total += nll
        }
        return result(total: total, sums: sums, count: labels.count)
    }

    /// Loss, and `logits` overwritten in place by `dLoss/dLogits = (softmax − onehot) · scale`.
    /// The chain starts here: the loss is a mean over R tokens, so `scale` defaults to `1 / R`.
    /// - logits: (R, V) row-major; on return holds dLogits (R, V).
    public static func forwardBackward(logits: UnsafeMutablePointer<Float>, labels: [Int32], rows: [Int],
                                       rowCount: Int, vocab: Int, scale: Float? = nil) -> CrossEntropyResult {
        precondition(labels.count == rows.count, "one batch row per label")
        let gradientScale = scale ?? (labels.isEmpty ? 0 : 1 / Float(labels.count))
        var sums = [Double](repeating: 0, count: rowCount)
        var total = 0.0
        for r in labels.indices {
            let row = logits + r * vocab
            let label = Int(labels[r])
            let maxValue = maximum(UnsafePointer(row), vocab)
            let shiftedLabel = row[label] - maxValue
            // forward: e_i = exp(x_i - max), kept in place for the backward below.
            let sum = sumOfExponentials(UnsafePointer(row), count: vocab, shift: maxValue, store: row)
            let nll = -Double(shiftedLabel - Float(log(Double(sum))))
            sums[rows[r]] += nll
            total += nll
            // backward: forward was nll = log Σ e - (x_label - max); so dx_i = scale · (e_i / Σ e - [i = label]).
            let factor = Float(Double(gradientScale) / Double(sum))
            multiply(row, count: vocab, by: factor)
            row[label] -= gradientScale
        }
        return result(total: total, sums: sums, count: labels.count)
    }

    // MARK: - Kernels

    /// Σ exp(x_i − shift) over a row, each exponential rounded to Float (and written to `store`
    /// when given), summed the way PyTorch's CPU `log_softmax` sums a row (`vec::map_reduce_all`
    /// on AVX2): eight Float lanes over the row, a tail folded into the first lanes, then the
    /// halving tree `((l0+l4) + (l2+l6)) + ((l1+l5) + (l3+l7))`.
    ///
    /// Why this order and not a more exact one: with V ≈ 50k terms next to a largest term of
    /// exactly 1, most exponentials are below half an ulp of the lane holding that 1 and are
    /// dropped there. A single running sum drops nearly all of them (every NLL ~1.2e-4 low on
    /// SmolLM2); a Double sum drops none (~1.4e-5 high vs PyTorch); PyTorch's lanes drop about an
    /// eighth. The bias is the same in every row and step, so it steers the whole trajectory;
    /// matching PyTorch's order removes it (TrajectoryTests measures this). Deterministic.
    @inline(__always)
    static func sumOfExponentials(_ row: UnsafePointer<Float>, count: Int, shift: Float,
                                  store: UnsafeMutablePointer<Float>?) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            var e = SIMD8<Float>()
            for j in 0..<8 { e[j] = exp(row[i + j] - shift) }
            if let store { UnsafeMutableRawPointer(store + i).storeBytes(of: e, as: SIMD8<Float>.self) }
            lanes += e
            i += 8
        }
        for j in 0..<(count - i) {  // the tail goes into lanes 0..<count % 8, as torch's masked load does
            let e = exp(row[i + j] - shift)
            store?[i + j] = e
            lanes[j] += e
        }
        let halves = lanes.lowHalf + lanes.highHalf
        let quarters = halves.lowHalf + halves.highHalf
        return quarters[0] + quarters[1]
    }

    /// x_i *= factor over a row.
    @inline(__always)
    static func multiply(_ row: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        var i = 0
        while i + 8 <= count {
            let raw = UnsafeMutableRawPointer(row + i)
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) * factor, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count { row[i] *= factor; i += 1 }
    }

    // MARK: - Helpers

    private static func maximum(_ row: UnsafePointer<Float>, _ count: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<count where row[i] > m || row[i].isNaN { m = row[i] }
        return m
    }

    private static func result(total: Double, sums: [Double], count: Int) -> CrossEntropyResult {
        CrossEntropyResult(loss: count == 0 ? 0 : Float(total / Double(count)),
                           rowNLLSums: sums.map { Float($0) }, tokenCount: count)
    }
}
