import Numerics

// N = rows, C = width, H = heads, HS = head size, F = feed-forward width, E = element count.

/// The element-wise passes of the packed training path: the AVX2 kernels of `TrainingKernels`
/// where the CPU and the widths allow, else the Swift layers they replace (`RMSNorm`, `Residual`,
/// `RoPE`, `SwiGLU`), which stay the reference. RMSNorm and RoPE give the Swift kernels' bits
/// exactly; SwiGLU differs only by the vector exponential (≤ 2 ulp of `expf` per element).
/// Either way every row is computed by the same code whatever the row split.
enum PackedKernels {
    // MARK: - RMSNorm (+ residual)

    /// `sum = a + b` (when `b` is given), then `out = rmsnorm(sum or a) · weight` with `rstd` saved:
    /// the residual add and the next norm in one pass over the rows.
    /// - Parameters:
    ///   - sum: (N, C) — written when `b` is given
    ///   - a, b: (N, C)
    ///   - weight: (C)
    ///   - out: (N, C)
    ///   - rstd: (N)
    static func addNorm(sum: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>?,
                        weight: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>,
                        rstd: UnsafeMutablePointer<Float>, shape: RMSNorm.Shape) {
        if TrainingKernels.available && shape.width % 8 == 0 {
            TrainingKernels.addRMSNorm(sum: sum, a: a, b: b, weight: weight, out: out, rstd: rstd,
                                       rows: shape.rows, width: shape.width, eps: shape.eps)
            return
        }
        var input = a
        if let b {
            Residual.forward(out: sum, a: a, b: b, count: shape.rows * shape.width)
            input = UnsafePointer(sum)
        }
        RMSNorm.forward(out: out, rstd: rstd, input: input, weight: weight, shape: shape)
    }

    /// `RMSNorm.backward`: adds the input gradient into `dInput`.
    static func normBackward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                             input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             rstd: UnsafePointer<Float>, shape: RMSNorm.Shape) {
        if TrainingKernels.available && shape.width % 8 == 0 {
            TrainingKernels.rmsNormBackward(dInput: dInput, dOut: dOut, input: input, weight: weight, rstd: rstd,
                                            rows: shape.rows, width: shape.width)
        } else {
            RMSNorm.backward(dInput: dInput, dOut: dOut, input: input, weight: weight, rstd: rstd, shape: shape)
        }
    }

    // MARK: - RoPE

    /// `RoPE.forward` (direction 1) or `RoPE.backward` (direction −1) over `rows`, in place-safe.
    /// - Parameters:
    ///   - out: (N, H·HS) — may be `input`
    ///   - input: (N, H·HS)
    ///   - positions: (N)
    static func rope(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, positions: UnsafeBufferPointer<Int>,
                     heads: Int, table: RoPE.Table, direction: Float, rows: Range<Int>) {
        if TrainingKernels.available && table.headSize % 8 == 0 {
            precondition(positions[rows].allSatisfy { $0 >= 0 && $0 < table.positions },
                         "RoPE table covers \(table.positions) positions, fewer than the rows need")
            table.cos.withUnsafeBufferPointer { c in
                table.sin.withUnsafeBufferPointer { s in
                    TrainingKernels.rope(out: out, input: input, positions: positions.baseAddress!, cosines: c.baseAddress!,
                                         sines: s.baseAddress!, heads: heads, headSize: table.headSize,
                                         direction: direction, rows: rows)
                }
            }
            return
        }
        if direction > 0 {
            RoPE.forward(out: out, input: input, positions: Array(positions), heads: heads, table: table, rows: rows)
        } else {
            RoPE.backward(dInput: out, dOut: input, positions: Array(positions), heads: heads, table: table, rows: rows)
        }
    }

    // MARK: - SwiGLU

    /// `SwiGLU.forward`: `out = silu(gate) · up` over E elements.
    static func swiGLU(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        if TrainingKernels.available {
            TrainingKernels.swiGLU(out: out, gate: gate, up: up, count: count)
        } else {
            SwiGLU.forward(out: out, gate: gate, up: up, count: count)
        }
    }

    /// `SwiGLU.backwardOverwriting` over E elements.
    static func swiGLUBackward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                               dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        if TrainingKernels.available {
            TrainingKernels.swiGLUBackward(dGate: dGate, dUp: dUp, dOut: dOut, gate: gate, up: up, count: count)
        } else {
            SwiGLU.backwardOverwriting(dGate: dGate, dUp: dUp, dOut: dOut, gate: gate, up: up, count: count)
        }
    }
}
