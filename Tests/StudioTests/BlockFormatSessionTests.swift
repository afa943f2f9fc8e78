import Foundation
import PTuneTestSupport
import Studio
import Testing

/// The whole session on models stored in llama.cpp's block formats: the three tiny mixes of
/// Tests/Fixtures/quantized-models hold every format ptune reads between them (their numbers are
/// checked against transformers in LanguageModelTests). Each one loads, trains, evaluates, answers,
/// saves and reloads its prompt, and shows the teaching views, as the default Q4_1 model does.
@Suite("Sessions on block-format models")
struct BlockFormatSessionTests {
    @Test("load, train, eval, ask, next, save prompt, load prompt and the views", arguments: ["mix-k", "mix-low", "mix-legacy"])
    func everyCommandRuns(mix: String) throws {
        let dir = try StudioHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = StudioHarness()
        let model = Fixtures.url("quantized-models/\(mix).gguf").path
        let (objects, outcome) = h.run("""
            load "\(model)"
            set batch_size 4
            set learning_rate 0.1
            set max_output_tokens 3
            pairs add "ab" -> "c"
            pairs add "ba" -> "d"
            pairs add "aa" -> "cd"
            pairs add "bb" -> "dc"
            pairs add "ca" -> "a"
            pairs split 0.2
            init "hello"
            train 4
            eval
            ask "ab"
            next "ab"
            save prompt "\(dir)/prompt"
            nearest 2
            drift
            """)
        #expect(outcome.ok, "\(mix): \(h.stderr)")
        func object(_ command: String) -> [String: Any]? { objects.last { $0["command"] as? String == command } }
        let steps = (object("train")?["steps"] as? [[String: Any]]) ?? []
        let losses = steps.compactMap { $0["loss"] as? Double }
        try #require(losses.count == 4 && losses.allSatisfy(\.isFinite), "\(mix): \(losses)")
        #expect(losses[3] < losses[0], "\(mix): training lowers the loss: \(losses)")
        #expect((object("eval")?["loss"] as? Double).map { $0.isFinite } == true, "\(mix)")
        #expect(object("ask") != nil && object("next") != nil && object("nearest") != nil && object("drift") != nil)

        // The saved prompt comes back exactly, and answers as before.
        let tuned = h.session.tuning.prompt
        let answer = object("ask")
        let reloaded = h.run("init random 8\nload prompt \"\(dir)/prompt\"\nask \"ab\"")
        #expect(reloaded.outcome.ok, "\(mix): \(h.stderr)")
        #expect(h.session.tuning.prompt == tuned, "\(mix): the reloaded prompt differs")
        #expect(reloaded.objects.last?["text"] as? String == answer?["text"] as? String, "\(mix)")
    }
}
