import Foundation

/// The `next_token` and `greedy` entries of Tests/Fixtures/smollm2-goldens.json, decoded once for
/// every real-model test (field names as in the JSON).
public struct DecodingGoldens: Decodable, Sendable {
    /// One `next_token` entry: a prompt's top-10 next tokens.
    public struct NextTokenCase: Decodable, Sendable {
        public let prompt: String
        public let input_ids: [Int32]
        public let top_ids: [Int32]
        public let top_logprobs: [Double]
    }

    /// One `greedy` entry: 24 greedy ids and each step's top-1 − top-2 logit margin.
    public struct GreedyCase: Decodable, Sendable {
        public let prompt: String
        public let input_ids: [Int32]
        public let new_ids: [Int32]
        public let stopped_at_eos: Bool
        public let top1_minus_top2_logit: [Double]
    }

    public let next_token: [NextTokenCase]
    public let greedy: [GreedyCase]

    /// The decoded fixture, or nil when it cannot be read.
    public static let shared: DecodingGoldens? =
        try? JSONDecoder().decode(DecodingGoldens.self, from: Fixtures.data("smollm2-goldens.json"))
}
