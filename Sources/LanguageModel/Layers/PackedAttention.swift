import Foundation
import Numerics

// M = packed rows, NH = query heads, KVH = kv heads, HS = head size. For one group:
// T = its rows, P = its shared context rows (0..<P of the packed matrix), W = P + T.

/// Causal grouped-query attention over a packed batch (`PackedSequences`): each group's queries
/// see the shared rows `0..<P` and then their own rows causally. The scores of one (group, head)
/// are a `(T, W)` block whose first P columns come from the shared keys and the rest from the
/// group's own keys, so two GEMMs fill it and two GEMMs read it; no row is padding. With every
/// group's P = 0 this is `Attention.forward` on unpadded rows.
///
/// These GEMMs are too small for BLAS to thread (it runs them on the calling thread), so the
/// (group, head) blocks are spread over the threads instead (`RowSplit.items`): each block is
/// computed whole by one thread in a fixed order, so the result does not depend on the split.
extension Attention {
    // MARK: - Forward

    /// `att = softmax_causal(q·kᵀ · scale)`, `out = att · v`, per group and query head.
    /// - Parameters:
    ///   - out: (M, NH·HS) — overwritten
    ///   - att: NH · Σ T×W floats — saved probabilities, group by group, head by head, each (T, W)
    ///   - q: (M, NH·HS) — after RoPE
    ///   - k: (M, KVH·HS) — after RoPE
    ///   - v: (M, KVH·HS)
    ///   - shape: heads and head size (its batch and length are not read)
    ///   - threads: threads the blocks are spread over (the result is the same for any count)
    public static func forwardPacked(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                                     q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                     sequences: PackedSequences, shape: Shape, threads: Int = ThreadCount.current) {
        let groups = sequences.groups
        // one item per (group, head): its (T, W) block of att and its head's columns of out
        RowSplit.items(groups.count * shape.heads, threads: threads, cost: { groups[$0 / shape.heads].scoreCount }) { item, _ in
            let g = item / shape.heads, h = item % shape.heads
            guard groups[g].count > 0 else { return }
            forwardBlock(out: out, att: att + sequences.attentionOffset(group: g, heads: shape.heads),
                         q: q, k: k, v: v, group: groups[g], head: h, shape: shape)
        }
    }

    /// One (group, head) of `forwardPacked`; `att` points at the group's NH blocks.
    @inline(__always)
    private static func forwardBlock(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                                     q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                     group: PackedSequences.Group, head h: Int, shape: Shape) {
        let hs = shape.headSize, qw = shape.queryWidth, kw = shape.kvWidth
        let t = group.count, p = group.context, w = p + t, s = group.start
        let kvh = shape.kvHead(of: h)
        let a = att + h * t * w                                   // (T, W)
        let qh = q + s * qw + h * hs                              // (T, HS), stride NH·HS
        let oh = out + s * qw + h * hs
        // scores = q·kᵀ · scale: shared keys into columns 0..<P, own keys into P..<W
        if p > 0 {
            BLAS.sgemm(transA: false, transB: true, m: t, n: p, k: hs, alpha: shape.scale,
                       a: qh, lda: qw, b: k + kvh * hs, ldb: kw, beta: 0, c: a, ldc: w)
        }
        BLAS.sgemm(transA: false, transB: true, m: t, n: t, k: hs, alpha: shape.scale,
                   a: qh, lda: qw, b: k + s * kw + kvh * hs, ldb: kw, beta: 0, c: a + p, ldc: w)
        for i in 0..<t { softmaxCausalRow(a + i * w, visible: p + i + 1, width: w) }
        // out = att · v over the shared rows, then plus over the own rows
        if p > 0 {
            BLAS.sgemm(transA: false, transB: false, m: t, n: hs, k: p, alpha: 1,
                       a: a, lda: w, b: v + kvh * hs, ldb: kw, beta: 0, c: oh, ldc: qw)
        }
        BLAS.sgemm(transA: false, transB: false, m: t, n: hs, k: t, alpha: 1,
                   a: a + p, lda: w, b: v + s * kw + kvh * hs, ldb: kw, beta: p > 0 ? 1 : 0, c: oh, ldc: qw)
    }

    // MARK: - Backward

