import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Studio

/// `plot`: the series equal the recorded history; the SVG file parses as XML and holds them.
@Suite("Plots")
struct PlotTests {
    let model = StudioHarness.tinyModelPath
    let setup = """
        set batch_size 2
        set learning_rate 0.1
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        pairs add "aa" -> "cd"
        pairs add "bb" -> "dc"
        """

    private func series(_ object: [String: Any]) -> [String: [[Double]]] {
        var out: [String: [[Double]]] = [:]
        for s in (object["series"] as? [[String: Any]]) ?? [] {
            out[s["name"] as! String] = (s["points"] as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } }
        }
        return out
    }

    @Test("loss, lr, drift and norms series equal the recorded values; validation loss joins the loss chart")
    func seriesEqualHistory() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\npairs split 0.25\ninit random 3\nset watch_every 2\ntrain 5\nplot loss\nplot lr\nplot drift\nplot norms")
        #expect(outcome.ok, "\(h.stderr)")
        let history = h.session.tuning.history
        let trained = LensTests.trainLosses(objects)
        let loss = series(objects[objects.count - 4])
        #expect(loss["training loss"]?.map { Float($0[1]) } == trained.map { Float($0) })
        #expect(loss["training loss"]?.map { $0[0] } == [1, 2, 3, 4, 5])
        #expect(loss["validation loss"]?.map { $0[0] } == [2, 4, 5])
        #expect(loss["validation loss"]?.map { $0[1] } == history.validation.map(\.loss))
        #expect(series(objects[objects.count - 3])["learning rate"]?.map { $0[1] } == [0.1, 0.1, 0.1, 0.1, 0.1])
        func close(_ a: [Double]?, _ b: [Double]) -> Bool {
            guard let a, a.count == b.count else { return false }
            return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }  // JSON text round trip
        }
        #expect(close(series(objects[objects.count - 2])["drift"]?.map { $0[1] }, history.entries.map { $0.drift! }))
        let norms = series(objects[objects.count - 1])
        #expect(norms.count == 3)
        for row in 0..<3 { #expect(close(norms["token \(row)"]?.map { $0[1] }, history.entries.map { $0.rowNorms[row] }), "row \(row)") }
    }

    @Test("plot loss to a file writes an SVG that parses as XML with one polyline point per update")
    func svgFile() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let h = StudioHarness(directory: dir)
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\npairs split 0.25\ninit random 2\nset watch_every 3\ntrain 6\nplot loss to \"loss.svg\"")
        #expect(outcome.ok, "\(h.stderr)")
        #expect(objects.last?["file"] as? String == dir + "/loss.svg")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/loss.svg"))
        let document = try XMLDocument(data: data)
        func points(_ id: String) throws -> [(Double, Double)] {
            let node = try #require(try document.nodes(forXPath: "//*[@id='\(id)']/*[local-name()='polyline']").first as? XMLElement)
            let text = try #require(node.attributes?.first { $0.localName == "points" || $0.name == "points" }?.stringValue)
            return text.split(separator: " ").map { pair in
                let xy = pair.split(separator: ",").map { Double($0)! }
                return (xy[0], xy[1])
            }
        }
        let training = try points("series-training-loss"), validation = try points("series-validation-loss")
        #expect(training.count == 6)
        #expect(validation.count == 2)
        // x grows with the step; SVG's y grows downwards, so the lowest loss has the largest y.
        #expect(zip(training, training.dropFirst()).allSatisfy { $0.0 < $1.0 })
        let losses = h.session.tuning.history.entries.map(\.loss)
        let lowest = losses.indices.min { losses[$0] < losses[$1] }!
        #expect(training.indices.max { training[$0].1 < training[$1].1 } == lowest)
        let title = try document.nodes(forXPath: "//*[@id='title']").first?.stringValue
        #expect(title == "loss — steps 1–6")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.loss.svg.tmp-\(ProcessInfo.processInfo.processIdentifier)"))
    }

    @Test("the terminal chart is braille with the step range; no history is a clear error")
    func terminalChart() throws {
        let h = StudioHarness(mode: .human)
        h.run("load \"\(model)\"\n\(setup)\ninit random 2")
        let empty = h.run("plot loss")
        #expect(!empty.outcome.ok)
        #expect(h.stderr.contains("no training history"))
        let start = h.stdout.endIndex
        let drawn = h.run("train 4\nplot loss")
        #expect(drawn.outcome.ok)
        let text = String(h.stdout[start...])
        #expect(text.contains("loss — steps 1–4"))
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots: \(text)")
        #expect(text.contains("training loss"))
    }
}
