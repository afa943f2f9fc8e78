/// What the model reads before generating: token ids, or embedding rows (prompt-tuning `ask`
/// prepends virtual-token rows that are not tokens).
public enum GenerationPrompt: Sendable {
    /// Token ids, embedded from the model's table.
    case tokens([Int32])
    /// Embedding rows, flat: (T, C).
    case embeddings([Float])
}

/// The streaming generation loop: prefill the prompt, then sample, report and step one token at a
/// time until a stop token, the token budget, an interruption or the end of the context.
public final class Generator {
    /// The session that runs the model; reset at the start of every `generate`.
    public let session: InferenceSession

    /// Creates a generator over a fresh session for `weights`; with `quantized` (views of the same
    /// model's GGUF file) each decoded token runs on the block kernels.
    public convenience init(weights: LlamaWeights, quantized: QuantizedWeights? = nil) {
        self.init(session: InferenceSession(weights: weights, quantized: quantized))
    }

    /// Creates a generator over an existing session (its storage is reused).
    public init(session: InferenceSession) {
        self.session = session
    }

    /// Generates up to `maxTokens` tokens after `prompt`.
    ///
    /// - Parameters:
    ///   - stopAt: tokens that end generation (e.g. EOS); the stop token is kept as the last id of
    ///     the result but not passed to `onToken`.
    ///   - sampler: picks each token; its generator advances, so calls in a row draw fresh tokens.
    ///   - shouldStop: polled before each token; returning true ends with `.interrupted`.
    ///   - onToken: called with each kept token as soon as it is chosen (for streaming output).
    public func generate(prompt: GenerationPrompt, maxTokens: Int, stopAt: Set<Int32> = [],
                         sampler: inout Sampler, shouldStop: () -> Bool = { false },
                         onToken: (Int32) -> Void = { _ in }) throws(GenerationError) -> GenerationResult {
        let clock = ContinuousClock()
        session.reset()

        let prefillStart = clock.now
        var logits: UnsafeBufferPointer<Float>
        let promptTokens: Int
        switch prompt {
        case .tokens(let ids):
            logits = try session.prefill(tokens: ids)
            promptTokens = ids.count
        case .embeddings(let rows):
            logits = try session.prefill(embeddings: rows)
            promptTokens = rows.count / session.config.width
        }
        let prefillTime = prefillStart.duration(to: clock.now)

        var ids: [Int32] = []
        ids.reserveCapacity(max(0, maxTokens))
        var reason = StopReason.maxTokens
        var steps = 0
        let decodeStart = clock.now
        while ids.count < maxTokens {
            if shouldStop() { reason = .interrupted; break }
            let token = sampler.sample(logits)
            ids.append(token)
            if stopAt.contains(token) { reason = .eos; break }
            onToken(token)
            if ids.count == maxTokens { break }
            if session.position >= session.cache.limit { reason = .contextFull; break }
            logits = try session.step(token: token)
            steps += 1
        }
        let decodeTime = decodeStart.duration(to: clock.now)

        let timing = GenerationTiming(promptTokens: promptTokens, prefillMilliseconds: prefillTime.milliseconds,
                                      generatedTokens: ids.count, decodeSteps: steps,
                                      decodeMilliseconds: decodeTime.milliseconds)
        return GenerationResult(ids: ids, stopReason: reason, timing: timing)
    }
}
