import Foundation
import LanguageModel
import Numerics
import PTuneTestSupport
import Testing

// V = vocabulary. Reference figures: Tests/Fixtures/smollm2-goldens.json (`next_token`, `greedy`).
// Heavy: run with `swift test -c release --filter GenerationRealModelTests`.

// MARK: - Fixtures

private typealias NextTokenCase = DecodingGoldens.NextTokenCase
private typealias GreedyCase = DecodingGoldens.GreedyCase
private let goldens = DecodingGoldens.shared

/// The default model, loaded once for every test of this file (nil when it is not fetched).
private let realWeights: LlamaWeights? = {
    guard let path = Fixtures.defaultModelPath else { return nil }
    ThreadCount.set(2)
    return try? LlamaWeights.load(from: GGUFFile(path: path))
}()

private let eos: Int32 = 2

/// Below this top-1 − top-2 logit margin a correct fp32 implementation may pick the other token.
private let nearTie = 0.02

// MARK: - Tests

@Suite("Generation: SmolLM2 reference figures", .enabled(if: Fixtures.defaultModelPath != nil))
struct GenerationRealModelTests {
    @Test("next-token top-10 ids and log-probs match the reference", arguments: 0..<8)
    func nextToken(index: Int) throws {
        let entry = try #require(goldens?.next_token[index])
        let weights = try #require(realWeights, "the default model did not load")
        let session = InferenceSession(weights: weights)
        let logits = Array(try session.prefill(tokens: entry.input_ids))

        let scored = entry.score(logits)
        #expect(scored.ids == entry.top_ids, "\(entry.describe(scored))")
        #expect(scored.worstDiff < 1e-3, "\(entry.describe(scored))")

        // The full logit row against the reference's, as a report and a loose bound.
        let reference = try NPY.fixture("smollm2-next-token-logits.npy").row(index)
        let full = zip(logits, reference).map { abs(Double($0) - Double($1)) }
        let first = full.firstIndex { $0 > 5e-4 }
        #expect(first == nil, "full logits: max diff \(full.max()!), first index over 5e-4: \(first ?? -1)")
        print("next_token[\(index)] \(entry.prompt.debugDescription): top-10 \(scored.ids == entry.top_ids ? "equal" : "DIFFER"), " +
              "log-prob max diff \(scored.worstDiff), full-logit max diff \(full.max()!)")
    }

    @Test("greedy continuations match the reference (a flip allowed only at a near-tie)", arguments: 0..<6)
    func greedy(index: Int) throws {
        let entry = try #require(goldens?.greedy[index])
        let weights = try #require(realWeights, "the default model did not load")
        var sampler = Sampler.greedy
        let result = try Generator(weights: weights).generate(
            prompt: .tokens(entry.input_ids), maxTokens: entry.new_ids.count, stopAt: [eos], sampler: &sampler)
        let got = result.ids, expected = entry.new_ids
        let report = "\(entry.prompt.debugDescription)\n  expected \(expected)\n  got      \(got)"

        var flipped = false
        for step in 0..<min(got.count, expected.count) where got[step] != expected[step] {
            let margin = entry.top1_minus_top2_logit[step]
            #expect(margin < nearTie, "step \(step): expected \(expected[step]), got \(got[step]), margin \(margin)\n\(report)")
            print("greedy[\(index)] flip at step \(step) (reference margin \(margin))")
            flipped = true
            break  // after a (permitted) flip the continuations legitimately diverge
        }
        print("greedy[\(index)] \(report)")
        if !flipped {
            #expect(got == expected, "lengths differ\n\(report)")
            #expect(result.stopReason == (entry.stopped_at_eos ? .eos : .maxTokens))
        }
        #expect(result.timing.promptTokens == entry.input_ids.count)
    }
}
