import Foundation
import Numerics
import PTuneTestSupport
import Testing

// NH = query heads, KVH = kv heads, HS = head size, P = positions, S = cache row stride.

/// The reference: per head, scores in Double, softmax in Double, weighted values in Double.
/// q: (NH, HS); keys, values: (P, S). Returns out (NH, HS).
private func naiveAttention(q: [Float], keys: [Float], values: [Float], heads: Int, group: Int, headSize: Int,
                            positions: Int, stride: Int, scale: Float) -> [Float] {
    var out = [Float](repeating: 0, count: heads * headSize)
    for h in 0..<heads {
        let g = h / group
        let scores = (0..<positions).map { j in
            (0..<headSize).reduce(0.0) { $0 + Double(q[h * headSize + $1]) * Double(keys[j * stride + g * headSize + $1]) } * Double(scale)
        }
        let maximum = scores.max()!
        let e = scores.map { Foundation.exp($0 - maximum) }
        let sum = e.reduce(0, +)
        for d in 0..<headSize {
            out[h * headSize + d] = Float((0..<positions).reduce(0.0) { $0 + e[$1] / sum * Double(values[$1 * stride + g * headSize + d]) })
        }
    }
    return out
}

@Suite("Kernels: single-row attention over a KV cache")
struct DecodeAttentionTests {
    @Test("matches a Double-precision reference, on every kernel path and thread count",
          arguments: [(1, 16), (5, 64), (300, 64)], KernelPath.available)
    func matchesReference(size: (Int, Int), path: KernelPath) {
        let (positions, headSize) = size
        let heads = 9, kvHeads = 3, stride = kvHeads * headSize + 8  // a padded row, as a cache may have
        var rng = SeededRNG(seed: UInt64(positions * 100 + headSize))
        let q = (0..<heads * headSize).map { _ in rng.nextFloat() * 2 - 1 }
        let keys = (0..<positions * stride).map { _ in rng.nextFloat() * 2 - 1 }
        let values = (0..<positions * stride).map { _ in rng.nextFloat() * 2 - 1 }
        let scale = 1 / Float(headSize).squareRoot()
        let expected = naiveAttention(q: q, keys: keys, values: values, heads: heads, group: heads / kvHeads,
                                      headSize: headSize, positions: positions, stride: stride, scale: scale)
        var results: [[Float]] = []
        for threads in [1, 2] {
            var out = [Float](repeating: .nan, count: heads * headSize)
            var scores = [Float](repeating: .nan, count: heads * positions)
            DecodeAttention.attend(q: q, keys: keys, values: values,
                                   shape: .init(heads: heads, group: heads / kvHeads, headSize: headSize,
                                                positions: positions, stride: stride),
                                   scale: scale, scores: &scores, out: &out, threads: threads, path: path)
            results.append(out)
        }
        let diffs = zip(results[0], expected).map { abs($0 - $1) }
        let worst = diffs.indices.max { diffs[$0] < diffs[$1] }!
        #expect(diffs[worst] < 1e-5, "\(path) P=\(positions): max diff \(diffs[worst]) at \(worst), first bad \(diffs.firstIndex { $0 >= 1e-5 } ?? -1)")
        let differing = results[0].indices.filter { results[0][$0] != results[1][$0] }
        #expect(differing.isEmpty, "\(path): \(differing.count) outputs differ between 1 and 2 threads, first at \(differing.first ?? -1)")
    }
}
