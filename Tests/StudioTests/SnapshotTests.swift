import Foundation
import Testing
import Studio

/// snapshot / snapshots / restore / diff / undo: bit-exact round trips and independent distances.
@Suite("Snapshots and undo")
struct SnapshotTests {
    let model = StudioHarness.tinyModelPath
    let setup = """
        set batch_size 2
        set learning_rate 0.1
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        pairs add "aa" -> "cd"
        """

    @Test("restore brings back vector, optimizer state and history bit for bit; training on continues exactly")
    func restoreRoundTrip() throws {
        let h = StudioHarness()
        let whole = StudioHarness().run("load \"\(model)\"\n\(setup)\ninit random 3\ntrain 5")
        #expect(whole.outcome.ok)
        h.run("load \"\(model)\"\n\(setup)\ninit random 3\ntrain 2\nsnapshot \"a\"")
        let atA = h.session.tuning.checkpoint
        h.run("train 4\nsnapshot \"b\"")
        let atB = h.session.tuning.checkpoint
        let (objects, outcome) = h.run("restore \"a\"")
        #expect(outcome.ok, "\(h.stderr)")
        #expect(objects.last?["step"] as? Int == 2)
        #expect(h.session.tuning.checkpoint == atA, "restore is exact")
        let again = h.run("train 3")
        #expect(LensTests.trainLosses(again.objects) == Array(LensTests.trainLosses(whole.objects).suffix(3)),
                "training after restore repeats the original steps 3–5")
        // undo the train, then the restore: back at b.
        h.run("undo")
        #expect(h.session.tuning.checkpoint == atA)
        h.run("undo")
        #expect(h.session.tuning.checkpoint == atB)
        let list = h.run("snapshots").objects.last?["snapshots"] as? [[String: Any]]
        #expect(list?.map { $0["name"] as? String } == ["a", "b"])
        #expect(list?.map { $0["step"] as? Int } == [2, 6])
    }

    @Test("undo reverts init and train in turn; an empty stack is an error; the stack is bounded")
    func undoStack() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"\n\(setup)\ninit random 2")
        let first = h.session.tuning.checkpoint
        h.run("train 2")
        let trained = h.session.tuning.checkpoint
        h.run("init random 4")
        #expect(h.run("undo").outcome.ok)
        #expect(h.session.tuning.checkpoint == trained)
        #expect(h.run("undo").outcome.ok)
        #expect(h.session.tuning.checkpoint == first)
        #expect(h.run("undo").outcome.ok)
        #expect(h.session.tuning.prompt == nil, "before the first init there was no vector")
        let none = h.run("undo")
        #expect(!none.outcome.ok)
        let message = (none.objects.last?["error"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("nothing to undo") == true)
        h.run(Array(repeating: "init random 1", count: 25).joined(separator: "\n"))
        #expect(h.session.tuning.snapshots.undoStack.count == 20)
    }

    @Test("diff gives per-row distance and cosine as computed here, and the nearest-word changes")
    func diff() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"\n\(setup)\ninit \"abc\"\nsnapshot \"start\"\nset learning_rate 1\ntrain 4\nsnapshot \"end\"")
        let a = try #require(h.session.tuning.snapshots.snapshot(named: "start")?.checkpoint.prompt)
        let b = try #require(h.session.tuning.prompt)
        let (objects, outcome) = h.run("diff \"start\" \"end\"\ndiff \"start\"")
        #expect(outcome.ok, "\(h.stderr)")
        #expect(objects.count == 2)
        for object in objects {
            let tokens = try #require(object["tokens"] as? [[String: Any]])
            #expect(tokens.count == a.rows)
            for row in tokens {
                let i = row["index"] as! Int
                let p = a.row(i), q = b.row(i)
                let d = zip(p, q).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }.squareRoot()
                let dot = zip(p, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let cosine = dot / (p.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() * q.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
                #expect(abs((row["distance"] as! Double) - d) < 1e-9)
                #expect(abs((row["cosine"] as! Double) - cosine) < 1e-9)
                let na = (row["nearest_a"] as! [String: Any])["id"] as! Int, nb = (row["nearest_b"] as! [String: Any])["id"] as! Int
                #expect((row["changed"] as! Bool) == (na != nb))
                // The start vector is the text's own embeddings: each row's nearest token is its source token.
                #expect(na == Int(a.sourceTokenIDs[i]), "row \(i): \(na) vs source \(a.sourceTokenIDs[i])")
            }
        }
        #expect(objects[1]["b"] as? String == "current")
        let self_ = h.run("diff \"end\"").objects.last
        #expect(self_?["total_distance"] as? Double == 0)
    }

    @Test("a snapshot taken on an earlier line is known to the checker of a later one; unknown names are refused")
    func namesAcrossRuns() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"\ninit random 2\nsnapshot \"x\"")
        #expect(h.run("restore \"x\"").outcome.ok)
        let unknown = h.run("restore \"y\"")
        #expect(unknown.outcome.rejected)
    }
}
