import Foundation

// N = rows, F = feed-forward width.

/// The SwiGLU gate of the Llama MLP: `hidden = silu(gate) · up`, with `silu(g) = g · σ(g)`.
/// The surrounding projections (`gate = n·W_gateᵀ`, `up = n·W_upᵀ`, `out = hidden·W_downᵀ`) are
/// `Linear` layers; this file is the element-wise part with its backward.
public enum SwiGLU {
    // MARK: - Forward

    /// `out = silu(gate) · up`, element-wise over `count` = N·F values.
    /// - Parameters:
    ///   - out: (N, F)
    ///   - gate: (N, F)
    ///   - up: (N, F)
    public static func forward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>,
                               up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            out[i] = (g / (1 + expf(-g))) * up[i]
        }
    }

    // MARK: - Backward

    /// Forward was `h = g · σ(g) · u`, so with `s = σ(g)`:
    /// `dg += dh · u · s · (1 + g · (1 − s))` and `du += dh · g · s`.
    /// - Parameters:
    ///   - dGate: (N, F) — accumulated into
    ///   - dUp: (N, F) — accumulated into
    ///   - dOut: (N, F)
    ///   - gate: (N, F) — saved by the forward
    ///   - up: (N, F) — saved by the forward
    public static func backward(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                                dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                                up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            let s = 1 / (1 + expf(-g))
            let dh = dOut[i]
            dGate[i] += dh * up[i] * s * (1 + g * (1 - s))
            dUp[i] += dh * g * s
        }
    }

    /// As `backward`, but overwrites `dGate` and `dUp` (no zeroing pass before it).
    public static func backwardOverwriting(dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
                                           dOut: UnsafePointer<Float>, gate: UnsafePointer<Float>,
                                           up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            let s = 1 / (1 + expf(-g))
            let dh = dOut[i]
            dGate[i] = dh * up[i] * s * (1 + g * (1 - s))
            dUp[i] = dh * g * s
        }
    }
}
