import Foundation

// Dimension letters: N = virtual tokens, V = vocabulary, C = model width.

/// How far one virtual token has moved from where `init` put it.
public struct TokenDrift: Sendable, Equatable {
    /// Row of the prompt vector.
    public let index: Int
    /// ‖p‖ now.
    public let norm: Double
    /// ‖p₀‖ at init.
    public let initialNorm: Double
    /// ‖p − p₀‖.
    public let distance: Double
    /// cos(p, p₀); 0 when either is the zero vector.
    public let cosine: Double
    /// The token the row was copied from (nil for random init).
    public let initToken: Int32?
    /// Rank of `initToken` among the row's vocabulary neighbours now (1 = still the nearest).
    public let initRank: Int?
    /// cos(p, embedding[initToken]).
    public let initCosine: Float?
    /// The nearest vocabulary token now.
    public let nearest: Neighbour
}

/// Drift of a prompt vector from its initial value (Lester et al. §7 ask whether the class
/// labels a prompt starts from stay its nearest neighbours; the rank answers that per row).
public enum Drift {
    /// One entry per row. `current` and `initial` must have the same shape; `index` must have the
    /// same width. The neighbour ranks come from one (N, V) cosine matrix.
    public static func measure(current: PromptVector, initial: PromptVector,
                               index: EmbeddingIndex) throws(InspectionError) -> [TokenDrift] {
        guard current.rows == initial.rows, current.width == initial.width else {
            throw .mismatch(current: current.rows, initial: initial.rows)
        }
        guard current.width == index.width else {
            throw .shape(what: "prompt rows (width \(index.width))", expected: current.rows * index.width, found: current.values.count)
        }
        let n = current.rows, v = index.vocab
        // similarities: (N, V)
        let similarities = try index.cosines(current.values, rows: n)
        let sources = current.sourceTokenIDs.count == n ? current.sourceTokenIDs : []
        return similarities.withUnsafeBufferPointer { s in
            (0..<n).map { r in
                let row = UnsafeBufferPointer(rebasing: s[(r * v) ..< ((r + 1) * v)])
                let now = current.row(r), before = initial.row(r)
                let source = sources.isEmpty ? nil : sources[r]
                let inRange = source.map { $0 >= 0 && Int($0) < v } ?? false
                return TokenDrift(
                    index: r, norm: VectorMath.norm(now), initialNorm: VectorMath.norm(before),
                    distance: VectorMath.distance(now, before), cosine: VectorMath.cosine(now, before),
                    initToken: source,
                    initRank: inRange ? index.rank(of: source!, in: row) : nil,
                    initCosine: inRange ? row[Int(source!)] : nil,
                    nearest: index.top(1, of: row).first ?? Neighbour(id: 0, cosine: 0))
            }
        }
    }
}

/// Norms, distances and cosines of float vectors, accumulated in Double.
public enum VectorMath {
    /// ‖a‖.
    public static func norm(_ a: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for x in a { sum += Double(x) * Double(x) }
        return sum.squareRoot()
    }

    /// ‖a − b‖ (a and b of equal length).
    public static func distance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        precondition(a.count == b.count, "distance of vectors of different lengths")
        var sum = 0.0
        for (x, y) in zip(a, b) {
            let d = Double(x) - Double(y)
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// cos(a, b); 0 when either is zero.
    public static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        precondition(a.count == b.count, "cosine of vectors of different lengths")
        var dot = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            aa += Double(x) * Double(x)
            bb += Double(y) * Double(y)
        }
        let denominator = (aa * bb).squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }
}
