import Foundation
import Numerics

// Dimension letters: N = query rows (virtual tokens), V = vocabulary, C = model width.

/// One vocabulary token near a vector, with their cosine similarity.
public struct Neighbour: Sendable, Equatable {
    /// The token id.
    public let id: Int32
    /// cos(query, embedding[id]).
    public let cosine: Float

    /// A neighbour.
    public init(id: Int32, cosine: Float) {
        self.id = id
        self.cosine = cosine
    }
}

/// The embedding table with each row's L2 norm computed once, so that cosine queries for N
/// vectors against all V tokens cost one (N, C) · (C, V) matrix product plus a division.
///
/// Immutable after `init`; a session keeps one per loaded model (the norms take one pass over the
/// table, about 28 M multiply-adds for SmolLM2, worth doing once rather than per command).
public final class EmbeddingIndex: Sendable {
    /// table: (V, C) row-major, the model's token embeddings (shared, not copied: arrays are CoW).
    public let table: [Float]
    /// V.
    public let vocab: Int
    /// C.
    public let width: Int
    /// norms: (V) the L2 norm of each row, summed in Double.
    public let norms: [Float]
    /// Tokens never offered as neighbours (control tokens such as `<|im_start|>`); their cosine
    /// is still computed, they are skipped when ranking.
    public let excluded: Set<Int32>

    /// Indexes a validated table; `excluded` ids are left out of neighbour lists and ranks.
    public init(table: EmbeddingTable, excluded: Set<Int32> = []) {
        self.table = table.values
        self.vocab = table.vocab
        self.width = table.width
        self.excluded = excluded
        let c = table.width
        // norms: (V)
        self.norms = table.values.withUnsafeBufferPointer { t in
            (0..<table.vocab).map { v in
                var sum = 0.0
                let row = t.baseAddress! + v * c
                for j in 0..<c { sum += Double(row[j]) * Double(row[j]) }
                return Float(sum.squareRoot())
            }
        }
    }

    // MARK: - Cosines

    /// Cosine similarity of every query row with every vocabulary row, as one matrix product
    /// `S = Q · Eᵀ` followed by division by both norms. A zero row (query or table) has cosine 0.
    /// queries: (N, C); returns (N, V).
    public func cosines(_ queries: [Float], rows n: Int) throws(InspectionError) -> [Float] {
        guard n >= 0, queries.count == n * width else {
            throw .shape(what: "query rows", expected: n * width, found: queries.count)
        }
        let v = vocab, c = width
        // similarities: (N, V)
        var similarities = [Float](repeating: 0, count: n * v)
        queries.withUnsafeBufferPointer { q in
            table.withUnsafeBufferPointer { e in
                similarities.withUnsafeMutableBufferPointer { s in
                    BLAS.sgemm(transA: false, transB: true, m: n, n: v, k: c, alpha: 1,
                               a: q.baseAddress!, lda: c, b: e.baseAddress!, ldb: c,
                               beta: 0, c: s.baseAddress!, ldc: v)
                }
            }
        }
        similarities.withUnsafeMutableBufferPointer { s in
            norms.withUnsafeBufferPointer { tableNorms in
                for r in 0..<n {
                    let queryNorm = Self.norm(queries[(r * c) ..< ((r + 1) * c)])
                    let row = s.baseAddress! + r * v
                    for k in 0..<v {
                        let denominator = queryNorm * tableNorms[k]
                        row[k] = denominator > 0 ? row[k] / denominator : 0
                    }
                }
            }
        }
        return similarities
    }

    /// The `k` most similar tokens of each query row, best first (ties to the lower id).
    /// queries: (N, C).
    public func nearest(_ queries: [Float], rows n: Int, k: Int) throws(InspectionError) -> [[Neighbour]] {
        let similarities = try cosines(queries, rows: n)
        return similarities.withUnsafeBufferPointer { s in
            (0..<n).map { r in top(k, of: UnsafeBufferPointer(rebasing: s[(r * vocab) ..< ((r + 1) * vocab)])) }
        }
    }

    /// The `k` best of one similarity row (V), skipping excluded tokens.
    public func top(_ k: Int, of row: UnsafeBufferPointer<Float>) -> [Neighbour] {
        guard k > 0 else { return [] }
        var best: [Neighbour] = []
        best.reserveCapacity(k + 1)
        for (i, value) in row.enumerated() {
            if best.count == k, let last = best.last, value <= last.cosine { continue }
            if !excluded.isEmpty, excluded.contains(Int32(i)) { continue }
            let position = best.firstIndex { value > $0.cosine } ?? best.count
            best.insert(Neighbour(id: Int32(i), cosine: value), at: position)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// Where `id` ranks among the neighbours in a similarity row (V): 1 when it is the nearest,
    /// i.e. one plus the number of (non-excluded) tokens with a strictly higher cosine.
    public func rank(of id: Int32, in row: UnsafeBufferPointer<Float>) -> Int {
        let target = row[Int(id)]
        var above = 0
        for (i, value) in row.enumerated() where value > target && (excluded.isEmpty || !excluded.contains(Int32(i))) {
            above += 1
        }
        return above + 1
    }

    /// Row `id` of the table: (C).
    public func embedding(_ id: Int32) -> ArraySlice<Float> { table[(Int(id) * width) ..< ((Int(id) + 1) * width)] }

    /// The norm of a vector, summed in Double.
    static func norm(_ values: ArraySlice<Float>) -> Float {
        var sum = 0.0
        for value in values { sum += Double(value) * Double(value) }
        return Float(sum.squareRoot())
    }
}

/// Why an inspection could not be computed.
public enum InspectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A buffer of the wrong size.
    case shape(what: String, expected: Int, found: Int)
    /// Two vectors to compare have different shapes.
    case mismatch(current: Int, initial: Int)
    /// Too few points for the statistic.
    case tooFewPoints(needed: Int, found: Int)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .shape(what, expected, found): return "expected \(expected) values for the \(what), found \(found)"
        case let .mismatch(current, initial):
            return "expected the initial vector to have as many rows as the current one (\(current)), found \(initial)"
        case let .tooFewPoints(needed, found): return "expected at least \(needed) points, found \(found)"
        }
    }
}
