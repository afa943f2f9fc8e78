import Foundation
import PTuneTestSupport
import Testing
import Studio

/// The teaching views on SmolLM2-135M (skipped when the model is not fetched): the claims the
/// tutorial makes about them hold on the real embedding table.
@Suite("Teaching views on the real model", .enabled(if: Fixtures.defaultModelPath != nil))
struct ViewsRealModelTests {
    @Test("text init: every virtual token's nearest word is its init token, cosine 1, drift 0")
    func textInit() throws {
        let h = StudioHarness()
        let path = try #require(Fixtures.defaultModelPath)
        let (objects, outcome) = h.run("load \"\(path)\"\ninit \"Classify the sentiment of this review:\"\nnearest 2\ndrift")
        #expect(outcome.ok, "\(h.stderr)")
        let nearest = try #require(objects.first { $0["command"] as? String == "nearest" })
        let rows = try #require(nearest["tokens"] as? [[String: Any]])
        #expect(rows.count == 8)
        for row in rows {
            let first = try #require((row["neighbours"] as? [[String: Any]])?.first)
            #expect(first["id"] as? Int == row["init_id"] as? Int, "\(row)")
            #expect(abs((first["cosine"] as? Double ?? 0) - 1) < 1e-5)
        }
        let drift = try #require(objects.first { $0["command"] as? String == "drift" })
        #expect(drift["distance"] as? Double == 0)
        #expect((drift["tokens"] as? [[String: Any]])?.allSatisfy { $0["init_rank"] as? Int == 1 } == true)
    }

    @Test("map: random rows land outside the word cloud, text rows near it")
    func randomRowsOffTheWords() throws {
        let h = StudioHarness()
        let path = try #require(Fixtures.defaultModelPath)
        func radius(_ x: Double, _ y: Double, _ cx: Double, _ cy: Double) -> Double {
            let dx = x - cx, dy = y - cy
            return (dx * dx + dy * dy).squareRoot()
        }
        func distances(_ command: String) throws -> (rows: [Double], words95: Double) {
            let (objects, outcome) = h.run(command + "\nmap")
            #expect(outcome.ok, "\(h.stderr)")
            let map = try #require(objects.last { $0["command"] as? String == "map" })
            let words = try #require(map["words"] as? [[Double]])
            let cx = words.map { $0[1] }.reduce(0, +) / Double(words.count)
            let cy = words.map { $0[2] }.reduce(0, +) / Double(words.count)
            let radii: [Double] = words.map { radius($0[1], $0[2], cx, cy) }.sorted()
            let ends: [[Double]] = try #require(map["tokens"] as? [[String: Any]]).compactMap { ($0["path"] as? [[Double]])?.last }
            let rows: [Double] = ends.map { radius($0[0], $0[1], cx, cy) }
            return (rows, radii[radii.count * 95 / 100])
        }
        h.run("load \"\(path)\"")
        let random = try distances("init random 8")
        #expect(random.rows.count == 8)
        #expect(random.rows.allSatisfy { $0 > random.words95 }, "random rows \(random.rows), 95% of words within \(random.words95)")
        let text = try distances("init \"Classify the sentiment of this review:\"")
        let median = { (a: [Double]) in a.sorted()[a.count / 2] }
        #expect(median(text.rows) / text.words95 < median(random.rows) / random.words95 / 2,
                "text rows \(text.rows) vs random rows \(random.rows)")
    }
}
