/// Why generation ended.
public enum StopReason: String, Sendable, Equatable, Codable {
    /// A stop token (e.g. EOS) was generated.
    case eos
    /// `maxTokens` tokens were generated.
    case maxTokens = "max_tokens"
    /// The caller's `shouldStop` returned true (e.g. Ctrl-C).
    case interrupted
    /// The sequence reached the model's context length.
    case contextFull = "context_full"
}

/// Where the time went, measured on a monotonic clock.
public struct GenerationTiming: Sendable, Equatable, Codable {
    /// Rows run by the prefill (virtual tokens included).
    public var promptTokens: Int
    /// Wall time of the prefill, ending with the first logits.
    public var prefillMilliseconds: Double
    /// Tokens produced (a stop token included).
    public var generatedTokens: Int
    /// Single-token forward passes run after the prefill (the last token needs none).
    public var decodeSteps: Int
    /// Wall time of the decode loop: sampling plus every `step`.
    public var decodeMilliseconds: Double

    /// Creates a timing record.
    public init(promptTokens: Int, prefillMilliseconds: Double, generatedTokens: Int,
                decodeSteps: Int, decodeMilliseconds: Double) {
        self.promptTokens = promptTokens
        self.prefillMilliseconds = prefillMilliseconds
        self.generatedTokens = generatedTokens
        self.decodeSteps = decodeSteps
        self.decodeMilliseconds = decodeMilliseconds
    }

    /// Prompt rows per second of prefill.
    public var prefillTokensPerSecond: Double { Self.rate(promptTokens, prefillMilliseconds) }
    /// Decode steps per second.
    public var decodeTokensPerSecond: Double { Self.rate(decodeSteps, decodeMilliseconds) }

    private static func rate(_ count: Int, _ milliseconds: Double) -> Double {
        milliseconds > 0 ? Double(count) * 1000 / milliseconds : 0
    }
}

/// What one `Generator.generate` call produced.
public struct GenerationResult: Sendable, Equatable {
    /// The new token ids in order; ends with the stop token when `stopReason == .eos`
    /// (as Hugging Face's `generate` does).
    public var ids: [Int32]
    /// Why generation ended.
    public var stopReason: StopReason
    /// Prefill and decode timing.
    public var timing: GenerationTiming

    /// Creates a result.
    public init(ids: [Int32], stopReason: StopReason, timing: GenerationTiming) {
        self.ids = ids
        self.stopReason = stopReason
        self.timing = timing
    }

    /// The ids without a trailing stop token: what to show the user.
    public var contentIDs: [Int32] { stopReason == .eos ? Array(ids.dropLast()) : ids }
}

extension Duration {
    /// The duration in milliseconds, as a Double.
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
