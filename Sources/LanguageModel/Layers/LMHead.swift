import Numerics

// B = batch rows, T = positions, C = width, V = vocabulary, R = output rows (positions that need logits).

/// The language-model head, evaluated only where logits are needed: gather the R selected rows of
/// the final hidden state, then `logits = rows · Eᵀ` with `E` the `(V, C)` output matrix (the token
/// embedding table itself when tied). Never forms full `(B·T, V)` logits.
public enum LMHead {
    // MARK: - Forward

    /// `out[r] = input[rows[r]]` — picks the R rows whose logits are needed.
    /// - Parameters:
    ///   - out: (R, C)
    ///   - input: (B·T, C)
    ///   - rows: (R) — flat row indices `b·T + t`
    public static func gather(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                              rows: [Int], width: Int) {
        for (r, row) in rows.enumerated() {
            (out + r * width).update(from: input + row * width, count: width)
        }
    }

    /// `logits = input · Eᵀ`.
    /// - Parameters:
    ///   - logits: (R, V)
    ///   - input: (R, C)
    ///   - output: (V, C)
    public static func forward(logits: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               output: UnsafePointer<Float>, rows: Int, width: Int, vocab: Int) {
        Linear.forward(out: logits, input: input, weight: output,
                       shape: .init(rows: rows, inFeatures: width, outFeatures: vocab))
    }

    // MARK: - Backward

    /// Forward was `logits = x · Eᵀ`, so `dx += dlogits · E` (E frozen: no gradient for it).
    /// - Parameters:
    ///   - dInput: (R, C) — accumulated into
    ///   - dLogits: (R, V)
    ///   - output: (V, C)
    public static func backward(dInput: UnsafeMutablePointer<Float>, dLogits: UnsafePointer<Float>,
                                output: UnsafePointer<Float>, rows: Int, width: Int, vocab: Int) {
        Linear.backward(dInput: dInput, dOut: dLogits, weight: output,
                        shape: .init(rows: rows, inFeatures: width, outFeatures: vocab))
    }

    /// Forward was `out[r] = input[rows[r]]`, so `dinput[rows[r]] += dout[r]` (a row picked twice
    /// receives both gradients).
    /// - Parameters:
    ///   - dInput: (B·T, C) — accumulated into
    ///   - dOut: (R, C)
    public static func scatter(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                               rows: [Int], width: Int) {
        for (r, row) in rows.enumerated() {
            let d = dInput + row * width, g = dOut + r * width
            for i in 0..<width { d[i] += g[i] }
        }
    }
}
