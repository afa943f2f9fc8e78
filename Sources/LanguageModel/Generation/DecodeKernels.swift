import Foundation
import Numerics

// T = rows (positions in a chunk), C = width, HS = head size, F = feed-forward width.

/// The element-wise kernels of the inference forward, on raw buffers: RMSNorm, RoPE at absolute
/// positions, row softmax with a causal limit, SwiGLU. Matrix products are not here; they go
/// through `BLAS` in `InferenceSession`. Every reduction runs in one fixed order.
enum DecodeKernels {
    // MARK: - RMSNorm

    /// `out[t] = x[t] · 1/sqrt(mean(x[t]²) + eps) · weight` for each of `rows` rows.
    /// out, x: (T, C); weight: (C). `out` may equal `x`.
    static func rmsNorm(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        rows: Int, width: Int, eps: Float) {
        for t in 0..<rows {
            let row = x + t * width
            let dst = out + t * width
            var sumSquares: Float = 0
            for i in 0..<width { sumSquares += row[i] * row[i] }
            let rstd = 1 / (sumSquares / Float(width) + eps).squareRoot()
            for i in 0..<width { dst[i] = weight[i] * (row[i] * rstd) }
        }
    }

    // MARK: - RoPE

    /// Fills the rotation table for positions `start ..< start + rows`:
    /// cos, sin: (T, HS/2), angle = position · theta^(-2i/HS), computed in Float32 as the reference does.
    static func ropeTable(cos: UnsafeMutablePointer<Float>, sin: UnsafeMutablePointer<Float>,
                          start: Int, rows: Int, headSize: Int, theta: Float) {
        let half = headSize / 2
        for t in 0..<rows {
            let position = Float(start + t)
            for i in 0..<half {
                let inverseFrequency = 1 / Foundation.pow(theta, Float(2 * i) / Float(headSize))
                let angle = position * inverseFrequency
                cos[t * half + i] = Foundation.cos(angle)
                sin[t * half + i] = Foundation.sin(angle)
            }
        }
    }

    /// Rotates adjacent pairs `(2i, 2i+1)` of every head in place (GGUF row order).
    /// x: (T, stride) with `heads` heads of HS at the start of each row; cos, sin: (T, HS/2).
    static func rope(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, headSize: Int,
                     cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let half = headSize / 2
        for t in 0..<rows {
            let c = cos + t * half, s = sin + t * half
            for h in 0..<heads {
                let v = x + t * stride + h * headSize
                for i in 0..<half {
                    let x0 = v[2 * i], x1 = v[2 * i + 1]
                    v[2 * i] = x0 * c[i] - x1 * s[i]
                    v[2 * i + 1] = x0 * s[i] + x1 * c[i]
                }
            }
        }
    }

    // MARK: - Softmax

    /// In-place softmax over `x[0..<valid]`; `x[valid..<count]` (future positions) become 0.
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

    // MARK: - SwiGLU

    /// `gate = silu(gate) · up` in place, with silu(g) = g / (1 + e^-g). gate, up: (T·F).
    static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + Foundation.exp(-g)) * up[i]
        }
    }
}
