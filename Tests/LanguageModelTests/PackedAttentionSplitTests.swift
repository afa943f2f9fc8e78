import Foundation
import LanguageModel
import Numerics
import Testing

// The packed attention spreads its (group, head) blocks over threads; the forward's blocks write
// disjoint memory and the backward sums the shared rows' terms in group order after the blocks,
// so any thread count must give the same bits. Checked here with counts 1, 2 and 5 on a shared
// prefix with groups of different lengths and 3 query heads per kv head.

@Suite("Packed attention: the same bits for any thread split")
struct PackedAttentionSplitTests {
    let shape = Attention.Shape(batch: 1, length: 0, heads: 6, kvHeads: 2, headSize: 8)
    let sequences = PackedSequences.sharedPrefix(3, lengths: [8, 5, 10, 3])

    struct Run: Equatable { var out, att, dq, dk, dv: [Float] }

    func run(threads: Int) -> Run {
        var rng = SeededRNG(seed: 31)
        let m = sequences.rows, qw = shape.heads * shape.headSize, kw = shape.kvHeads * shape.headSize
        let q = randomTensor(m * qw, rng: &rng), k = randomTensor(m * kw, rng: &rng)
        let v = randomTensor(m * kw, rng: &rng), dOut = randomTensor(m * qw, rng: &rng)
        var out = [Float](repeating: .nan, count: m * qw)
        var att = [Float](repeating: .nan, count: sequences.attentionFloats(heads: shape.heads))
        var dAtt = [Float](repeating: .nan, count: sequences.largestScoreCount)
        var dq = [Float](repeating: 0, count: m * qw), dk = [Float](repeating: 0, count: m * kw), dv = dk
        Attention.forwardPacked(out: &out, att: &att, q: q, k: k, v: v, sequences: sequences, shape: shape, threads: threads)
        Attention.backwardPacked(dq: &dq, dk: &dk, dv: &dv, dAtt: &dAtt, dOut: dOut, att: att, q: q, k: k, v: v,
                                 sequences: sequences, shape: shape, threads: threads)
        return Run(out: out, att: att, dq: dq, dk: dk, dv: dv)
    }

    func firstBitDifference(_ a: [Float], _ b: [Float]) -> Int? {
        a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    @Test func anyThreadCountGivesTheSameBits() {
        let one = run(threads: 1)
        #expect(one.dk.contains { $0 != 0 } && one.dv.contains { $0 != 0 } && one.dq.contains { $0 != 0 })
        #expect(!one.out.contains { $0.isNaN }, "every output row was written")
        for threads in [2, 5] {
            let other = run(threads: threads)
            for (name, a, b) in [("out", other.out, one.out), ("att", other.att, one.att), ("dq", other.dq, one.dq),
                                 ("dk", other.dk, one.dk), ("dv", other.dv, one.dv)] {
                let bad = firstBitDifference(a, b)
                #expect(bad == nil, "\(name) with \(threads) threads: \(compare(a, b, absolute: 0)); first differing index \(bad ?? -1)")
            }
        }
    }
}
