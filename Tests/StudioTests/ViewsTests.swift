import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LanguageModel
import PromptTuning
import Testing
import Studio

/// The teaching views (tokens, nearest, drift, map, compare) on the tiny model, with every number
/// checked against a computation that does not share the view's code.
@Suite("Teaching views")
struct ViewsTests {
    let model = StudioHarness.tinyModelPath

    /// Row `id` of the loaded model's embedding table.
    private func embedding(_ h: StudioHarness, _ id: Int) -> ArraySlice<Float> {
        let m = h.session.model!
        return m.weights.tokenEmbedding[(id * m.config.width) ..< ((id + 1) * m.config.width)]
    }

    private func norm(_ a: ArraySlice<Float>) -> Double { a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

    private func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let n = norm(a) * norm(b)
        return n > 0 ? dot / n : 0
    }

    private func object(_ objects: [[String: Any]], _ command: String) throws -> [String: Any] {
        try #require(objects.last { $0["command"] as? String == command }, "no \(command) object in \(objects)")
    }

    // MARK: - tokens

    @Test("tokens: ids and pieces as before, plus each id's embedding norm")
    func tokensNorms() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\ntokens \"ab ba\"")
        #expect(outcome.ok, "\(h.stderr)")
        let tokens = try object(objects, "tokens")
        let ids = try #require(tokens["ids"] as? [Int])
        let pieces = try #require(tokens["pieces"] as? [String])
        let norms = try #require(tokens["norms"] as? [Double])
        #expect(ids == h.session.model!.tokenizer.encode("ab ba").map(Int.init))
        #expect(pieces.count == ids.count && norms.count == ids.count)
        for (id, shown) in zip(ids, norms) {
            let expected = norm(embedding(h, id))
            #expect(abs(shown - expected) < 1e-5 * max(1, expected), "id \(id): \(shown) vs \(expected)")
        }
    }

    @Test("tokens … verbalized: the template applied, numbered after the virtual tokens")
    func tokensVerbalized() throws {
        let h = StudioHarness()
        let before = try object(h.run("load \"\(model)\"\ntokens \"ab\" verbalized").objects, "tokens")
        #expect(before["text"] as? String == "Input: ab Output:")
        #expect(before["virtual_tokens"] as? Int == 0)
        #expect(before["ids"] as? [Int] == h.session.model!.tokenizer.encode("Input: ab Output:").map(Int.init))

        let after = try object(h.run("init random 3\ntokens \"ab\" verbalized").objects, "tokens")
        #expect(after["virtual_tokens"] as? Int == 3)

        let human = StudioHarness(mode: .human)
        human.run("load \"\(model)\"\ninit random 3\ntokens \"a b\" verbalized")
        #expect(human.stdout.contains("after 3 virtual tokens"), "\(human.stdout)")
        #expect(human.stdout.contains("␣"), "spaces are visible: \(human.stdout)")
    }

    // MARK: - nearest

    @Test("nearest: a text-initialized vector has each init token first with cosine 1")
    func nearestOwnTokens() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\ninit \"abc\"\nnearest 3")
        #expect(outcome.ok, "\(h.stderr)")
        let nearest = try object(objects, "nearest")
        let tokens = try #require(nearest["tokens"] as? [[String: Any]])
        let sources = h.session.tuning.prompt!.sourceTokenIDs.map(Int.init)
        #expect(tokens.count == sources.count)
        for (row, source) in zip(tokens, sources) {
            let neighbours = try #require(row["neighbours"] as? [[String: Any]])
            #expect(neighbours.count == 3)
            #expect(neighbours[0]["id"] as? Int == source, "row \(row)")
            #expect(abs((neighbours[0]["cosine"] as? Double ?? 0) - 1) < 1e-5)
            #expect(row["init"] as? String == h.session.model!.tokenizer.decode([Int32(source)]))
        }
    }

    @Test("nearest: the neighbours of random rows match a full sort of plain-loop cosines")
    func nearestIndependent() throws {
        let h = StudioHarness()
        let (objects, _) = h.run("load \"\(model)\"\ninit random 2\nnearest 4")
        let tokens = try #require(try object(objects, "nearest")["tokens"] as? [[String: Any]])
        let prompt = h.session.tuning.prompt!
        let m = h.session.model!
        for r in 0..<2 {
            let row = prompt.row(r)
            var ranked: [(id: Int, cosine: Double)] = []
            for id in 0..<m.config.vocab where !m.tokenizer.isControl(Int32(id)) {
                ranked.append((id, cosine(row, embedding(h, id))))
            }
            ranked.sort { (a: (id: Int, cosine: Double), b: (id: Int, cosine: Double)) -> Bool in
                a.cosine > b.cosine || (a.cosine == b.cosine && a.id < b.id)
            }
            let shown = try #require(tokens[r]["neighbours"] as? [[String: Any]])
            let shownIDs: [Int] = shown.compactMap { $0["id"] as? Int }
            let expectedIDs: [Int] = ranked.prefix(4).map { $0.id }
            #expect(shownIDs == expectedIDs, "row \(r)")
            for (entry, expected) in zip(shown, ranked) {
                let got = entry["cosine"] as? Double ?? 9
                #expect(abs(got - expected.cosine) < 1e-5)
            }
            #expect(tokens[r]["init"] is NSNull)
        }
    }

    // MARK: - drift

    @Test("drift: zero right after init, the plain distance after training")
    func driftAfterTraining() throws {
        let h = StudioHarness()
        let setup = "load \"\(model)\"\nset batch_size 2\nset learning_rate 0.1\npairs add \"ab\" -> \"c\"\npairs add \"ba\" -> \"d\"\ninit \"abc\""
        let first = try object(h.run(setup + "\ndrift").objects, "drift")
        for row in try #require(first["tokens"] as? [[String: Any]]) {
            #expect(row["distance"] as? Double == 0)
            #expect(abs((row["cosine"] as? Double ?? 0) - 1) < 1e-12)
            #expect(row["init_rank"] as? Int == 1)
        }
        let later = try object(h.run("train 3\ndrift").objects, "drift")
        let rows = try #require(later["tokens"] as? [[String: Any]])
        let now = h.session.tuning.prompt!, start = h.session.tuning.initialPrompt!
        #expect(later["step"] as? Int == 3)
        for (r, row) in rows.enumerated() {
            let d = zip(now.row(r), start.row(r)).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
            #expect(d > 0)
            #expect(abs((row["distance"] as? Double ?? -1) - d) < 1e-9, "row \(r)")
            #expect(abs((row["cosine"] as? Double ?? -1) - cosine(now.row(r), start.row(r))) < 1e-9)
            #expect(abs((row["norm"] as? Double ?? -1) - norm(now.row(r))) < 1e-9)
        }
    }

    @Test("drift after load prompt: rebuilt from source tokens, or a clear error for random init")
    func driftAfterLoad() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let h = StudioHarness(directory: dir)
        h.run("load \"\(model)\"\ninit \"ab\"\nsave prompt \"text\"\ninit random 2\nsave prompt \"random\"")
        let loaded = h.run("load prompt \"text\"\ndrift")
        #expect(loaded.outcome.ok, "\(h.stderr)")
        let drift = try object(loaded.objects, "drift")
        #expect(drift["rebuilt_initial"] as? Bool == true)
        #expect(drift["distance"] as? Double == 0)

        let failed = h.run("load prompt \"random\"\ndrift")
        #expect(failed.outcome.failed == 1)
        let error = try #require(failed.objects.last?["error"] as? [String: Any])
        let message = error["message"] as? String ?? ""
        #expect(message.contains("no initial vector") && message.contains("load prompt"), "\(message)")
    }

    @Test("nearest, drift, map and compare name what is missing")
    func preconditions() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"")
        for command in ["nearest", "drift", "map", "compare \"ab\""] {
            let (objects, outcome) = h.run(command)
            #expect(outcome.failed == 1, "\(command)")
            let message = (objects.last?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("init"), "\(command): \(message)")
        }
    }

    // MARK: - map

    @Test("map to SVG: well-formed XML with the words, the start, path and current point of each row")
    func mapSVG() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let h = StudioHarness(directory: dir)
        let setup = "load \"\(model)\"\nset learning_rate 0.2\npairs add \"ab\" -> \"c\"\ninit \"abc\"\ntrain 2"
        let (objects, outcome) = h.run(setup + "\nmap to \"map.svg\"")
        #expect(outcome.ok, "\(h.stderr)")
        let map = try object(objects, "map")
        let words = try #require(map["words"] as? [[Any]])
        let rows = h.session.tuning.prompt!.rows

        let parsed = try SVGSummary(path: dir + "/map.svg")
        #expect(parsed.circles["group-words"] == words.count)
        #expect(parsed.circles["group-now"] == rows)
        #expect(parsed.circles["group-at-init"] == rows)
        #expect(parsed.polylines.count == rows, "\(parsed.polylines)")
        #expect(parsed.polylines.allSatisfy { $0.hasPrefix("path-v") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }.isEmpty)

        let explained = try #require(map["explained"] as? [Double])
        #expect(explained.count == 2 && explained[0] >= explained[1] && explained[0] + explained[1] <= 1 + 1e-9)
        let tokens = try #require(map["tokens"] as? [[String: Any]])
        #expect(tokens.allSatisfy { ($0["path"] as? [[Double]])?.count == 2 })
    }

    @Test("map in the terminal: a braille scatter plot with a legend")
    func mapTerminal() {
        let h = StudioHarness(mode: .human)
        let outcome = h.run("load \"\(model)\"\ninit random 3\nmap").outcome
        #expect(outcome.ok, "\(h.stderr)")
        #expect(h.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots")
        for word in ["words", "now", "PC1", "median cosine"] { #expect(h.stdout.contains(word), "\(word) in \(h.stdout)") }
    }

    // MARK: - compare

    @Test("compare: three answers; at step 0 the hard prompt and the vector agree exactly")
    func compareAtInit() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\nset max_output_tokens 3\ninit \"abc\"\ncompare \"ba\"\nask \"ba\"\nnext \"Input: ba Output:\" 1")
        #expect(outcome.ok, "\(h.stderr)")
        let compare = try object(objects, "compare")
        let answers = try #require(compare["answers"] as? [[String: Any]])
        #expect(answers.map { $0["prompt"] as? String } == ["base", "hard_prompt", "tuned"])
        for answer in answers {
            let logprobs = try #require(answer["logprobs"] as? [Double])
            let p = try #require(answer["probability"] as? Double)
            #expect(abs(p - exp(logprobs.reduce(0, +))) < 1e-12 && p > 0 && p <= 1)
            #expect(logprobs.count == (answer["ids"] as? [Int])?.count)
        }
        // The vector at init is the init text's embeddings: same input rows, same answer, same numbers.
        #expect(answers[1]["text"] as? String == answers[2]["text"] as? String)
        #expect(answers[1]["logprobs"] as? [Double] == answers[2]["logprobs"] as? [Double])
        // The tuned column is what ask answers.
        #expect(answers[2]["text"] as? String == (try object(objects, "ask"))["text"] as? String)
        // The base answer's first token and its log-probability are next's top token.
        let top = try #require((try object(objects, "next"))["top"] as? [[String: Any]]).first
        #expect((answers[0]["ids"] as? [Int])?.first == top?["id"] as? Int)
        let first = try #require((answers[0]["logprobs"] as? [Double])?.first)
        #expect(abs(first - (top?["logprob"] as? Double ?? 0)) < 1e-4, "\(first) vs \(String(describing: top))")
    }

    @Test("compare with a random vector has no hard prompt, and says why")
    func compareRandom() throws {
        let h = StudioHarness(mode: .human)
        let outcome = h.run("load \"\(model)\"\nset max_output_tokens 2\ninit random 2\ncompare \"ab\"").outcome
        #expect(outcome.ok, "\(h.stderr)")
        #expect(h.stdout.contains("no init text") && h.stdout.contains("p(answer)"), "\(h.stdout)")
    }
}

/// What an SVG file holds, read with XMLParser: circles per group id, and the polylines' ids.
private final class SVGSummary: NSObject, XMLParserDelegate {
    var circles: [String: Int] = [:]
    var polylines: [String] = []
    private var groups: [String] = []

    init(path: String) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "g": groups.append(attributes["id"] ?? "")
        case "circle": circles[groups.last ?? "", default: 0] += 1
        case "polyline": polylines.append(attributes["id"] ?? "")
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "g" { groups.removeLast() }
    }
}