    /// The backward of `forwardPacked`: as `Attention.backward`, with the shared columns' terms
    /// going to the shared rows' `dk`/`dv` — summed over every group that reads them, in group order.
    ///
    /// One item per (group, kv head) runs the query heads of that kv head in order: items write
    /// disjoint columns of `dq` and disjoint rows × columns of `dk`/`dv`, except the shared rows,
    /// which every group reads. Those terms go to a per-group scratch first and are added to the
    /// shared rows after all items, group by group, so the sum has one order whatever the split.
    /// - Parameters:
    ///   - dq: (M, NH·HS) — accumulated into
    ///   - dk: (M, KVH·HS) — accumulated into
    ///   - dv: (M, KVH·HS) — accumulated into
    ///   - dAtt: the largest T×W of the groups — scratch (one per thread is allocated here beyond it)
    ///   - dOut: (M, NH·HS)
    ///   - att, q, k, v: as saved by the forward
    ///   - threads: threads the blocks are spread over (the result is the same for any count)
    public static func backwardPacked(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                      dv: UnsafeMutablePointer<Float>, dAtt: UnsafeMutablePointer<Float>,
                                      dOut: UnsafePointer<Float>, att: UnsafePointer<Float>,
                                      q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                      sequences: PackedSequences, shape: Shape, threads: Int = ThreadCount.current) {
        let groups = sequences.groups, kw = shape.kvWidth
        let shared = groups.map(\.context).max() ?? 0                    // P
        let parts = max(1, min(threads, groups.count * shape.kvHeads))
        let scoreCount = sequences.largestScoreCount
        // dk, dv of the shared rows per group: (G, P, KVH·HS) each; a score scratch per extra thread
        let sharedTerms = UnsafeMutablePointer<Float>.allocate(capacity: max(1, 2 * groups.count * shared * kw))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, (parts - 1) * scoreCount))
        defer { sharedTerms.deallocate(); scratch.deallocate() }
        sharedTerms.initialize(repeating: 0, count: max(1, 2 * groups.count * shared * kw))
        RowSplit.items(groups.count * shape.kvHeads, threads: parts, cost: { groups[$0 / shape.kvHeads].scoreCount }) { item, part in
            let g = item / shape.kvHeads, kvh = item % shape.kvHeads
            let group = groups[g]
            guard group.count > 0 else { return }
            let dkShared = sharedTerms + 2 * g * shared * kw, dvShared = dkShared + shared * kw
            let groupAtt = att + sequences.attentionOffset(group: g, heads: shape.heads)
            let perHead = shape.heads / shape.kvHeads
            for h in (kvh * perHead)..<((kvh + 1) * perHead) {
                backwardBlock(dq: dq, dk: dk, dv: dv, dkShared: dkShared, dvShared: dvShared,
                              dAtt: part == 0 ? dAtt : scratch + (part - 1) * scoreCount, dOut: dOut,
                              att: groupAtt, q: q, k: k, v: v, group: group, head: h, shape: shape)
            }
        }
        // the shared rows' terms, group by group
        for g in groups.indices where groups[g].context > 0 && groups[g].count > 0 {
            let count = groups[g].context * kw
            let dkShared = sharedTerms + 2 * g * shared * kw, dvShared = dkShared + shared * kw
            for i in 0..<count {
                dk[i] += dkShared[i]
                dv[i] += dvShared[i]
            }
        }
    }

    /// One (group, head) of `backwardPacked`: the shared rows' `dk`/`dv` terms go to `dkShared`/
    /// `dvShared` ((P, KVH·HS) each), the rest straight to `dq`, `dk`, `dv`.
    @inline(__always)
    private static func backwardBlock(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                                      dv: UnsafeMutablePointer<Float>, dkShared: UnsafeMutablePointer<Float>,
                                      dvShared: UnsafeMutablePointer<Float>, dAtt: UnsafeMutablePointer<Float>,
                                      dOut: UnsafePointer<Float>, att: UnsafePointer<Float>,
                                      q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                      group: PackedSequences.Group, head h: Int, shape: Shape) {
        let hs = shape.headSize, qw = shape.queryWidth, kw = shape.kvWidth
        let t = group.count, p = group.context, w = p + t, s = group.start
        let kvh = shape.kvHead(of: h)
        let a = att + h * t * w                                   // (T, W)
        let qOff = s * qw + h * hs, ownKV = s * kw + kvh * hs, sharedKV = kvh * hs
        // dP = dout · vᵀ   (T, W)
        if p > 0 {
            BLAS.sgemm(transA: false, transB: true, m: t, n: p, k: hs, alpha: 1,
                       a: dOut + qOff, lda: qw, b: v + sharedKV, ldb: kw, beta: 0, c: dAtt, ldc: w)
            // dv_shared += P[:, :P]ᵀ · dout
            BLAS.sgemm(transA: true, transB: false, m: p, n: hs, k: t, alpha: 1,
                       a: a, lda: w, b: dOut + qOff, ldb: qw, beta: 1, c: dvShared + sharedKV, ldc: kw)
        }
        BLAS.sgemm(transA: false, transB: true, m: t, n: t, k: hs, alpha: 1,
                   a: dOut + qOff, lda: qw, b: v + ownKV, ldb: kw, beta: 0, c: dAtt + p, ldc: w)
        // dv_own += P[:, P:]ᵀ · dout
        BLAS.sgemm(transA: true, transB: false, m: t, n: hs, k: t, alpha: 1,
                   a: a + p, lda: w, b: dOut + qOff, ldb: qw, beta: 1, c: dv + ownKV, ldc: kw)
        // dS = P ∘ (dP − rowsum(P ∘ dP)), in place over dAtt; zero past the causal edge
        for i in 0..<t {
            let row = a + i * w, d = dAtt + i * w, visible = p + i + 1
            var sum = 0.0  // Double: mixed signs that cancel, as in `backward`
            for j in 0..<visible { sum += Double(row[j] * d[j]) }
            let dot = Float(sum)
            for j in 0..<visible { d[j] = row[j] * (d[j] - dot) }
            for j in visible..<w { d[j] = 0 }
        }
        // dq += dS · k · scale;  dk += dSᵀ · q · scale — shared columns, then own
        if p > 0 {
            BLAS.sgemm(transA: false, transB: false, m: t, n: hs, k: p, alpha: shape.scale,
                       a: dAtt, lda: w, b: k + sharedKV, ldb: kw, beta: 1, c: dq + qOff, ldc: qw)
            BLAS.sgemm(transA: true, transB: false, m: p, n: hs, k: t, alpha: shape.scale,
                       a: dAtt, lda: w, b: q + qOff, ldb: qw, beta: 1, c: dkShared + sharedKV, ldc: kw)
        }
        BLAS.sgemm(transA: false, transB: false, m: t, n: hs, k: t, alpha: shape.scale,
                   a: dAtt + p, lda: w, b: k + ownKV, ldb: kw, beta: 1, c: dq + qOff, ldc: qw)
        BLAS.sgemm(transA: true, transB: false, m: t, n: hs, k: t, alpha: shape.scale,
                   a: dAtt + p, lda: w, b: q + qOff, ldb: qw, beta: 1, c: dk + ownKV, ldc: kw)
    }
}
