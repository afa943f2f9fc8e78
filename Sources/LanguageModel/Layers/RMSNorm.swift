import Foundation

// N = rows (B·T flattened, or any row count), C = width.

/// Root-mean-square normalisation, forward and backward side by side (llm.c style).
///
/// Forward: `y = x · rstd · w` with `rstd = 1 / sqrt(mean(x²) + eps)`, computed per row in that
/// order (normalise first, then scale by the weight), as HF's `LlamaRMSNorm` does.
public enum RMSNorm {
    /// The sizes one call works on.
    public struct Shape: Sendable, Equatable {
        /// Number of independent rows (N).
        public var rows: Int
        /// Row width (C).
        public var width: Int
        /// Added to the mean square before the square root.
        public var eps: Float

        /// Creates a shape.
        public init(rows: Int, width: Int, eps: Float) {
            self.rows = rows
            self.width = width
            self.eps = eps
        }
    }

    // MARK: - Forward

    /// `out = input · rstd · weight`, and saves `rstd` per row for the backward pass.
    /// - Parameters:
    ///   - out: (N, C)
    ///   - rstd: (N) — saved: `1 / sqrt(mean(input²) + eps)` of each row
    ///   - input: (N, C)
    ///   - weight: (C)
    public static func forward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>, weight: UnsafePointer<Float>, shape: Shape) {
        let c = shape.width
        for row in 0..<shape.rows {
            let x = input + row * c
            let y = out + row * c
            let s = 1 / (sumOfSquares(x, c) / Float(c) + shape.eps).squareRoot()
            rstd[row] = s
            for i in 0..<c { y[i] = (x[i] * s) * weight[i] }
        }
    }

    // MARK: - Backward

    /// Adds the input gradient into `dInput`.
    ///
    /// Forward was `y_i = x_i · s · w_i` with `s = (mean(x²) + eps)^(-1/2)`, so
    /// `∂s/∂x_j = -s³ · x_j / C` and
    /// `dx_j = s · w_j · dy_j − (s³ / C) · x_j · Σ_i (dy_i · w_i · x_i)`.
    /// - Parameters:
    ///   - dInput: (N, C) — accumulated into (`+=`)
    ///   - dOut: (N, C)
    ///   - input: (N, C) — the forward input
    ///   - weight: (C)
    ///   - rstd: (N) — saved by the forward
    public static func backward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, shape: Shape) {
        let c = shape.width
        for row in 0..<shape.rows {
            let x = input + row * c
            let dy = dOut + row * c
            let dx = dInput + row * c
            let s = rstd[row]
            let dot = weightedDot(dy, weight, x, c)
            let k = s * s * s * dot / Float(c)
            for i in 0..<c { dx[i] += s * weight[i] * dy[i] - k * x[i] }
        }
    }

    // MARK: - Kernels

    /// Σ x² over `count` values, in Double (eight lanes, then a fixed-order lane sum, so it is
    /// deterministic). Each square is rounded to Float first, as PyTorch's `x.pow(2)` is; the sum
    /// is then exact to well below one Float ulp, so `rstd` is the correctly rounded value more
    /// often than with any Float summation order.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Double>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes += SIMD8<Double>(v * v)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += Double(x[i] * x[i]); i += 1 }
        return Float(total)
    }

    /// Σ a·b·c over `count` values: products rounded to Float, summed in Double lanes (fixed order).
    @inline(__always)
    static func weightedDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                            _ count: Int) -> Float {
        var lanes = SIMD8<Double>(repeating: 0)
        var i = 0
        while i + 8 <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            let vc = UnsafeRawPointer(c + i).loadUnaligned(as: SIMD8<Float>.self)
            lanes += SIMD8<Double>(va * vb * vc)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += Double(a[i] * b[i] * c[i]); i += 1 }
        return Float(total)
    }
}
