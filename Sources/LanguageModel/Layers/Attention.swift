import Foundation
import Numerics

// B = batch rows, T = positions, NH = query heads, KVH = kv heads, HS = head size.
// Query head h reads kv head h / (NH / KVH) (grouped-query attention).

/// Causal grouped-query scaled dot-product attention over RoPE'd queries and keys, forward and
/// backward side by side. Batch row `b` has `lengths[b]` real positions followed by right padding;
/// padding positions are skipped (their outputs are zero), and because attention is causal no real
/// position ever reads them.
public enum Attention {
    /// The sizes one call works on.
    public struct Shape: Sendable, Equatable {
        /// Batch rows (B).
        public var batch: Int
        /// Positions per batch row (T), padding included.
        public var length: Int
        /// Query heads (NH).
        public var heads: Int
        /// Key/value heads (KVH); must divide NH.
        public var kvHeads: Int
        /// Head size (HS).
        public var headSize: Int

        /// Creates a shape.
        public init(batch: Int, length: Int, heads: Int, kvHeads: Int, headSize: Int) {
            precondition(kvHeads > 0 && heads % kvHeads == 0, "NH = \(heads) is not a multiple of KVH = \(kvHeads)")
            self.batch = batch
            self.length = length
            self.heads = heads
            self.kvHeads = kvHeads
            self.headSize = headSize
        }

        /// `1 / sqrt(HS)`.
        public var scale: Float { 1 / Float(headSize).squareRoot() }
        /// Width of a query/output row: NH·HS.
        var queryWidth: Int { heads * headSize }
        /// Width of a key/value row: KVH·HS.
        var kvWidth: Int { kvHeads * headSize }
        /// The kv head query head `h` reads.
        func kvHead(of h: Int) -> Int { h / (heads / kvHeads) }
    }

    // MARK: - Forward

