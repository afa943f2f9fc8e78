import Foundation
import Numerics

// Dimension letters: N = virtual tokens, S = sampled vocabulary tokens, C = model width.

/// A 2-D picture of the prompt vector among the words: a sample of vocabulary embeddings, the
/// plane of their two principal components, and each virtual token's initial position, path and
/// current position projected onto that plane.
///
/// The plane is fitted to the words and the prompt rows together, the two sets given equal weight.
/// Fitted to the words alone it would hide what the map is for: a random row is far from every
/// word in many directions at once, yet its shadow on the words' own top-2 plane falls inside the
/// cloud. With equal weight, rows that leave the word cloud pull an axis toward themselves and land
/// away from it. The price: the axes lean toward the prompt rows, so even rows that are words (text
/// init) sit on the cloud's rim rather than inside it. `nearestWordCosine` answers "is this row a
/// word?" without any projection.
public struct EmbeddingMap: Sendable {
    /// One projected vocabulary token.
    public struct Word: Sendable, Equatable {
        /// Token id.
        public let id: Int32
        /// Coordinates on the plane.
        public let x: Double, y: Double
    }

    /// One virtual token's journey on the plane.
    public struct Track: Sendable, Equatable {
        /// Row of the prompt vector.
        public let index: Int
        /// Positions from the initial vector to the current one, in step order (at least one).
        public let path: [(x: Double, y: Double)]
        /// ‖row‖ now.
        public let norm: Double
        /// Cosine to the nearest vocabulary token now.
        public let nearestWordCosine: Float
        /// That token.
        public let nearestWord: Int32

        /// Where it started.
        public var start: (x: Double, y: Double) { path[0] }
        /// Where it is now.
        public var end: (x: Double, y: Double) { path[path.count - 1] }

        public static func == (a: Track, b: Track) -> Bool {
            a.index == b.index && a.norm == b.norm && a.nearestWord == b.nearestWord && a.nearestWordCosine == b.nearestWordCosine
                && a.path.count == b.path.count && zip(a.path, b.path).allSatisfy { $0.x == $1.x && $0.y == $1.y }
        }
    }

    /// The sampled words on the plane.
    public let words: [Word]
    /// One track per virtual token.
    public let tracks: [Track]
    /// The fitted plane.
    public let components: PrincipalComponents
    /// The median norm of the sampled words' embeddings (to compare virtual-token norms with).
    public let medianWordNorm: Double

    /// Builds the map.
    /// - Parameters:
    ///   - sample: the vocabulary tokens to draw (ids into `index`).
    ///   - history: the prompt rows at successive moments, oldest first (at least one); each (N, C).
    ///     The first is the starting point of every track, the last its current position.
    ///   - seed: for the principal-component iteration.
    public static func build(index: EmbeddingIndex, sample: [Int32], history: [[Float]], rows n: Int,
                             seed: UInt64) throws(InspectionError) -> EmbeddingMap {
        guard !history.isEmpty else { throw .tooFewPoints(needed: 1, found: 0) }
        let c = index.width
        for moment in history where moment.count != n * c {
            throw .shape(what: "prompt rows", expected: n * c, found: moment.count)
        }
        // wordRows: (S, C)
        var wordRows: [Float] = []
        wordRows.reserveCapacity(sample.count * c)
        for id in sample { wordRows.append(contentsOf: index.embedding(id)) }
        // fitted: (S + moments·N, C); the words share weight 1, the prompt rows (every moment) weight 1.
        let rowCount = history.count * n
        let fitted = wordRows + history.joined()
        let weights = [Double](repeating: 1 / Double(max(sample.count, 1)), count: sample.count)
            + [Double](repeating: 1 / Double(max(rowCount, 1)), count: rowCount)
        let pca = try PrincipalComponents.fit(fitted, count: sample.count + rowCount, width: c,
                                              weights: sample.isEmpty || rowCount == 0 ? nil : weights, components: 2, seed: seed)
        let wordPoints = try pca.project(wordRows, count: sample.count)
        let words = zip(sample, wordPoints).map { Word(id: $0, x: $1[0], y: $1[1]) }

        // Each moment projected: history.count × N points.
        var positions: [[[Double]]] = []
        for moment in history { positions.append(try pca.project(moment, count: n)) }
        let current = history[history.count - 1]
        let nearest = try index.nearest(current, rows: n, k: 1)
        let tracks = (0..<n).map { r in
            Track(index: r, path: positions.map { (x: $0[r][0], y: $0[r][1]) },
                  norm: VectorMath.norm(current[(r * c) ..< ((r + 1) * c)]),
                  nearestWordCosine: nearest[r].first?.cosine ?? 0, nearestWord: nearest[r].first?.id ?? 0)
        }
        let norms = sample.map { Double(index.norms[Int($0)]) }.sorted()
        let median = norms.isEmpty ? 0 : norms[norms.count / 2]
        return EmbeddingMap(words: words, tracks: tracks, components: pca, medianWordNorm: median)
    }

    /// `count` distinct ids drawn (seeded) from the `poolSize` lowest-id tokens not in `excluded`,
    /// sorted. Low ids stand in for frequent tokens, as in `PromptInitialization.vocabulary`.
    public static func sampleVocabulary(count: Int, vocab: Int, excluded: Set<Int32>,
                                        poolSize: Int = PromptInitialization.vocabularyPoolSize, seed: UInt64) -> [Int32] {
        var pool: [Int32] = []
        var id: Int32 = 0
        while pool.count < poolSize, Int(id) < vocab {
            if !excluded.contains(id) { pool.append(id) }
            id += 1
        }
        var rng = SeededRNG(seed: seed)
        let take = min(count, pool.count)
        for k in 0..<take { pool.swapAt(k, k + rng.nextInt(below: pool.count - k)) }  // partial Fisher–Yates
        return pool.prefix(take).sorted()
    }
}
