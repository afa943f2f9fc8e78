import Foundation
import LanguageModel
import PromptTuning
import PTuneTestSupport
import Testing

// The 15-step prompt-tuning run of smollm2-goldens.json on the default model requantized to
// Q4_K_M by llama.cpp, against PEFT on the same file (Tests/Fixtures/requantized/expected.json,
// written by Scripts/dev/requantize-default-model). Skipped where the file has not been made.

/// The Q4_K_M file and its PEFT run, when the file is in the model cache.
private let q4KM: (path: String, figures: RequantizedFigures.Trajectory)? = {
    guard let entry = RequantizedFigures.all["Q4_K_M"], let path = entry.path, let figures = entry.prompt_tuning else { return nil }
    return (path, figures)
}()

@Suite("Prompt tuning on the Q4_K_M requantization vs PEFT", .enabled(if: q4KM != nil, "no Q4_K_M file (Scripts/dev/requantize-default-model)"))
struct RequantizedTrajectoryTests {
    @Test("15 steps follow PEFT's losses within 1 %")
    func followsPEFT() throws {
        let (path, figures) = try #require(q4KM)
        let file = try GGUFFile(path: path)
        let network = LlamaModel(weights: try LlamaWeights.load(from: file), quantized: try? QuantizedWeights(file: file))
        let run = try TrajectoryRun.run(goldens: TrajectoryGoldens.load(), network: network,
                                        tokenizer: try BPETokenizer(gguf: file))
        #expect(run.losses.count == figures.steps)
        for (k, (ours, ref)) in zip(run.losses.map(Double.init), figures.loss_before_step).enumerated() {
            print(String(format: "Q4_K_M step %2d: loss %.6f, PEFT %.6f (%+.2e)", k, ours, ref, ours - ref))
            #expect(abs(ours - ref) <= 0.01 * ref, "step \(k): loss \(ours), PEFT \(ref)")
        }
        let last = Double(run.finalLoss)
        #expect(abs(last - figures.loss_after_last_step) <= 0.01 * figures.loss_after_last_step + 1e-3,
                "after the last step: \(last), PEFT \(figures.loss_after_last_step)")
    }
}
