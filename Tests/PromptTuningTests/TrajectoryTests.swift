import Foundation
import LanguageModel
import Numerics
import PromptTuning
import PTuneTestSupport
import Testing

// Dimension letters: N = virtual tokens (8), C = model width (576), B = batch rows (12).
//
// The whole prompt-tuning path on the real SmolLM2-135M (Q4_1 GGUF) against the PyTorch + PEFT
// reference run in Tests/Fixtures (`prompt_tuning` of smollm2-goldens.json): real tokenizer,
// `ExampleBuilder`, text initialization, `Trainer` + `FrozenLlama` + Adam, 15 full-batch steps,
// then greedy held-out answers. Slow in debug builds: run with
// `swift test -c release --filter Trajectory`. Skipped when the model has not been fetched.

/// The parts of `prompt_tuning` this file reads.
struct TrajectoryGoldens: Decodable {
    struct Example: Decodable {
        let input: String
        let output: String
        let ids: [Int32]
    }
    struct HeldOut: Decodable {
        let input: String
        let input_ids: [Int32]
        let tuned_new_ids: [Int32]
        let untuned_new_ids: [Int32]
    }
    struct Alternative: Decodable {
        let loss_before_step: [Double]
    }
    let num_virtual_tokens: Int
    let init_text: String
    let init_text_ids: [Int32]
    let train_examples: [Example]
    let steps: Int
    let loss_before_step: [Double]
    let loss_after_last_step: Double
    let grad_l2_norm_at_step: [Double]
    let prompt_l2_norm_after_step: [Double]
    let per_example_nll_sum_step0: [Double]
    let heldout: [HeldOut]
    let alternative_implementations: [String: Alternative]

    static func load() throws -> TrajectoryGoldens {
        struct File: Decodable { let prompt_tuning: TrajectoryGoldens }
        return try JSONDecoder().decode(File.self, from: Fixtures.data("smollm2-goldens.json")).prompt_tuning
    }
}

/// The real model and tokenizer, loaded once for the file (nil when absent or unreadable), as
/// `ptune` loads it: the training path reads the LM head from the file's Q8_0 table where the CPU
/// has the kernels, so the reference trajectory holds that path.
private let trajectoryModel: (network: LlamaModel, tokenizer: BPETokenizer)? = {
    guard let path = Fixtures.defaultModelPath, let file = try? GGUFFile(path: path),
          let weights = try? LlamaWeights.load(from: file), let tokenizer = try? BPETokenizer(gguf: file) else { return nil }
    return (LlamaModel(weights: weights, quantized: try? QuantizedWeights(file: file)), tokenizer)
}()

/// `FrozenLlama` with every call's inputs and results written down, so the test can read the
/// gradient and per-example losses the trainer never exposes.
final class RecordingModel: PromptGradientModel {
    let inner: FrozenLlama
    /// The prompt each call saw: prompt after k updates at index k.
    private(set) var prompts: [[Float]] = []
    /// Each call's result.
    private(set) var results: [BatchGradient] = []

    init(_ inner: FrozenLlama) { self.inner = inner }

    func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient {
        let result = try inner.lossAndGradient(prompt: prompt, batch: batch)
        prompts.append(prompt.values)
        results.append(result)
        return result
    }
}

/// Everything one 15-step run produced.
struct TrajectoryRun {
    let initial: PromptVector
    let examples: [TuningExample]
    let losses: [Float]
    let gradients: [[Float]]     // each (N, C)
    let exampleNLLs: [[Float]]   // each (B)
    let promptsSeen: [[Float]]   // each (N, C)
    let final: PromptVector
    let finalLoss: Float
    let secondsPerStep: Double

    /// Builds the examples and prompt the way `pairs` + `init "text"` do, then trains.
    static func run(goldens: TrajectoryGoldens) throws -> TrajectoryRun {
        let (network, tokenizer) = try #require(trajectoryModel, "the default model did not load")
        return try run(goldens: goldens, network: network, tokenizer: tokenizer)
    }

