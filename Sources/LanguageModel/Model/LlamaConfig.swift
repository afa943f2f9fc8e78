/// The shape of a Llama-family model: everything the forward pass needs besides the weights.
///
/// Dimension letters used across LanguageModel: `C` = width, `NH` = query heads, `KVH` = kv heads,
/// `HS` = head size, `F` = feed-forward width, `V` = vocabulary, `L` = layers.
public struct LlamaConfig: Sendable, Equatable, Codable {
    /// The GGUF `general.architecture` value, e.g. `llama`.
    public var architecture: String
    /// Number of transformer blocks (L).
    public var layers: Int
    /// Embedding width (C).
    public var width: Int
    /// Query heads (NH).
    public var heads: Int
    /// Key/value heads (KVH); query head `h` reads kv head `h / (NH / KVH)`.
    public var kvHeads: Int
    /// Head size (HS); `NH * HS` need not equal C in general, but does for SmolLM2.
    public var headSize: Int
    /// Feed-forward (SwiGLU) width (F).
    public var ffnWidth: Int
    /// Vocabulary size (V).
    public var vocab: Int
    /// The longest sequence the model was trained for.
    public var contextLength: Int
    /// RoPE base frequency.
    public var ropeTheta: Float
    /// RMSNorm epsilon.
    public var rmsEps: Float
    /// Whether the output head is the token-embedding table (no separate `output.weight`).
    public var tiedOutput: Bool

    /// Creates a configuration from its parts.
    public init(architecture: String = "llama", layers: Int, width: Int, heads: Int, kvHeads: Int,
                headSize: Int, ffnWidth: Int, vocab: Int, contextLength: Int,
                ropeTheta: Float, rmsEps: Float, tiedOutput: Bool) {
        self.architecture = architecture
        self.layers = layers
        self.width = width
        self.heads = heads
        self.kvHeads = kvHeads
        self.headSize = headSize
        self.ffnWidth = ffnWidth
        self.vocab = vocab
        self.contextLength = contextLength
        self.ropeTheta = ropeTheta
        self.rmsEps = rmsEps
        self.tiedOutput = tiedOutput
    }

    /// Number of scalar parameters, counting a tied output head once.
    public var parameterCount: Int {
        let attention = width * heads * headSize * 2 + width * kvHeads * headSize * 2
        let mlp = 3 * width * ffnWidth
        let perLayer = attention + mlp + 2 * width
        return vocab * width * (tiedOutput ? 1 : 2) + layers * perLayer + width
    }
}
