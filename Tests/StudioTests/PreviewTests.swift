import Foundation
import Testing
import PromptTuning
import Studio

/// `preview`: the token counts equal what the example builder makes of the same pairs, cuts are
/// counted by how many tokens they remove, and the time per update is measured.
@Suite("Preview")
struct PreviewTests {
    let model = StudioHarness.tinyModelPath

    @Test("per-pair counts and cuts equal the example builder's, with and without limits")
    func countsMatchBuilder() throws {
        let h = StudioHarness()
        let pairs = [("ab", "c"), ("a long input that will certainly not fit in the budget", "dd"), ("b", "a much longer output text")]
        let adds = pairs.map { "pairs add \"\($0.0)\" -> \"\($0.1)\"" }.joined(separator: "\n")
        let (objects, outcome) = h.run("load \"\(model)\"\n\(adds)\nset max_input_tokens 24\nset max_output_tokens 5\ninit random 3\npreview")
        #expect(outcome.ok, "\(h.stderr)")
        let preview = try #require(objects.last)
        let tokenizer = try #require(h.session.model?.tokenizer)
        let verbalizer = try Verbalizer(template: h.session.settings.string("verbalizer"))
        let cut = try ExampleBuilder(verbalizer: verbalizer, limits: ExampleLimits(maxInputTokens: 24, maxOutputTokens: 5))
            .build(h.session.tuning.pairs.all, tokenizer: tokenizer)
        let whole = try ExampleBuilder(verbalizer: verbalizer).build(h.session.tuning.pairs.all, tokenizer: tokenizer)
        let rows = try #require(preview["pairs"] as? [[String: Any]])
        #expect(rows.count == 3)
        for (i, row) in rows.enumerated() {
            #expect(row["virtual_tokens"] as? Int == 3)
            #expect(row["input_tokens"] as? Int == cut.examples[i].inputIDs.count)
            #expect(row["target_tokens"] as? Int == cut.examples[i].targetIDs.count)
            #expect(row["input_tokens_uncut"] as? Int == whole.examples[i].inputIDs.count)
            #expect(row["target_tokens_uncut"] as? Int == whole.examples[i].targetIDs.count)
            #expect(row["input_cut_by"] as? Int == whole.examples[i].inputIDs.count - cut.examples[i].inputIDs.count)
            #expect(row["total_tokens"] as? Int == 3 + cut.examples[i].tokenCount)
        }
        #expect(preview["inputs_cut"] as? Int == cut.inputsCut)
        #expect(preview["targets_cut"] as? Int == cut.targetsCut)
        #expect(cut.inputsCut >= 1 && cut.targetsCut >= 1, "the pairs were chosen to be cut")
        let timing = try #require(preview["timing"] as? [String: Any])
        #expect(timing["method"] as? String == "measured")
        #expect((timing["measured_seconds"] as? Double).map { $0 > 0 } == true)
        #expect((timing["seconds_per_update"] as? Double).map { $0 > 0 } == true)
    }

    @Test("preview does not change the session, and without a vector it budgets num_virtual_tokens")
    func leavesSessionAlone() throws {
        let h = StudioHarness()
        h.run("load \"\(model)\"\npairs add \"ab\" -> \"c\"\nset num_virtual_tokens 7")
        let (objects, outcome) = h.run("preview")
        #expect(outcome.ok, "\(h.stderr)")
        #expect(objects.last?["virtual_tokens"] as? Int == 7)
        #expect(h.session.tuning.prompt == nil)
        #expect(h.session.tuning.snapshots.undoStack.isEmpty)
    }
}
