import CKernels

// N = rows, C = row width (a multiple of 8), H = heads, HS = head size (a multiple of 8),
// P = table positions, E = element count.

/// The AVX2 element-wise kernels of the packed training path (`Training.c`). Callers check
/// `available` (and the widths each kernel needs) and keep their Swift kernels otherwise.
/// Every row is computed alone, so splitting rows over threads gives identical bits.
public enum TrainingKernels {
    /// Whether this CPU runs the kernels (AVX2 + FMA).
    public static let available: Bool = ck_simd_level() >= 2

    // MARK: - RMSNorm

    /// Per row: `x = a + b` written to `sum` when `b` is given (else `x = a`), then
    /// `rstd = 1/sqrt(mean(x²) + eps)` and `out = (x · rstd) · weight`, rounded as `RMSNorm.forward`.
    /// - Parameters:
    ///   - sum: (N, C) — written when `b` is given; may be `a`
    ///   - a, b: (N, C)
    ///   - weight: (C)
    ///   - out: (N, C)
    ///   - rstd: (N)
    public static func addRMSNorm(sum: UnsafeMutablePointer<Float>?, a: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                                  weight: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                                  rstd: UnsafeMutablePointer<Float>, rows: Int, width: Int, eps: Float) {
        precondition(width % 8 == 0 && (b == nil || sum != nil), "addRMSNorm needs a width that is a multiple of 8, found \(width)")
        ck_add_rmsnorm(sum, a, b, weight, out, rstd, rows, width, eps)
    }

    /// `dx += s·w·dy − (s³/C)·x·Σ(dy·w·x)` per row (s = rstd), rounded as `RMSNorm.backward`.
    /// - Parameters:
    ///   - dInput: (N, C) — accumulated into
    ///   - dOut, input: (N, C)
    ///   - weight: (C)
    ///   - rstd: (N)
    public static func rmsNormBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                       input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                       rstd: UnsafePointer<Float>, rows: Int, width: Int) {
        precondition(width % 8 == 0, "rmsNormBackward needs a width that is a multiple of 8, found \(width)")
        ck_rmsnorm_backward(dInput, dOut, input, weight, rstd, rows, width)
    }

    // MARK: - RoPE

    /// Rotates each pair of every head of `rows` by `direction` × its row's angle (1 forward,
    /// −1 for the backward's transpose), rounded as `RoPE.forward(…positions:…)`.
    /// - Parameters:
    ///   - out: (N, H·HS) — may be `input`
    ///   - input: (N, H·HS)
    ///   - positions: (N)
    ///   - cosines, sines: (P, HS/2)
    public static func rope(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                            positions: UnsafePointer<Int>, cosines: UnsafePointer<Float>, sines: UnsafePointer<Float>,
                            heads: Int, headSize: Int, direction: Float, rows: Range<Int>) {
        precondition(headSize % 8 == 0, "rope needs a head size that is a multiple of 8, found \(headSize)")
        positions.withMemoryRebound(to: Int64.self, capacity: rows.upperBound) { positions in
            ck_rope_rows(out, input, positions, cosines, sines, heads, headSize, direction, rows.lowerBound, rows.upperBound)
        }
    }

    // MARK: - SwiGLU

    /// `out = e^x` element-wise: the vector exponential the SwiGLU kernels use (≤ 2 ulp from `expf`).
    public static func exp(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
        ck_exp(out, input, count)
    }

    /// `out = silu(gate) · up` over E elements.
    public static func swiGLU(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
                              up: UnsafePointer<Float>, count: Int) {
        ck_swiglu_forward(out, gate, up, count)
    }

    /// `dGate = dOut·up·σ(g)·(1 + g·(1 − σ(g)))`, `dUp = dOut·g·σ(g)` over E elements (overwritten).
    public static func swiGLUBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                                      dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                                      up: UnsafePointer<Float>, count: Int) {
        ck_swiglu_backward(dGate, dUp, dOut, gate, up, count)
    }
}
