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
            var sum: Float = 0
            for i in 0..<vocab { sum += exp(row[i] - maxValue) }
            // nll = logsumexp(x) - x[label] = log(Σ exp(x - max)) - (x[label] - max)
            let nll = Double(log(sum)) - Double(row[Int(labels[r])] - maxValue)
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
            var sum: Float = 0
            for i in 0..<vocab {
                let e = exp(row[i] - maxValue)
                row[i] = e
                sum += e
            }
            let nll = Double(log(sum)) - Double(shiftedLabel)
            sums[rows[r]] += nll
            total += nll
            // backward: forward was nll = log Σ e - (x_label - max); so dx_i = scale · (e_i / Σ e - [i = label]).
            let factor = gradientScale / sum
            for i in 0..<vocab { row[i] *= factor }
            row[label] -= gradientScale
        }
        return result(total: total, sums: sums, count: labels.count)
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
