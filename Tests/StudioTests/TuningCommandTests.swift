import Foundation
import Testing
import Studio

/// pairs / init / train / eval / save prompt / load prompt on the tiny model.
@Suite("Tuning commands")
struct TuningCommandTests {
    let model = StudioHarness.tinyModelPath
    let setup = """
        set batch_size 2
        set accumulate_steps 1
        set learning_rate 0.1
        set max_output_tokens 3
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        pairs add "aa" -> "cd"
        """

    private func losses(_ objects: [[String: Any]]) -> [Double] {
        objects.filter { $0["command"] as? String == "train" }
            .flatMap { ($0["steps"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["loss"] as? Double }
    }

    @Test("train reports one loss per update, lowers it, and replays bit for bit")
    func trainDeterministic() throws {
        let script = "load \"\(model)\"\n\(setup)\ninit random 4\ntrain 6\ninit"
        let first = StudioHarness().run(script)
        let second = StudioHarness().run(script)
        #expect(first.outcome.ok)
        let a = losses(first.objects), b = losses(second.objects)
        #expect(a.count == 6)
        #expect(a == b, "same seed, same script → same losses")
        #expect(a.last! < a.first!, "training lowers the loss: \(a)")
        let shown = try #require(first.objects.last)
        #expect(shown["command"] as? String == "init")
        #expect(shown["virtual_tokens"] as? Int == 4)
    }

    @Test("train twice equals one longer train; save + load prompt resumes exactly")
    func resume() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let wholeSession = StudioHarness(directory: dir)
        let whole = wholeSession.run("load \"\(model)\"\n\(setup)\ninit vocab 3\ntrain 5")
        let split = StudioHarness(directory: dir)
        split.run("load \"\(model)\"\n\(setup)\ninit vocab 3\ntrain 2\nsave prompt \"saved\"")
        for file in ["adapter_config.json", "adapter_model.safetensors", "ptune_state.json"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/saved/" + file), "\(file)")
        }
        let resumed = StudioHarness(directory: dir)
        let later = resumed.run("load \"\(model)\"\n\(setup)\nload prompt \"saved\"\ntrain 3")
        #expect(later.outcome.ok, "\(resumed.stderr)")
        let tail = losses(later.objects)
        #expect(tail == Array(losses(whole.objects).suffix(3)), "resumed losses equal the uninterrupted run's")
        #expect(resumed.session.tuning.prompt?.values == wholeSession.session.tuning.prompt?.values, "same vector bit for bit")
        #expect(resumed.session.tuning.step == 5)
    }

    @Test("missing pieces are named: no pairs, no prompt vector")
    func trainPreconditions() throws {
        let h = StudioHarness()
        let noPairs = h.run("load \"\(model)\"\ninit random 2\ntrain 1")
        let message = (noPairs.objects.last?["error"] as? [String: Any])?["message"] as? String
        #expect(message?.contains("no training pairs") == true, "\(String(describing: message))")
        let noInit = StudioHarness().run("load \"\(model)\"\npairs add \"a\" -> \"b\"\ntrain 1")
        let message2 = (noInit.objects.last?["error"] as? [String: Any])?["message"] as? String
        #expect(message2?.contains("no prompt vector") == true, "\(String(describing: message2))")
    }

    @Test("init text tokenizing to nothing is refused and the old vector stays")
    func emptyInitText() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"\ninit random 2")
        let before = h.session.tuning.prompt
        let (objects, _) = h.run("init \"\"")
        #expect(objects.last?["ok"] as? Bool == false)
        #expect(h.session.tuning.prompt == before)
    }

    @Test("pairs from JSONL, a bad line names file and line, nothing half-loaded")
    func pairsFiles() throws {
        let dir = try StudioHarness.temporaryDirectory()
        try "{\"input\": \"a\", \"output\": \"b\"}\n{\"input\": \"c\"}\n".write(toFile: dir + "/bad.jsonl", atomically: true, encoding: .utf8)
        try "{\"input\": \"a\", \"output\": \"b\"}\n{\"input\": \"c\", \"output\": \"d\"}\n".write(toFile: dir + "/good.jsonl", atomically: true, encoding: .utf8)
        let h = StudioHarness(directory: dir)
        let bad = h.run("pairs \"bad.jsonl\"")
        let message = (bad.objects.first?["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("bad.jsonl:2"), "\(message)")
        #expect(h.session.tuning.pairs.count == 0)
        let good = h.run("pairs \"good.jsonl\"\npairs split 0.5")
        #expect(good.objects.first?["count"] as? Int == 2)
        #expect(good.objects.last?["validation"] as? Int == 1)
    }

    @Test("eval reports a loss and a metric on held-out pairs")
    func evaluate() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("load \"\(model)\"\n\(setup)\npairs split 0.34\ninit random 2\ntrain 2\neval")
        #expect(outcome.ok, "\(h.stderr)")
        let eval = try #require(objects.last)
        #expect((eval["loss"] as? Double).map { $0.isFinite && $0 > 0 } == true)
        let metrics = try #require(eval["metrics"] as? [String: Any])
        #expect(metrics["exact_match"] != nil)
        #expect(metrics["accuracy"] != nil || metrics["rouge_l"] != nil)
        #expect(eval["count"] as? Int == 1)
    }
}

/// Inputs longer than the model's context are refused with a message, never read out of bounds.
@Suite("Context limits")
struct ContextLimitTests {
    @Test("train, eval and ask refuse a pair longer than the context and keep the session")
    func tooLong() throws {
        let long = String(repeating: "ab ", count: 200)
        let h = StudioHarness()
        h.run("load \"\(StudioHarness.tinyModelPath)\"\nset max_input_tokens 4096\ninit random 2\npairs add \"\(long)\" -> \"c\"")
        let before = h.session.tuning.prompt
        for command in ["train 1", "eval", "ask \"\(long)\""] {
            let (objects, _) = h.run(command)
            let message = (objects.last?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("context"), "\(command): \(message)")
        }
        #expect(h.session.tuning.prompt == before)
        #expect(h.session.tuning.step == 0)
    }
}
