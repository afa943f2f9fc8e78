// Dimension letters: N = virtual tokens, C = model width (token_dim).

/// The trainable prompt: N virtual-token embeddings of width C that are prepended to every
/// example's token embeddings. The only tensor prompt tuning changes.
public struct PromptVector: Sendable, Codable, Equatable {
    /// N: virtual tokens.
    public let rows: Int
    /// C: embedding width.
    public let width: Int
    /// values: (N, C) row-major.
    public var values: [Float]
    /// The vocabulary tokens the rows were copied from (text or vocab init); empty for random.
    public var sourceTokenIDs: [Int32]
    /// How the vector was made, in words, e.g. `text "Classify …" (8 tokens)`.
    public var initDescription: String
    /// The init text, for text-initialized vectors (PEFT's `prompt_tuning_init_text`).
    public var initText: String?

    /// PEFT's `prompt_tuning_init` for how this vector started: TEXT, RANDOM or SAMPLE_VOCAB.
    public var peftInitName: String {
        if initText != nil || initDescription.hasPrefix("text") { return "TEXT" }
        return initDescription.hasPrefix("vocab") ? "SAMPLE_VOCAB" : "RANDOM"
    }

    /// Creates a vector; `values` must hold `rows · width` numbers.
    public init(rows: Int, width: Int, values: [Float], sourceTokenIDs: [Int32] = [], initDescription: String) {
        precondition(rows >= 0 && width >= 0 && values.count == rows * width, "prompt values: (N, C)")
        self.rows = rows
        self.width = width
        self.values = values
        self.sourceTokenIDs = sourceTokenIDs
        self.initDescription = initDescription
    }

    /// Row `k` (one virtual token): (C).
    public func row(_ k: Int) -> ArraySlice<Float> { values[k * width ..< (k + 1) * width] }

    /// Frobenius norm of the whole (N, C) matrix, summed in Double.
    public var norm: Double { Self.norm(values[...]) }

    /// (N) the L2 norm of each virtual token.
    public var rowNorms: [Double] { (0..<rows).map { Self.norm(row($0)) } }

    /// Whether every value is finite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }

    private static func norm(_ values: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for value in values { sum += Double(value) * Double(value) }
        return sum.squareRoot()
    }
}
