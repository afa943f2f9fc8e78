// A NaN or ∞ injected into `train`'s forward pass (the debug seam `Session.nonFiniteInjection`,
// unreachable from scripts) travels through the real network; the step loop's guard sees the
// non-finite loss, skips the update, keeps the last good prompt vector and optimizer moments
// bit for bit, reports the skip, and the next update trains normally.
import Foundation
import PromptTuning
import Testing
@testable import Studio

@Suite("Faults: NaN/∞ in the forward pass", .serialized)
struct FaultNonFiniteTests {
    let setup = """
        load "\(StudioHarness.tinyModelPath)"
        set batch_size 2
        set learning_rate 0.1
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        init random 4
        train 2
        """

    @Test("the poisoned update is skipped and rolled back; training goes on", arguments: [NonFiniteInjection.Value.nan, .infinity])
    func skippedAndRolledBack(value: NonFiniteInjection.Value) throws {
        let h = StudioHarness()
        #expect(h.run(setup).outcome.ok, "\(h.stderr)")
        let good = try #require(h.session.tuning.prompt)
        let optimizer = try #require(h.session.tuning.training?.optimizer)
        let entries = h.session.tuning.history.entries.count

        // Calls 2 and 3 of a three-update train get the fault: update 1 applies, 2 and 3 are skipped.
        h.session.nonFiniteInjection = NonFiniteInjection(value, calls: [2, 3])
        let (objects, outcome) = h.run("train 3")
        h.session.nonFiniteInjection = nil
        #expect(outcome.ok, "\(h.stderr)")
        let train = try #require(objects.last { $0["command"] as? String == "train" })
        let skipped = (train["skipped"] as? [[String: Any]]) ?? []
        #expect(skipped.map { $0["step"] as? Int } == [4, 5], "skips at steps 4 and 5: \(skipped)")
        #expect(skipped.allSatisfy { ($0["reason"] as? String)?.hasPrefix("non-finite") == true }, "\(skipped)")
        let applied = (train["steps"] as? [[String: Any]]) ?? []
        #expect(applied.count == 1 && applied.allSatisfy { ($0["loss"] as? Double)?.isFinite == true }, "\(applied)")

        // The vector and the moments are those of the one applied update (step 3), not of a NaN.
        let prompt = try #require(h.session.tuning.prompt)
        #expect(prompt.isFinite)
        #expect(h.session.tuning.step == 5, "skipped updates still count as steps")
        #expect(h.session.tuning.history.entries.count == entries + 1, "only the applied update is in the history")

        // Replaying the applied update alone gives the same vector: the skips changed nothing.
        let replay = StudioHarness()
        #expect(replay.run(setup + "\ntrain 1").outcome.ok)
        let expected = try #require(replay.session.tuning.prompt)
        let diff = zip(prompt.values, expected.values).map { abs($0 - $1) }
        let worst = diff.enumerated().max { $0.element < $1.element }
        #expect(prompt.values == expected.values,
                "max difference \(worst?.element ?? 0) at index \(worst?.offset ?? -1)")
        #expect(h.session.tuning.training?.optimizer == replay.session.tuning.training?.optimizer,
                "the optimizer moments are those of the last applied update")
        #expect(prompt != good && h.session.tuning.training?.optimizer != optimizer, "the applied update did change them")

        // And training goes on from there.
        let (after, next) = h.run("train 1")
        #expect(next.ok)
        let steps = (after.last?["steps"] as? [[String: Any]]) ?? []
        #expect(steps.count == 1 && (steps.first?["loss"] as? Double)?.isFinite == true, "\(after)")
    }

    @Test("the human report says the update was skipped and the last good vector kept")
    func humanReport() {
        let h = StudioHarness(mode: .human)
        h.run(setup)
        h.session.nonFiniteInjection = NonFiniteInjection(.nan, calls: [1])
        h.run("train 1")
        #expect(h.stdout.contains("1 update was skipped (non-finite values); the last good vector is kept"), "\(h.stdout)")
        #expect(h.stderr.contains("non-finite loss"), "the skip is warned about as it happens: \(h.stderr)")
    }
}
