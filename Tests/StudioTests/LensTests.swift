import Foundation
import Testing
import Studio

/// The per-step history kept by `train` and the live lens (`set watch nearest|drift`), checked
/// against computations made here from the recorded vectors and the embedding table.
@Suite("Live lens and training history")
struct LensTests {
    let model = StudioHarness.tinyModelPath
    let setup = """
        set batch_size 2
        set learning_rate 0.1
        set max_output_tokens 3
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        pairs add "aa" -> "cd"
        pairs add "bb" -> "dc"
        """

    static func distance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
    }

    static func trainLosses(_ objects: [[String: Any]]) -> [Double] {
        objects.filter { $0["command"] as? String == "train" }
            .flatMap { ($0["steps"] as? [[String: Any]]) ?? [] }.compactMap { $0["loss"] as? Double }
    }

    @Test("every update records step, loss, lr, drift, row norms and the vector")
    func history() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\ninit random 3\ntrain 4\nset learning_rate 0.05\ntrain 2")
        #expect(outcome.ok, "\(h.stderr)")
        let history = h.session.tuning.history
        let initial = try #require(h.session.tuning.initialPrompt)
        #expect(history.entries.map(\.step) == Array(1...6))
        #expect(history.entries.map(\.loss) == Self.trainLosses(objects).map { Float($0) }, "history losses equal the printed ones")
        #expect(history.entries.map(\.learningRate) == [0.1, 0.1, 0.1, 0.1, 0.05, 0.05])
        #expect(history.vectors.map(\.step) == Array(1...6))
        #expect(history.vectors.last?.values == h.session.tuning.prompt?.values)
        let width = initial.width
        for (entry, vector) in zip(history.entries, history.vectors) {
            let drift = Self.distance(vector.values[...], initial.values[...])
            #expect(abs((entry.drift ?? -1) - drift) < 1e-9, "step \(entry.step): drift \(entry.drift ?? -1) vs \(drift)")
            for row in 0..<3 {
                let norm = Self.distance(vector.values[row * width ..< (row + 1) * width], ArraySlice(repeating: 0, count: width))
                #expect(abs(entry.rowNorms[row] - norm) < 1e-9, "step \(entry.step) row \(row)")
            }
        }
        h.run("init random 2")
        #expect(h.session.tuning.history.entries.isEmpty, "a new vector starts a new history")
    }

    @Test("watch drift reports every watch_every steps with the distances of the recorded vectors")
    func watchDrift() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\ninit random 3\nset watch drift\nset watch_every 2\ntrain 5")
        #expect(outcome.ok, "\(h.stderr)")
        let train = try #require(objects.last)
        let reports = try #require(train["watch"] as? [[String: Any]])
        #expect(reports.map { $0["step"] as? Int } == [2, 4])
        let history = h.session.tuning.history
        let initial = try #require(h.session.tuning.initialPrompt)
        let width = initial.width
        func vector(_ step: Int) -> [Float] { step == 0 ? initial.values : history.vectors.first { $0.step == step }!.values }
        for report in reports {
            let step = report["step"] as! Int, since = report["since"] as! Int
            #expect(abs((report["drift"] as! Double) - Self.distance(vector(step)[...], initial.values[...])) < 1e-9)
            #expect(abs((report["moved"] as! Double) - Self.distance(vector(step)[...], vector(since)[...])) < 1e-9)
            for row in report["rows"] as! [[String: Any]] {
                let i = row["index"] as! Int
                let slice = i * width ..< (i + 1) * width
                #expect(abs((row["moved"] as! Double) - Self.distance(vector(step)[slice], vector(since)[slice])) < 1e-9)
                #expect(abs((row["from_init"] as! Double) - Self.distance(vector(step)[slice], initial.values[slice])) < 1e-9)
            }
        }
        #expect(h.stderr.contains("── step 2 · drift"), "the lens prints above the progress bar: \(h.stderr)")
    }

    @Test("watch nearest names each row's nearest token by cosine, and what changed")
    func watchNearest() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\ninit \"abcd\"\nset watch nearest\nset watch_every 3\nset learning_rate 0.5\ntrain 6")
        #expect(outcome.ok, "\(h.stderr)")
        let reports = try #require(objects.last?["watch"] as? [[String: Any]])
        #expect(reports.map { $0["step"] as? Int } == [3, 6])
        let loaded = try #require(h.session.model)
        let table = loaded.weights.tokenEmbedding, vocab = loaded.config.vocab, width = loaded.config.width
        let history = h.session.tuning.history
        var previous: [Int]? = nil
        for report in reports {
            let step = report["step"] as! Int
            let values = history.vectors.first { $0.step == step }!.values
            // Brute force: every cosine, one by one (control tokens are never offered as neighbours).
            var expected: [Int] = []
            for row in 0..<(values.count / width) {
                let p = values[row * width ..< (row + 1) * width]
                var best = (id: -1, cosine: -Double.infinity)
                for v in 0..<vocab where !loaded.tokenizer.isControl(Int32(v)) {
                    let e = table[v * width ..< (v + 1) * width]
                    var dot = 0.0, pp = 0.0, ee = 0.0
                    for (x, y) in zip(p, e) { dot += Double(x) * Double(y); pp += Double(x) * Double(x); ee += Double(y) * Double(y) }
                    let cosine = dot / (pp.squareRoot() * ee.squareRoot())
                    if cosine > best.cosine + 1e-6 { best = (v, cosine) }
                }
                expected.append(best.id)
            }
            let nearest = (report["nearest"] as! [[String: Any]]).map { ($0["now"] as! [String: Any])["id"] as! Int }
            #expect(nearest == expected, "step \(step)")
            if let previous {
                let changed = (report["changed"] as! [[String: Any]]).map { $0["index"] as! Int }
                #expect(changed == expected.indices.filter { expected[$0] != previous[$0] })
            }
            previous = expected
        }
    }

    @Test("with held-out pairs the validation loss is measured every watch_every steps and at the end, as eval measures it")
    func validationLoss() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\npairs split 0.25\ninit random 2\nset watch_every 2\ntrain 3\neval")
        #expect(outcome.ok, "\(h.stderr)")
        let validation = h.session.tuning.history.validation
        #expect(validation.map(\.step) == [2, 3])
        let eval = try #require(objects.last?["loss"] as? Double)
        #expect(abs(validation.last!.loss - eval) < 1e-9, "validation \(validation.last!.loss) vs eval \(eval)")
    }
}
