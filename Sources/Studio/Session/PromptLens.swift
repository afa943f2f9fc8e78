// Dimension letters: N = virtual tokens, C = model width, V = vocabulary.
import Foundation
import Numerics
import PromptTuning

/// One vocabulary neighbour of a virtual token.
public struct WordNeighbour: Sendable, Equatable {
    /// The vocabulary token id.
    public var id: Int32
    /// Cosine similarity between the virtual token and the token's embedding.
    public var cosine: Float

    /// Creates a neighbour.
    public init(id: Int32, cosine: Float) {
        self.id = id
        self.cosine = cosine
    }
}

/// What the live lens and `diff` need from the inspection computations: each virtual token's
/// nearest vocabulary tokens by cosine. Kept behind a protocol so the lens does not care whether
/// the numbers come from PromptTuning's Inspection module or from `CosineNeighbours` below.
protocol NeighbourLens {
    /// Per row of `values` (N, C): the `k` vocabulary tokens with the highest cosine, best first.
    func nearest(_ values: [Float], rows: Int, k: Int) -> [[WordNeighbour]]
}

/// Cosine neighbours over the model's embedding table: all N×V dot products in one matrix product
/// (`S = P · Eᵀ`), divided by the row and vocabulary norms, then a top-k per row.
struct CosineNeighbours: NeighbourLens {
    /// table: (V, C) the token embeddings.
    let table: [Float]
    let vocab: Int
    let width: Int
    /// inverseNorms: (V) 1 / ‖E_v‖ (0 for an all-zero row, so it never ranks).
    let inverseNorms: [Float]

    init(table: [Float], vocab: Int, width: Int) {
        precondition(table.count == vocab * width, "embedding table: (V, C)")
        self.table = table
        self.vocab = vocab
        self.width = width
        var inverse = [Float](repeating: 0, count: vocab)
        table.withUnsafeBufferPointer { e in
            for v in 0..<vocab {
                var sum: Float = 0
                for c in 0..<width { let x = e[v * width + c]; sum += x * x }
                inverse[v] = sum > 0 ? 1 / sum.squareRoot() : 0
            }
        }
        inverseNorms = inverse
    }

    func nearest(_ values: [Float], rows n: Int, k: Int) -> [[WordNeighbour]] {
        precondition(values.count == n * width, "prompt: (N, C)")
        guard n > 0 else { return [] }
        // scores: (N, V) = P (N, C) · Eᵀ
        var scores = [Float](repeating: 0, count: n * vocab)
        values.withUnsafeBufferPointer { p in
            table.withUnsafeBufferPointer { e in
                scores.withUnsafeMutableBufferPointer { s in
                    BLAS.sgemm(transA: false, transB: true, m: n, n: vocab, k: width, alpha: 1,
                               a: p.baseAddress!, lda: width, b: e.baseAddress!, ldb: width,
                               beta: 0, c: s.baseAddress!, ldc: vocab)
                }
            }
        }
        let count = min(k, vocab)
        return (0..<n).map { row in
            var norm: Float = 0
            for c in 0..<width { let x = values[row * width + c]; norm += x * x }
            let inverseRow: Float = norm > 0 ? 1 / norm.squareRoot() : 0
            var best: [WordNeighbour] = []
            best.reserveCapacity(count + 1)
            scores.withUnsafeBufferPointer { s in
                for v in 0..<vocab {
                    let cosine = s[row * vocab + v] * inverseRow * inverseNorms[v]
                    if best.count == count, let last = best.last, cosine <= last.cosine { continue }
                    let at = best.firstIndex { cosine > $0.cosine } ?? best.count
                    best.insert(WordNeighbour(id: Int32(v), cosine: cosine), at: at)
                    if best.count > count { best.removeLast() }
                }
            }
            return best
        }
    }
}

extension LoadedModel {
    /// The neighbour finder the lens and `diff` use for this model.
    func neighbourLens() -> any NeighbourLens {
        CosineNeighbours(table: weights.tokenEmbedding, vocab: config.vocab, width: config.width)
    }
}
