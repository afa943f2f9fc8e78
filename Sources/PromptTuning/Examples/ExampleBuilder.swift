/// Token limits applied when pairs become examples; nil means no limit.
public struct ExampleLimits: Sendable, Hashable, Codable {
    /// Longest verbalized input, in tokens (template text included).
    public var maxInputTokens: Int?
    /// Longest target, in tokens, EOS included.
    public var maxOutputTokens: Int?

    /// Creates limits.
    public init(maxInputTokens: Int? = nil, maxOutputTokens: Int? = nil) {
        self.maxInputTokens = maxInputTokens
        self.maxOutputTokens = maxOutputTokens
    }
}

/// Turns pairs into `TuningExample`s: verbalize, tokenize input and target separately, append
/// EOS, and cut to the limits. Cutting an input shortens the *input field* token-wise and
/// re-verbalizes, so the template's own words ("Output:") are never cut away.
public struct ExampleBuilder: Sendable, Hashable {
    /// The template the inputs are filled into.
    public var verbalizer: Verbalizer
    /// The token limits.
    public var limits: ExampleLimits

    /// Creates a builder.
    public init(verbalizer: Verbalizer = .standard, limits: ExampleLimits = ExampleLimits()) {
        self.verbalizer = verbalizer
        self.limits = limits
    }

    /// One example per pair, in order, and how many were cut. Fails as a whole when a limit
    /// cannot be met (e.g. the template alone is longer than `maxInputTokens`).
    public func build(_ pairs: [TrainingPair], tokenizer: some TextTokenizer) throws(ExampleError) -> ExampleSet {
        var examples: [TuningExample] = []
        examples.reserveCapacity(pairs.count)
        var inputsCut = 0, targetsCut = 0
        for (index, pair) in pairs.enumerated() {
            let (input, inputWasCut) = try inputIDs(for: pair.input, tokenizer: tokenizer)
            let (target, targetWasCut) = try targetIDs(for: pair.output, tokenizer: tokenizer)
            examples.append(TuningExample(inputIDs: input, targetIDs: target, pairIndex: index, location: pair.location))
            if inputWasCut { inputsCut += 1 }
            if targetWasCut { targetsCut += 1 }
        }
        return ExampleSet(examples: examples, inputsCut: inputsCut, targetsCut: targetsCut)
    }

    // MARK: - Input

    /// `tok(verbalize(input))`, cut to `maxInputTokens` by shortening the input field; the Bool
    /// says whether it was cut. Also what `ask` feeds the model (no target, no EOS).
    public func inputIDs(for input: String, tokenizer: some TextTokenizer) throws(ExampleError) -> ([Int32], Bool) {
        let full = tokenizer.encode(verbalizer.verbalize(input))
        guard let limit = limits.maxInputTokens, full.count > limit else { return (full, false) }
        guard limit >= 1 else { throw .invalidLimit(name: "max_input_tokens", value: limit) }
        let own = tokenizer.encode(input)
        // Tokens the template adds around the input; a first guess at how many input tokens fit.
        let overhead = max(0, full.count - own.count)
        var keep = min(max(limit - overhead, 0), max(own.count - 1, 0))
        // Token boundaries can move when the cut input is re-verbalized; shrink until it fits.
        while keep >= 0 {
            let prefix = Self.dropBrokenTail(tokenizer.decode(Array(own.prefix(keep))))
            let ids = tokenizer.encode(verbalizer.verbalize(prefix))
            if ids.count <= limit { return (ids, true) }
            keep -= 1
        }
        let templateOnly = tokenizer.encode(verbalizer.verbalize("")).count
        throw .templateTooLong(maxInputTokens: limit, templateTokens: templateOnly)
    }

    // MARK: - Target

    /// `tok(" " + output) + [eos]`, cut to `maxOutputTokens` with EOS kept last.
    public func targetIDs(for output: String, tokenizer: some TextTokenizer) throws(ExampleError) -> ([Int32], Bool) {
        var ids = tokenizer.encode(" " + output)
        var cut = false
        if let limit = limits.maxOutputTokens {
            guard limit >= 1 else { throw .invalidLimit(name: "max_output_tokens", value: limit) }
            if ids.count + 1 > limit {
                ids = Array(ids.prefix(limit - 1))
                cut = true
            }
        }
        ids.append(tokenizer.eosID)
        return (ids, cut)
    }

    /// Drops replacement characters left at the end when a cut split a multi-byte character.
    static func dropBrokenTail(_ text: String) -> String {
        var text = text
        while text.unicodeScalars.last == "\u{FFFD}" { text.unicodeScalars.removeLast() }
        return text
    }
}

/// Why pairs could not become examples.
public enum ExampleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template alone does not fit in `max_input_tokens`.
    case templateTooLong(maxInputTokens: Int, templateTokens: Int)
    /// A limit below 1.
    case invalidLimit(name: String, value: Int)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .templateTooLong(limit, templateTokens):
            return "expected the verbalizer template to fit in max_input_tokens = \(limit), found \(templateTokens) tokens without any input"
        case let .invalidLimit(name, value):
            return "expected \(name) to be at least 1, found \(value)"
        }
    }
}
