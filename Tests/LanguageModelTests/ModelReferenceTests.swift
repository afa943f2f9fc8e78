import Foundation
import LanguageModel
import Numerics
import PTuneTestSupport
import Testing

// The real SmolLM2-135M-Instruct (Q4_1 GGUF) against the PyTorch/HF/PEFT reference figures in
// Tests/Fixtures (see shared/reference/README.md). Skipped when the model has not been fetched.

/// The default model, loaded once for every test in this file (nil when absent or unreadable).
let referenceModel: LlamaModel? = {
    guard let path = Fixtures.defaultModelPath,
          let weights = try? LlamaWeights.load(from: GGUFFile(path: path)) else { return nil }
    return LlamaModel(weights: weights)
}()

/// The parts of `smollm2-goldens.json` these tests read.
struct ReferenceGoldens: Decodable {
    struct NextToken: Decodable {
        let prompt: String
        let input_ids: [Int32]
        let top_ids: [Int]
        let top_logprobs: [Double]
    }
    struct PromptTuning: Decodable {
        struct Batch: Decodable {
            let input_ids: [[Int32]]
            let attention_mask: [[Int]]
            let labels: [[Int]]
            let padded_length: Int
            let n_labelled_tokens: Int
        }
        let num_virtual_tokens: Int
        let batch: Batch
        let loss_before_step: [Double]
        let grad_l2_norm_at_step: [Double]
    }
    let next_token: [NextToken]
    let prompt_tuning: PromptTuning

    static func load() throws -> ReferenceGoldens {
        try JSONDecoder().decode(ReferenceGoldens.self, from: Fixtures.data("smollm2-goldens.json"))
    }
}

/// log-softmax of one logit row in Double.
func logSoftmax(_ row: ArraySlice<Float>) -> [Double] {
    let values = row.map(Double.init)
    let m = values.max()!
    let lse = m + log(values.map { exp($0 - m) }.reduce(0, +))
    return values.map { $0 - lse }
}

@Suite("LlamaModel vs the PyTorch reference on SmolLM2-135M",
       .enabled(if: Fixtures.defaultModelPath != nil, "default model not fetched (Scripts/fetch-model)"))
struct ModelReferenceTests {
    /// All 8 next-token prompts in ONE right-padded batch (so padding is exercised on the real model):
    /// top-10 ids identical, log-probs within 1e-3, full logits row close to the reference .npy.
    @Test func nextTokenLogProbsAndLogits() throws {
        let model = try #require(referenceModel, "the default model did not load")
        let goldens = try ReferenceGoldens.load()
        let reference = try NPY.fixture("smollm2-next-token-logits.npy")
        let entries = goldens.next_token
        let c = model.config.width, v = model.config.vocab
        let length = entries.map(\.input_ids.count).max()!
        var inputs = [Float](repeating: 0, count: entries.count * length * c)  // (B, T, C), zero padding
        for (b, entry) in entries.enumerated() {
            let e = model.embed(entry.input_ids)
            inputs.replaceSubrange((b * length * c)..<(b * length * c + e.count), with: e)
        }
        let arena = ActivationArena(config: model.config, batch: entries.count, length: length, outputs: entries.count)
        let logits = inputs.withUnsafeBufferPointer {
            model.forward(inputs: $0, batch: entries.count, length: length, lengths: entries.map(\.input_ids.count),
                          outputPositions: entries.enumerated().map { ($0.offset, $0.element.input_ids.count - 1) },
                          activations: arena)
        }
        var worstLogit = 0.0, worstLogProb = 0.0
        for (b, entry) in entries.enumerated() {
            let row = logits[(b * v)..<((b + 1) * v)]
            let logProbs = logSoftmax(row)
            let top = logProbs.indices.sorted { logProbs[$0] > logProbs[$1] }.prefix(10)
            #expect(Array(top) == entry.top_ids, "prompt \(b) \(entry.prompt.debugDescription): top-10 ids")
            let got = entry.top_ids.map { logProbs[$0] }
            let diff = compare(got, entry.top_logprobs, absolute: 1e-3)
            #expect(diff.firstBad == nil, "prompt \(b): top-10 log-probs \(diff)")
            let logitDiff = compare(Array(row), Array(reference.row(b)), absolute: 1e-3)
            #expect(logitDiff.firstBad == nil, "prompt \(b): full logits row \(logitDiff)")
            worstLogit = max(worstLogit, logitDiff.maxAbs)
            worstLogProb = max(worstLogProb, diff.maxAbs)
        }
        print("next-token: max |logit − reference| = \(worstLogit), max |top-10 log-prob − reference| = \(worstLogProb)")
        // the single-sequence entry agrees with the batched (padded) forward
        let single = model.logits(ids: entries[2].input_ids)
        let singleDiff = compare(single, Array(logits[(2 * v)..<(3 * v)]), absolute: 1e-4)
        #expect(singleDiff.firstBad == nil, "logits(ids:) vs batched row: \(singleDiff)")
    }

