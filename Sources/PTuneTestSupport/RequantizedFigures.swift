import Foundation

// The reference figures of the default model requantized by llama.cpp
// (Tests/Fixtures/requantized/expected.json, written by Scripts/dev/requantize-default-model),
// shared by the LanguageModel and PromptTuning tests that compare with them.

/// One type's figures in `requantized/expected.json`.
public struct RequantizedFigures: Decodable, Sendable {
    public struct NextToken: Decodable, Sendable {
        public let input_ids: [Int32]
        public let top_ids: [Int]
        public let top_logprobs: [Double]
    }
    public struct Greedy: Decodable, Sendable {
        public let input_ids: [Int32]
        public let new_ids: [Int32]
        public let margins: [Double]
    }
    public struct Trajectory: Decodable, Sendable {
        public let steps: Int
        public let loss_before_step: [Double]
        public let grad_l2_norm_at_step: [Double]
        public let prompt_l2_norm_after_step: [Double]
        public let loss_after_last_step: Double
    }
    public let file: String
    public let size_bytes: Int
    public let tensor_type_counts: [String: Int]
    public let next_token: [NextToken]
    public let greedy: [Greedy]
    public let prompt_tuning: Trajectory?

    public static let all: [String: RequantizedFigures] = {
        guard let data = try? Fixtures.data("requantized/expected.json") else { return [:] }
        return (try? JSONDecoder().decode([String: RequantizedFigures].self, from: data)) ?? [:]
    }()

    /// The file in the model cache when it is there and has the size the figures were made from
    /// (`Scripts/dev/requantize-default-model` puts it in `models/requantized`; Q4_1 is the default
    /// file itself). Nil under a sanitizer, like every real-model test.
    public var path: String? {
        if Fixtures.underSanitizer { return nil }
        let folder = file == "SmolLM2-135M-Instruct.Q4_1.gguf" ? Fixtures.modelCache : Fixtures.modelCache + "/requantized"
        let path = folder + "/" + file
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return size == size_bytes ? path : nil
    }
}
