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

        /// One logit row scored as the reference was: the top 10 by logit (lower id first on
        /// ties), their log-softmax in Double, and the worst |log-prob − reference| with its rank.
        public func score(_ logits: [Float]) -> (ids: [Int32], logProbs: [Double], worstDiff: Double, worstRank: Int) {
            let maximum = Double(logits.max()!)
            let logSumExp = maximum + Foundation.log(logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - maximum) })
            let top = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(10)
            let logProbs = top.map { Double(logits[$0]) - logSumExp }
            let diffs = zip(logProbs, top_logprobs).map { abs($0 - $1) }
            let worst = diffs.indices.max { diffs[$0] < diffs[$1] }!
            return (top.map { Int32($0) }, logProbs, diffs[worst], worst)
        }

        /// Failure text for `score`'s result: what was expected and what was found.
        public func describe(_ scored: (ids: [Int32], logProbs: [Double], worstDiff: Double, worstRank: Int)) -> String {
            "\(prompt.debugDescription): expected top-10 \(top_ids), got \(scored.ids); log-prob max diff \(scored.worstDiff) " +
                "at rank \(scored.worstRank): expected \(top_logprobs[scored.worstRank]), got \(scored.logProbs[scored.worstRank])"
        }
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