    /// The headline: step-0 loss and gradient of PEFT prompt tuning. Inputs `[P ; E(ids)]`, positions
    /// 0..N+T−1, right padding; loss = mean CE over all 24 labelled tokens; dP = Σ_b dInputs[b, 0..<N].
    @Test func promptTuningGradientAtStepZero() throws {
        let model = try #require(referenceModel, "the default model did not load")
        let tuning = try ReferenceGoldens.load().prompt_tuning
        let prompt = try NPY.fixture("smollm2-prompt-init.npy").values        // (P, C)
        let expected = try NPY.fixture("smollm2-prompt-grad-step0.npy").values // (P, C)
        let c = model.config.width, v = model.config.vocab, p = tuning.num_virtual_tokens
        let batch = tuning.batch.input_ids.count, length = p + tuning.batch.padded_length
        // inputs: (B, P + T, C) = [prompt ; E(ids)] per row; padding ids embedded too (masked by lengths)
        var inputs = [Float](repeating: 0, count: batch * length * c)
        var lengths: [Int] = [], positions: [(Int, Int)] = [], targets: [Int] = []
        for b in 0..<batch {
            let row = prompt + model.embed(tuning.batch.input_ids[b])
            inputs.replaceSubrange((b * length * c)..<((b + 1) * length * c), with: row)
            lengths.append(p + tuning.batch.attention_mask[b].reduce(0, +))
            for (j, label) in tuning.batch.labels[b].enumerated() where label != -100 {
                positions.append((b, p + j - 1))  // position p + j − 1 predicts token j
                targets.append(label)
            }
        }
        #expect(targets.count == tuning.batch.n_labelled_tokens)
        let arena = ActivationArena(config: model.config, batch: batch, length: length, outputs: positions.count)
        let clock = ContinuousClock(), start = clock.now  // reported only, never asserted
        let logits = inputs.withUnsafeBufferPointer {
            model.forward(inputs: $0, batch: batch, length: length, lengths: lengths,
                          outputPositions: positions, activations: arena)
        }
        let (loss, dLogits) = meanCrossEntropy(logits: logits, targets: targets, vocab: v)
        var dInputs = [Float](repeating: 0, count: inputs.count)
        dLogits.withUnsafeBufferPointer { d in
            dInputs.withUnsafeMutableBufferPointer { model.backward(dLogits: d, activations: arena, dInputs: $0) }
        }
        let elapsed = clock.now - start
        // the prompt is shared by every batch row: its gradient is the sum of the rows' prompt slots
        var gradient = [Float](repeating: 0, count: p * c)
        for b in 0..<batch {
            for i in 0..<(p * c) { gradient[i] += dInputs[b * length * c + i] }
        }
        let error = relativeL2(gradient, expected)
        let norm = gradient.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
        print("prompt tuning step 0: loss \(loss) (reference \(tuning.loss_before_step[0])), "
              + "gradient rel L2 error \(error), norm \(norm) (reference \(tuning.grad_l2_norm_at_step[0])); "
              + "forward + backward \(elapsed), arena \(arena.capacity * 4 / 1_048_576) MiB")
        #expect(abs(loss - tuning.loss_before_step[0]) < 1e-3, "loss \(loss) vs \(tuning.loss_before_step[0])")
        #expect(error <= 1e-3, "gradient relative L2 error \(error); \(compare(gradient, expected, absolute: 1e-3))")
    }
}