    /// `att = softmax_causal(q·kᵀ · scale)`, `out = att · v`, per batch row and query head.
    /// - Parameters:
    ///   - out: (B, T, NH·HS) — padding rows set to zero
    ///   - att: (B, NH, T, T) — saved: the probabilities (zero above the diagonal and on padding)
    ///   - q: (B, T, NH·HS) — after RoPE
    ///   - k: (B, T, KVH·HS) — after RoPE
    ///   - v: (B, T, KVH·HS)
    ///   - lengths: (B) — real positions of each batch row
    public static func forward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                               q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                               lengths: [Int], shape: Shape) {
        let t = shape.length, hs = shape.headSize, qw = shape.queryWidth, kw = shape.kvWidth
        out.update(repeating: 0, count: shape.batch * t * qw)
        att.update(repeating: 0, count: shape.batch * shape.heads * t * t)
        for b in 0..<shape.batch {
            let n = lengths[b]  // real rows; the rest is padding
            guard n > 0 else { continue }
            for h in 0..<shape.heads {
                let kvh = shape.kvHead(of: h)
                let a = att + (b * shape.heads + h) * t * t                         // (T, T), row stride T
                let qh = q + b * t * qw + h * hs                                   // (n, HS), stride NH·HS
                let kh = k + b * t * kw + kvh * hs                                 // (n, HS), stride KVH·HS
                let vh = v + b * t * kw + kvh * hs
                // preatt = q·kᵀ · scale — the full (n, n) block; the causal mask is applied below
                BLAS.sgemm(transA: false, transB: true, m: n, n: n, k: hs, alpha: shape.scale,
                           a: qh, lda: qw, b: kh, ldb: kw, beta: 0, c: a, ldc: t)
                for i in 0..<n { softmaxCausalRow(a + i * t, visible: i + 1, width: n) }
                // out = att · v
                BLAS.sgemm(transA: false, transB: false, m: n, n: hs, k: n, alpha: 1,
                           a: a, lda: t, b: vh, ldb: kw, beta: 0, c: out + b * t * qw + h * hs, ldc: qw)
            }
        }
    }

    // MARK: - Backward

    /// Forward was `P = softmax_causal(S)`, `S = q·kᵀ·scale`, `out = P·v`; so
    /// `dP = dout·vᵀ`, `dv += Pᵀ·dout`, `dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik)`,
    /// `dq += dS·k·scale`, `dk += dSᵀ·q·scale` (kv heads sum over the query heads sharing them).
    /// - Parameters:
    ///   - dq: (B, T, NH·HS) — accumulated into
    ///   - dk: (B, T, KVH·HS) — accumulated into
    ///   - dv: (B, T, KVH·HS) — accumulated into
    ///   - dAtt: (T, T) — scratch
    ///   - dOut: (B, T, NH·HS)
    ///   - att, q, k, v, lengths: as saved by the forward
    public static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                dv: UnsafeMutablePointer<Float>, dAtt: UnsafeMutablePointer<Float>,
                                dOut: UnsafePointer<Float>, att: UnsafePointer<Float>,
                                q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                lengths: [Int], shape: Shape) {
        let t = shape.length, hs = shape.headSize, qw = shape.queryWidth, kw = shape.kvWidth
        for b in 0..<shape.batch {
            let n = lengths[b]
            guard n > 0 else { continue }
            for h in 0..<shape.heads {
                let kvh = shape.kvHead(of: h)
                let a = att + (b * shape.heads + h) * t * t
                let qOff = b * t * qw + h * hs, kvOff = b * t * kw + kvh * hs
                // dP = dout · vᵀ   (n, n)
                BLAS.sgemm(transA: false, transB: true, m: n, n: n, k: hs, alpha: 1,
                           a: dOut + qOff, lda: qw, b: v + kvOff, ldb: kw, beta: 0, c: dAtt, ldc: t)
                // dv += Pᵀ · dout
                BLAS.sgemm(transA: true, transB: false, m: n, n: hs, k: n, alpha: 1,
                           a: a, lda: t, b: dOut + qOff, ldb: qw, beta: 1, c: dv + kvOff, ldc: kw)
                // dS = P ∘ (dP − rowsum(P ∘ dP)), in place over dAtt; zero above the diagonal
                for i in 0..<n {
                    let p = a + i * t, d = dAtt + i * t
                    // Σ_k P_ik dP_ik in Double: its terms have mixed signs and cancel
                    var sum = 0.0
                    for j in 0...i { sum += Double(p[j] * d[j]) }
                    let dot = Float(sum)
                    for j in 0...i { d[j] = p[j] * (d[j] - dot) }
                    for j in (i + 1)..<n { d[j] = 0 }
                }
                // dq += dS · k · scale;  dk += dSᵀ · q · scale
                BLAS.sgemm(transA: false, transB: false, m: n, n: hs, k: n, alpha: shape.scale,
                           a: dAtt, lda: t, b: k + kvOff, ldb: kw, beta: 1, c: dq + qOff, ldc: qw)
                BLAS.sgemm(transA: true, transB: false, m: n, n: hs, k: n, alpha: shape.scale,
                           a: dAtt, lda: t, b: q + qOff, ldb: qw, beta: 1, c: dk + kvOff, ldc: kw)
            }
        }
    }

    // MARK: - Kernel

    /// Softmax over the first `visible` entries of a row in place; entries `visible..<width` become 0.
    @inline(__always)
    static func softmaxCausalRow(_ row: UnsafeMutablePointer<Float>, visible: Int, width: Int) {
        var maxValue = -Float.infinity
        for j in 0..<visible { maxValue = max(maxValue, row[j]) }
        var sum = 0.0  // Double: a short row, but the sum scales every probability
        for j in 0..<visible {
            let e = expf(row[j] - maxValue)
            row[j] = e
            sum += Double(e)
        }
        let inverse = Float(1 / sum)
        for j in 0..<visible { row[j] *= inverse }
        for j in visible..<width { row[j] = 0 }
    }
}