    /// The same run on another model of the same vocabulary (a requantization of the default one).
    static func run(goldens: TrajectoryGoldens, network: LlamaModel, tokenizer: BPETokenizer) throws -> TrajectoryRun {
        let pairs = goldens.train_examples.map { TrainingPair(input: $0.input, output: $0.output) }
        let examples = try ExampleBuilder().build(pairs, tokenizer: tokenizer).examples
        let config = network.config
        let table = try EmbeddingTable(values: network.weights.tokenEmbedding, vocab: config.vocab, width: config.width)
        let (initial, _) = try PromptInitialization.fromText(goldens.init_text, ids: tokenizer.encode(goldens.init_text),
                                                              virtualTokens: goldens.num_virtual_tokens, table: table)
        let model = RecordingModel(FrozenLlama(network: network))
        let settings = TrainingSettings(batchSize: examples.count, accumulateSteps: 1, shuffle: false, seed: 0,
                                        optimizer: OptimizerSettings(kind: .adam, learningRate: 0.03))
        var trainer = try Trainer(model: model, prompt: initial, settings: settings, padID: tokenizer.eosID)
        let clock = ContinuousClock(), start = clock.now
        let summary = try trainer.train(examples: examples, length: .updates(goldens.steps))
        let elapsed = clock.now - start
        #expect(summary.applied == goldens.steps && summary.skipped == 0, "\(summary)")
        let batch = try Batching.batch(examples, virtualTokens: initial.rows, padID: tokenizer.eosID)
        let finalLoss = try model.inner.loss(prompt: trainer.prompt, batch: batch).loss
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return TrajectoryRun(initial: initial, examples: examples, losses: trainer.state.lossHistory.map(\.loss),
                             gradients: model.results.map(\.gradient), exampleNLLs: model.results.map(\.exampleNLLs),
                             promptsSeen: model.prompts, final: trainer.prompt, finalLoss: finalLoss,
                             secondsPerStep: seconds / Double(goldens.steps))
    }
}

/// Frobenius norm in Double.
private func l2(_ x: [Float]) -> Double { x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }

/// ‖a − b‖ / ‖b‖ in Double.
private func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    var diff = 0.0, ref = 0.0
    for (x, y) in zip(a, b) { diff += (Double(x) - Double(y)) * (Double(x) - Double(y)); ref += Double(y) * Double(y) }
    return (diff / ref).squareRoot()
}

/// The loss tolerance of the acceptance criterion: 2 % of the reference or 0.01, whichever is larger.
private func lossTolerance(_ reference: Double) -> Double { max(0.02 * abs(reference), 0.01) }

@Suite("Prompt-tuning trajectory vs PyTorch + PEFT on SmolLM2-135M", .serialized,
       .enabled(if: Fixtures.defaultModelPath != nil, "default model not fetched (Scripts/fetch-model)"))
struct TrajectoryTests {
    /// The first run, shared by the tests below (the determinism test makes a second one).
    static let firstRun: Result<TrajectoryRun, any Error> = Result {
        try TrajectoryRun.run(goldens: TrajectoryGoldens.load())
    }

    /// Examples and the initial prompt are built exactly as the reference built them.
    @Test func examplesAndInitialPromptMatchTheReference() throws {
        let goldens = try TrajectoryGoldens.load()
        let run = try Self.firstRun.get()
        #expect(run.examples.map(\.ids) == goldens.train_examples.map(\.ids))
        #expect(run.initial.sourceTokenIDs == goldens.init_text_ids)
        let expected = try NPY.fixture("smollm2-prompt-init.npy")
        #expect(expected.shape == [run.initial.rows, run.initial.width])
        let diff = TensorCompare.compare(run.initial.values, expected.values)
        #expect(diff.passed, "initial prompt is not bit-exact: \(diff)")
    }

    /// Step 0: loss, per-example NLL sums and the gradient (relative L2 ≤ 1e-3).
    @Test func stepZeroLossAndGradient() throws {
        #expect(trajectoryModel?.network.readsQuantizedHead == QuantizedHead.available)
        let goldens = try TrajectoryGoldens.load()
        let run = try Self.firstRun.get()
        let expected = try NPY.fixture("smollm2-prompt-grad-step0.npy").values
        let gradient = run.gradients[0], n = run.initial.rows, c = run.initial.width
        let error = relativeL2(gradient, expected)
        let rowErrors = (0..<n).map { k in
            relativeL2(Array(gradient[(k * c)..<((k + 1) * c)]), Array(expected[(k * c)..<((k + 1) * c)]))
        }
        let signFlips = zip(gradient, expected).filter { ($0 < 0) != ($1 < 0) }.count
        let nllDiffs = zip(run.exampleNLLs[0], goldens.per_example_nll_sum_step0).map { Double($0) - $1 }
        print(String(format: "step 0: loss %.7f (ref %.7f, diff %+.2e); gradient rel L2 %.3e, sign flips %d",
                     run.losses[0], goldens.loss_before_step[0], Double(run.losses[0]) - goldens.loss_before_step[0],
                     error, signFlips))
        print("step 0: gradient rel L2 per virtual token: " + rowErrors.map { String(format: "%.2e", $0) }.joined(separator: " "))
        print("step 0: per-example NLL sum − ref: " + nllDiffs.map { String(format: "%+.1e", $0) }.joined(separator: " "))
        #expect(abs(Double(run.losses[0]) - goldens.loss_before_step[0]) < 1e-4)
        #expect(error <= 1e-3, "gradient relative L2 error \(error); \(TensorCompare.compare(gradient, expected, absTolerance: 1e-3))")
        let worstNLL = nllDiffs.map(abs).max()!
        #expect(worstNLL < 1e-3, "per-example NLL sums: max difference \(worstNLL) at example \(nllDiffs.map(abs).firstIndex(of: worstNLL)!)")
    }

