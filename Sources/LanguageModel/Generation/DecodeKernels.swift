import Foundation
import Numerics

// T = rows (positions in a chunk), P = positions attended (cached ones included).

/// The decode-specific element-wise kernel: a row softmax over the cached positions with a causal
/// limit. The shared layer kernels (`RMSNorm`, `RoPE`, `SwiGLU` in Layers/) do the rest, and
/// matrix products go through `BLAS` in `InferenceSession`.
enum DecodeKernels {
    // MARK: - Softmax

    /// In-place softmax over `x[0..<valid]`; `x[valid..<count]` (future positions) become 0.
    /// x: (P). The maximum is subtracted first; the sum runs left to right (fixed order).
    static func causalSoftmax(_ x: UnsafeMutablePointer<Float>, valid: Int, count: Int) {
        var maximum = -Float.infinity
        for i in 0..<valid where x[i] > maximum { maximum = x[i] }
        var sum: Float = 0
        for i in 0..<valid {
            let e = Foundation.exp(x[i] - maximum)
            x[i] = e
            sum += e
        }
        let inverse = 1 / sum
        for i in 0..<valid { x[i] *= inverse }
        for i in valid..<count { x[i] = 0 }
    }
}
