import Numerics

/// A fixed, repeatable speed measurement for `Scripts/bench`: prefill a prompt of pseudo-random
/// ordinary tokens, then decode greedily for a fixed number of steps (stop tokens ignored, so the
/// work is the same on every run).
public enum DecodeBenchmark {
    /// Speeds measured by one run.
    public struct Result: Sendable, Equatable, Codable {
        /// Prompt length prefilled.
        public var promptTokens: Int
        /// Single-token steps decoded.
        public var decodeTokens: Int
        /// Prefill speed, prompt tokens per second.
        public var prefillTokensPerSecond: Double
        /// Decode speed, steps per second.
        public var decodeTokensPerSecond: Double
    }

    /// Prefills `promptTokens` tokens and decodes `decodeTokens` greedy tokens on `weights` (and the
    /// block kernels on `quantized`, when given), on the current `ThreadCount`. The prompt ids come
    /// from `SeededRNG(seed:)`, skipping the first `reservedIDs` ids (control tokens in most vocabularies).
    public static func run(weights: LlamaWeights, quantized: QuantizedWeights? = nil, promptTokens: Int = 64,
                           decodeTokens: Int = 64, seed: UInt64 = 0,
                           reservedIDs: Int = 17) throws(GenerationError) -> Result {
        var rng = SeededRNG(seed: seed)
        let vocab = weights.config.vocab
        let skip = reservedIDs < vocab ? reservedIDs : 0
        let prompt = (0..<promptTokens).map { _ in Int32(skip + rng.nextInt(below: vocab - skip)) }
        let session = InferenceSession(weights: weights, quantized: quantized, initialCapacity: promptTokens + decodeTokens + 1)
        let clock = ContinuousClock()

        let prefillStart = clock.now
        var logits = try session.prefill(tokens: prompt)
        let prefillTime = prefillStart.duration(to: clock.now).milliseconds

        let decodeStart = clock.now
        for _ in 0..<decodeTokens {
            logits = try session.step(token: Sampler.argmax(logits))
        }
        let decodeTime = decodeStart.duration(to: clock.now).milliseconds

        return Result(promptTokens: promptTokens, decodeTokens: decodeTokens,
                      prefillTokensPerSecond: prefillTime > 0 ? Double(promptTokens) * 1000 / prefillTime : 0,
                      decodeTokensPerSecond: decodeTime > 0 ? Double(decodeTokens) * 1000 / decodeTime : 0)
    }
}