    /// All 15 losses (2 % or 0.01), the gradient and prompt norms, and the tuned prompt.
    @Test func fifteenStepsFollowTheReferenceTrajectory() throws {
        let goldens = try TrajectoryGoldens.load()
        let run = try Self.firstRun.get()
        let alternative = goldens.alternative_implementations["fp32_unpadded_manual_adam"]?.loss_before_step
        #expect(run.losses.count == goldens.steps)
        print("step   loss ours    loss ref   diff       fp32-alt diff  |g| ours   |g| ref   |P| ours   |P| ref")
        for k in 0..<min(run.losses.count, goldens.steps) {
            let ours = Double(run.losses[k]), ref = goldens.loss_before_step[k]
            let promptNorm = k + 1 < run.promptsSeen.count ? l2(run.promptsSeen[k + 1]) : l2(run.final.values)
            print(String(format: "%4d  %10.6f  %10.6f  %+9.2e  %+9.2e     %8.4f  %8.4f  %8.4f  %8.4f", k, ours, ref, ours - ref,
                         (alternative?[k] ?? .nan) - ref, l2(run.gradients[k]), goldens.grad_l2_norm_at_step[k],
                         promptNorm, goldens.prompt_l2_norm_after_step[k]))
            #expect(abs(ours - ref) <= lossTolerance(ref), "step \(k): loss \(ours), reference \(ref)")
            // Steps 0–7 are far from the chaotic part of the run: hold them to 0.2 %.
            if k < 8 {
                #expect(abs(ours - ref) <= 2e-3 * ref, "step \(k): loss \(ours), reference \(ref)")
                let g = l2(run.gradients[k]), gRef = goldens.grad_l2_norm_at_step[k]
                #expect(abs(g - gRef) <= 1e-2 * gRef, "step \(k): gradient norm \(g), reference \(gRef)")
            }
            #expect(abs(promptNorm - goldens.prompt_l2_norm_after_step[k]) <= 1e-2 * goldens.prompt_l2_norm_after_step[k],
                    "after step \(k + 1): prompt norm \(promptNorm), reference \(goldens.prompt_l2_norm_after_step[k])")
        }
        let last = Double(run.finalLoss)
        print(String(format: "after: %10.6f  %10.6f  %+9.2e", last, goldens.loss_after_last_step, last - goldens.loss_after_last_step))
        #expect(abs(last - goldens.loss_after_last_step) <= lossTolerance(goldens.loss_after_last_step))
        let tuned = try NPY.fixture("smollm2-prompt-tuned.npy").values
        let error = relativeL2(run.final.values, tuned)
        print(String(format: "tuned prompt: rel L2 vs reference %.3e (fp32 re-implementation 7.05e-4, fp64 6.65e-3); %.2f s per step",
                     error, run.secondsPerStep))
        #expect(error <= 1e-2, "tuned prompt relative L2 \(error); \(TensorCompare.compare(run.final.values, tuned))")
    }

    /// Greedy answers to the held-out inputs, with the tuned prompt and without any prompt.
    @Test func heldOutAnswersMatchTheReference() throws {
        let goldens = try TrajectoryGoldens.load()
        let run = try Self.firstRun.get()
        let (network, tokenizer) = try #require(trajectoryModel)
        let builder = ExampleBuilder()
        let generator = Generator(weights: network.weights)
        for entry in goldens.heldout {
            let (ids, _) = try builder.inputIDs(for: entry.input, tokenizer: tokenizer)
            #expect(ids == entry.input_ids, "\(entry.input.debugDescription): input ids")
            var sampler = Sampler.greedy
            let tuned = try generator.generate(prompt: .embeddings(run.final.values + network.embed(ids)), maxTokens: 5,
                                               stopAt: [tokenizer.eosID], sampler: &sampler)
            let untuned = try generator.generate(prompt: .tokens(ids), maxTokens: 5, stopAt: [tokenizer.eosID], sampler: &sampler)
            print("held out \(entry.input.debugDescription): tuned \(tuned.ids) (ref \(entry.tuned_new_ids)), "
                  + "untuned \(untuned.ids) (ref \(entry.untuned_new_ids))")
            #expect(tuned.ids == entry.tuned_new_ids, "\(entry.input.debugDescription): tuned answer")
            #expect(untuned.ids == entry.untuned_new_ids, "\(entry.input.debugDescription): untuned answer")
        }
    }

    /// Same script, same thread count: a second run gives bit-identical losses and prompt.
    @Test func secondRunIsBitIdentical() throws {
        let first = try Self.firstRun.get()
        let second = try TrajectoryRun.run(goldens: TrajectoryGoldens.load())
        #expect(first.losses == second.losses, "losses differ: \(first.losses) vs \(second.losses)")
        let diff = TensorCompare.compare(second.final.values, first.final.values)
        #expect(diff.passed, "tuned prompts differ: \(diff)")
        #expect(first.gradients == second.gradients, "gradients differ")
    }
}
