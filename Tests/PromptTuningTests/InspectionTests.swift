import Foundation
import Numerics
import PTuneTestSupport
import Testing
@testable import PromptTuning

// Dimension letters: V = vocabulary, C = width, N = virtual tokens.

/// The numbers behind `nearest`, `drift` and `map`, checked against plain-loop computations.
@Suite("Inspection: nearest, drift, PCA, map")
struct InspectionTests {
    /// A seeded (V = 60, C = 12) table with values in [-1, 1), and row 7 set to zero.
    static func randomTable(vocab: Int = 60, width: Int = 12, seed: UInt64 = 11) throws -> EmbeddingTable {
        var rng = SeededRNG(seed: seed)
        var values = (0..<(vocab * width)).map { _ in rng.nextFloat() * 2 - 1 }
        for j in 0..<width { values[7 * width + j] = 0 }
        return try EmbeddingTable(values: values, vocab: vocab, width: width)
    }

    /// cos(a, b) with plain loops in Double.
    static func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var dot = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); aa += Double(x) * Double(x); bb += Double(y) * Double(y) }
        return aa > 0 && bb > 0 ? dot / (aa.squareRoot() * bb.squareRoot()) : 0
    }

    // MARK: - Cosine neighbours

    @Test("the (N, V) cosine matrix from one product equals cosines computed row by row")
    func cosineMatrix() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        var rng = SeededRNG(seed: 3)
        let queries = (0..<(4 * table.width)).map { _ in rng.nextFloat() - 0.5 }  // (4, C)
        let got = try index.cosines(queries, rows: 4)
        var expected: [Float] = []
        for r in 0..<4 {
            for v in 0..<table.vocab {
                expected.append(Float(Self.cosine(queries[(r * 12) ..< ((r + 1) * 12)], table.values[(v * 12) ..< ((v + 1) * 12)])))
            }
        }
        let comparison = TensorCompare.compare(got, expected, absTolerance: 2e-6)
        #expect(comparison.passed, "\(comparison)")
        #expect(got[0 * 60 + 7] == 0, "a zero row has cosine 0, not NaN")
    }

    @Test("a vector equal to a token's own embedding has that token first with cosine 1")
    func ownEmbeddingFirst() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        for id: Int32 in [0, 13, 59] {
            let query = Array(table.row(id))
            let neighbours = try #require(try index.nearest(query, rows: 1, k: 5).first)
            #expect(neighbours.count == 5)
            #expect(neighbours[0].id == id, "nearest of row \(id): \(neighbours)")
            #expect(abs(neighbours[0].cosine - 1) < 1e-6, "cosine \(neighbours[0].cosine)")
            #expect(zip(neighbours, neighbours.dropFirst()).allSatisfy { $0.cosine >= $1.cosine }, "best first")
            let row = try index.cosines(query, rows: 1)
            let best = row.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            #expect(neighbours.map { Int($0.id) } == best.prefix(5).map(\.offset), "same top 5 as a full sort")
            #expect(row.withUnsafeBufferPointer { index.rank(of: id, in: $0) } == 1)
        }
    }

    @Test("rank counts the tokens strictly closer; excluded tokens are skipped")
    func rankAndExclusion() throws {
        let table = try Self.randomTable()
        let plain = EmbeddingIndex(table: table)
        let query = Array(table.row(21))
        let row = try plain.cosines(query, rows: 1)
        let order = row.indices.sorted { row[$0] > row[$1] }
        let third = Int32(order[2])
        let expectedRank = row.filter { $0 > row[Int(third)] }.count + 1
        #expect(row.withUnsafeBufferPointer { plain.rank(of: third, in: $0) } == expectedRank)
        #expect(expectedRank == 3)

        let skipping = EmbeddingIndex(table: table, excluded: [21, Int32(order[1])])
        let neighbours = try skipping.nearest(query, rows: 1, k: 2)[0]
        #expect(neighbours.map(\.id) == [third, Int32(order[3])], "\(neighbours)")
        #expect(row.withUnsafeBufferPointer { skipping.rank(of: third, in: $0) } == 1)
    }

    @Test("row norms equal the table rows' L2 norms")
    func rowNorms() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        let expected = (0..<table.vocab).map { v in Float(Self.cosineNorm(table.values[(v * 12) ..< ((v + 1) * 12)])) }
        let comparison = TensorCompare.compare(index.norms, expected, absTolerance: 1e-6)
        #expect(comparison.passed, "\(comparison)")
    }

    static func cosineNorm(_ a: ArraySlice<Float>) -> Double { a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    // MARK: - Drift

    @Test("an unchanged vector has drift 0, cosine 1, and its init tokens rank first")
    func driftUnchanged() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        let (prompt, _) = try PromptInitialization.fromText("x", ids: [3, 30, 44], virtualTokens: 3, table: table)
        let report = try Drift.measure(current: prompt, initial: prompt, index: index)
        #expect(report.count == 3)
        for d in report {
            #expect(d.distance == 0)
            #expect(abs(d.cosine - 1) < 1e-12, "cosine \(d.cosine)")
            #expect(d.initRank == 1)
            #expect(d.nearest.id == d.initToken)
            #expect(abs(d.norm - d.initialNorm) == 0)
        }
    }

    @Test("a moved row reports the distance, cosine and norms a plain computation gives")
    func driftMoved() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        let (initial, _) = try PromptInitialization.fromText("x", ids: [5, 9], virtualTokens: 2, table: table)
        var moved = initial
        var rng = SeededRNG(seed: 8)
        for j in 12..<24 { moved.values[j] += rng.nextFloat() * 3 - 1.5 }  // row 1 only
        let report = try Drift.measure(current: moved, initial: initial, index: index)
        #expect(report[0].distance == 0)
        let now = moved.values[12 ..< 24], before = initial.values[12 ..< 24]
        let distance = zip(now, before).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
        #expect(abs(report[1].distance - distance) < 1e-9, "\(report[1].distance) vs \(distance)")
        #expect(abs(report[1].cosine - Self.cosine(now, before)) < 1e-9)
        #expect(abs(report[1].norm - Self.cosineNorm(now)) < 1e-9)
        let row = try index.cosines(Array(now), rows: 1)
        #expect(report[1].initRank == row.filter { $0 > row[9] }.count + 1)
        #expect(report[1].initCosine == row[9])
        #expect(throws: InspectionError.self) {
            try Drift.measure(current: moved, initial: PromptVector(rows: 1, width: 12, values: Array(repeating: 0, count: 12), initDescription: "x"), index: index)
        }
    }

    // MARK: - PCA

    @Test("PCA of points on a line finds the line, its variance, and coordinates along it")
    func pcaLine() throws {
        // d = (3, 4, 0, 0, 12) / 13; points m + t d for t in -4…5.
        let d: [Double] = [3 / 13, 4 / 13, 0, 0, 12 / 13]
        let m: [Double] = [1, -2, 0.5, 3, 0]
        let ts = (-4...5).map(Double.init)
        let points = ts.flatMap { t in (0..<5).map { Float(m[$0] + t * d[$0]) } }  // (10, 5)
        let pca = try PrincipalComponents.fit(points, count: ts.count, width: 5, components: 2, seed: 1)
        let meanT = ts.reduce(0, +) / Double(ts.count)
        let variance = ts.reduce(0) { $0 + ($1 - meanT) * ($1 - meanT) } / Double(ts.count - 1)
        let alignment = zip(pca.axes[0], d).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(alignment - 1) < 1e-5, "axis 1 along d (sign: largest coordinate positive): cos \(alignment)")
        #expect(abs(pca.variances[0] - variance) < 1e-4 * variance, "variance \(pca.variances[0]) vs \(variance)")
        #expect(pca.variances[1] < 1e-4, "nothing off the line: \(pca.variances[1])")
        #expect(abs(pca.explained[0] - 1) < 1e-4)
        let projected = try pca.project(points, count: ts.count)
        for (t, p) in zip(ts, projected) {
            #expect(abs(p[0] - (t - meanT)) < 1e-4, "t \(t): coordinate \(p[0])")
        }
    }

    @Test("PCA of a cloud with known covariance finds its eigenvectors in order")
    func pcaKnownCovariance() throws {
        // In a rotated basis (u, w, z) of R⁴: ±3u, ±1w, ±0.5z → covariance eigenvalues 6, 2/3, 1/6.
        let s = 1 / 2.0.squareRoot()
        let u: [Double] = [s, s, 0, 0], w: [Double] = [0, 0, s, -s], z: [Double] = [s, -s, 0, 0]
        var points: [Float] = []
        for (axis, scale) in [(u, 3.0), (w, 1.0), (z, 0.5)] {
            for sign in [1.0, -1.0] { points += axis.map { Float(sign * scale * $0 + 10) } }  // centred at (10, 10, 10, 10)
        }
        let pca = try PrincipalComponents.fit(points, count: 6, width: 4, components: 3, seed: 9)
        let expectedVariances = [18.0 / 5, 2.0 / 5, 0.5 / 5]  // Σ x² over two points / (6 − 1)
        for (got, want) in zip(pca.variances, expectedVariances) {
            #expect(abs(got - want) < 1e-5, "variance \(got) vs \(want)")
        }
        for (axis, want) in zip(pca.axes, [u, w, z]) {
            let c = abs(zip(axis, want).reduce(0) { $0 + $1.0 * $1.1 })
            #expect(abs(c - 1) < 1e-5, "|cos| \(c) between \(axis) and \(want)")
        }
        #expect(pca.mean.allSatisfy { abs($0 - 10) < 1e-6 })
        #expect(abs(pca.totalVariance - 4.1) < 1e-5)
        let again = try PrincipalComponents.fit(points, count: 6, width: 4, components: 3, seed: 9)
        #expect(again == pca, "same seed, same axes bit for bit")
    }

    @Test("a point of weight 2 counts as that point twice")
    func pcaWeights() throws {
        var rng = SeededRNG(seed: 21)
        let base = (0..<(7 * 5)).map { _ in rng.nextFloat() * 4 - 2 }  // (7, 5)
        let doubled = base + base[0 ..< 5]                               // row 0 twice: (8, 5)
        let weighted = try PrincipalComponents.fit(base, count: 7, width: 5, weights: [2, 1, 1, 1, 1, 1, 1], components: 2, seed: 3)
        let plain = try PrincipalComponents.fit(doubled, count: 8, width: 5, components: 2, seed: 3)
        for (a, b) in zip(weighted.axes, plain.axes) {
            let c = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(c - 1) < 1e-5, "same axis: cos \(c)")
        }
        // Σw = 8 against P − 1 = 7.
        for (a, b) in zip(weighted.variances, plain.variances) { #expect(abs(a * 8 / 7 - b) < 1e-4 * b, "\(a) vs \(b)") }
        let meanDifference = zip(weighted.mean, plain.mean).map { abs($0 - $1) }.max() ?? 1
        #expect(meanDifference < 1e-6)
        #expect(throws: InspectionError.self) { try PrincipalComponents.fit(base, count: 7, width: 5, weights: [1, 1]) }
    }

    // MARK: - Map

    @Test("the vocabulary sample is seeded, distinct, sorted and skips excluded ids")
    func vocabularySample() {
        let a = EmbeddingMap.sampleVocabulary(count: 30, vocab: 100, excluded: [0, 1, 2], poolSize: 50, seed: 4)
        let b = EmbeddingMap.sampleVocabulary(count: 30, vocab: 100, excluded: [0, 1, 2], poolSize: 50, seed: 4)
        let c = EmbeddingMap.sampleVocabulary(count: 30, vocab: 100, excluded: [0, 1, 2], poolSize: 50, seed: 5)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 30 && Set(a).count == 30 && a == a.sorted())
        #expect(a.allSatisfy { $0 >= 3 && $0 < 53 }, "drawn from the 50 lowest ordinary ids: \(a)")
        #expect(EmbeddingMap.sampleVocabulary(count: 500, vocab: 20, excluded: [], seed: 1).count == 20)
    }

    @Test("map tracks start at the initial rows' projection and end at the current rows'")
    func mapTracks() throws {
        let table = try Self.randomTable()
        let index = EmbeddingIndex(table: table)
        let (initial, _) = try PromptInitialization.fromText("x", ids: [4, 40], virtualTokens: 2, table: table)
        let current = initial.values.map { $0 * 1.5 + 0.1 }
        let sample: [Int32] = Array(0..<50)
        let map = try EmbeddingMap.build(index: index, sample: sample, history: [initial.values, current], rows: 2, seed: 2)
        #expect(map.words.count == 50)
        #expect(map.tracks.map(\.path.count) == [2, 2])
        let starts = try map.components.project(initial.values, count: 2)
        let ends = try map.components.project(current, count: 2)
        // The initial rows are the words 4 and 40, so they start exactly on those words' points.
        #expect(map.tracks[0].start.x == map.words[4].x && map.tracks[0].start.y == map.words[4].y)
        #expect(map.tracks[1].start.x == starts[1][0] && map.tracks[1].end.y == ends[1][1])
        #expect(abs(map.tracks[1].norm - Self.cosineNorm(current[12 ..< 24])) < 1e-9)
        #expect(throws: InspectionError.self) { try EmbeddingMap.build(index: index, sample: sample, history: [], rows: 2, seed: 2) }
    }

    @Test("random rows land away from the word cloud; rows copied from words stay much closer")
    func mapSeparatesRandomRows() throws {
        // Words as real tables have them: a shared offset (norm 2 here) plus spread (norm ≈ 1) in 64
        // dimensions. Random rows are uniform in [-0.5, 0.5]: centred on 0, far from the words' centroid.
        var rng = SeededRNG(seed: 5)
        let words = (0..<(200 * 64)).map { _ in 0.25 + (rng.nextFloat() - 0.5) * 0.43 }
        let index = EmbeddingIndex(table: try EmbeddingTable(values: words, vocab: 200, width: 64))
        func spread(_ map: EmbeddingMap) -> (centre: (Double, Double), radius95: Double) {
            let cx = map.words.map(\.x).reduce(0, +) / Double(map.words.count)
            let cy = map.words.map(\.y).reduce(0, +) / Double(map.words.count)
            let radii = map.words.map { (($0.x - cx) * ($0.x - cx) + ($0.y - cy) * ($0.y - cy)).squareRoot() }.sorted()
            return ((cx, cy), radii[radii.count * 95 / 100])
        }

        let random = try PromptInitialization.random(virtualTokens: 4, width: 64, seed: 1)
        let away = try EmbeddingMap.build(index: index, sample: Array(0..<200), history: [random.values], rows: 4, seed: 2)
        let cloud = spread(away)
        for track in away.tracks {
            let d = ((track.end.x - cloud.centre.0) * (track.end.x - cloud.centre.0) + (track.end.y - cloud.centre.1) * (track.end.y - cloud.centre.1)).squareRoot()
            #expect(d > 3 * cloud.radius95, "row \(track.index) at distance \(d); 95% of words within \(cloud.radius95)")
            #expect(track.nearestWordCosine < 0.6)
        }

        // Rows copied from words are words: cosine 1 to themselves, and on the plane they sit far
        // closer to the cloud than random rows do (the axes lean toward any prompt rows, so "closer",
        // not "inside").
        let table = try EmbeddingTable(values: words, vocab: 200, width: 64)
        let (copied, _) = try PromptInitialization.fromText("x", ids: [10, 20, 30, 40], virtualTokens: 4, table: table)
        let among = try EmbeddingMap.build(index: index, sample: Array(0..<200), history: [copied.values], rows: 4, seed: 2)
        let cloud2 = spread(among)
        func distance(_ t: EmbeddingMap.Track, _ c: (Double, Double)) -> Double {
            ((t.end.x - c.0) * (t.end.x - c.0) + (t.end.y - c.1) * (t.end.y - c.1)).squareRoot()
        }
        let randomFarthest = away.tracks.map { distance($0, cloud.centre) / cloud.radius95 }.min()!
        for track in among.tracks {
            #expect(distance(track, cloud2.centre) / cloud2.radius95 < randomFarthest / 2, "row \(track.index)")
            #expect(abs(track.nearestWordCosine - 1) < 1e-5)
        }
    }

    @Test("view files are replaced whole, with no temporary file left beside them")
    func viewFile() throws {
        let dir = NSTemporaryDirectory() + "ptune-viewfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = URL(fileURLWithPath: dir + "/map.svg")
        try ViewFile.write("first", to: url)
        try ViewFile.write("<svg/>", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "<svg/>")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["map.svg"])
        #expect(throws: AdapterError.self) { try ViewFile.write("x", to: URL(fileURLWithPath: dir + "/missing/map.svg")) }
    }
}
