/// One pair as token ids, ready for batching (DESIGN §2):
/// `inputIDs = tok(verbalize(input))`, `targetIDs = tok(" " + output) + [eos]`, tokenized
/// separately and without special tokens. Only `targetIDs` carry loss.
public struct TuningExample: Sendable, Hashable, Codable {
    /// The verbalized input's ids (after any truncation).
    public var inputIDs: [Int32]
    /// The output's ids followed by EOS (after any truncation; EOS always kept).
    public var targetIDs: [Int32]
    /// Index of the pair this came from in the list given to the builder.
    public var pairIndex: Int
    /// Where the pair was read from, for messages.
    public var location: PairLocation?

    /// Creates an example from its parts.
    public init(inputIDs: [Int32], targetIDs: [Int32], pairIndex: Int, location: PairLocation? = nil) {
        self.inputIDs = inputIDs
        self.targetIDs = targetIDs
        self.pairIndex = pairIndex
        self.location = location
    }

    /// The whole token sequence: input then target.
    public var ids: [Int32] { inputIDs + targetIDs }

    /// Number of tokens (input + target).
    public var tokenCount: Int { inputIDs.count + targetIDs.count }
}

/// Examples built from a list of pairs, with how many had to be cut to fit the limits.
public struct ExampleSet: Sendable, Equatable {
    /// One example per pair, in the same order.
    public var examples: [TuningExample]
    /// Pairs whose input was shortened to fit `maxInputTokens`.
    public var inputsCut: Int
    /// Pairs whose output was shortened to fit `maxOutputTokens`.
    public var targetsCut: Int

    /// Creates a set.
    public init(examples: [TuningExample], inputsCut: Int, targetsCut: Int) {
        self.examples = examples
        self.inputsCut = inputsCut
        self.targetsCut = targetsCut
    }

    /// Target tokens over all examples: the denominator of the mean loss.
    public var targetTokenCount: Int { examples.reduce(0) { $0 + $1.targetIDs.count } }
}
