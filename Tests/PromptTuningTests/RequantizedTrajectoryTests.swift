import Foundation
import LanguageModel
import PromptTuning
import PTuneTestSupport
import Testing

// The 15-step prompt-tuning run of smollm2-goldens.json on the default model requantized to
// Q4_K_M by llama.cpp, against PEFT on the same file (Tests/Fixtures/requantized/expected.json,
// written by Scripts/dev/requantize-default-model). Skipped where the file has not been made.

/// The Q4_K_M figures, when the file is in the model cache.
private let q4KM: (path: String, figures: RequantizedTrajectory)? = {
    struct Entry: Decodable {
        let file: String
        let size_bytes: Int
        let prompt_tuning: RequantizedTrajectory?
    }
    guard !Fixtures.underSanitizer, let data = try? Fixtures.data("requantized/expected.json"),
          let all = try? JSONDecoder().decode([String: Entry].self, from: data),
          let entry = all["Q4_K_M"], let figures = entry.prompt_tuning else { return nil }
    let home = ProcessInfo.processInfo.environment["PTUNE_HOME"] ?? (NSHomeDirectory() + "/.cache/ptune")
    let path = home + "/models/requantized/" + entry.file
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    return size == entry.size_bytes ? (path, figures) : nil
}()

struct RequantizedTrajectory: Decodable {
    let steps: Int
    let loss_before_step: [Double]
    let grad_l2_norm_at_step: [Double]
    let prompt_l2_norm_after_step: [Double]
    let loss_after_last_step: Double
}

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
