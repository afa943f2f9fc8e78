import Numerics

/// One transformer block's weights, dequantized to Float32, each a row-major matrix `(out, in)`
/// exactly as GGUF stores it (GGUF `ne = [in, out]`). Q/K rows are in GGUF (interleaved-RoPE) order.
public struct LayerWeights: Sendable {
    /// attn_norm: (C)
    public var attnNorm: [Float]
    /// attn_q: (NH*HS, C)
    public var wq: [Float]
    /// attn_k: (KVH*HS, C)
    public var wk: [Float]
    /// attn_v: (KVH*HS, C)
    public var wv: [Float]
    /// attn_output: (C, NH*HS)
    public var wo: [Float]
    /// ffn_norm: (C)
    public var ffnNorm: [Float]
    /// ffn_gate: (F, C)
    public var wGate: [Float]
    /// ffn_up: (F, C)
    public var wUp: [Float]
    /// ffn_down: (C, F)
    public var wDown: [Float]

    /// Creates a block's weights from its tensors.
    public init(attnNorm: [Float], wq: [Float], wk: [Float], wv: [Float], wo: [Float],
                ffnNorm: [Float], wGate: [Float], wUp: [Float], wDown: [Float]) {
        self.attnNorm = attnNorm
        self.wq = wq
        self.wk = wk
        self.wv = wv
        self.wo = wo
        self.ffnNorm = ffnNorm
        self.wGate = wGate
        self.wUp = wUp
        self.wDown = wDown
    }
}

/// All weights of a Llama-family model in Float32. Immutable once built: the base model is frozen.
public final class LlamaWeights: Sendable {
    /// The model's shape.
    public let config: LlamaConfig
    /// token_embd: (V, C)
    public let tokenEmbedding: [Float]
    /// One entry per block, L in all.
    public let layers: [LayerWeights]
    /// output_norm: (C)
    public let outputNorm: [Float]
    /// output: (V, C); shares storage with `tokenEmbedding` when the head is tied.
    public let output: [Float]

    /// Creates the weights; `output` nil means tied to the embedding table.
    public init(config: LlamaConfig, tokenEmbedding: [Float], layers: [LayerWeights],
                outputNorm: [Float], output: [Float]?) {
        precondition(tokenEmbedding.count == config.vocab * config.width, "token_embd size")
        precondition(layers.count == config.layers, "layer count")
        self.config = config
        self.tokenEmbedding = tokenEmbedding
        self.layers = layers
        self.outputNorm = outputNorm
        self.output = output ?? tokenEmbedding
    }

    /// Random weights for tests and tiny models: matrices uniform in ±1/sqrt(fan-in) scaled by
    /// `scale`, norms around 1, all from one seeded generator so a seed names one model.
    public static func random(config: LlamaConfig, seed: UInt64, scale: Float = 1) -> LlamaWeights {
        var rng = SeededRNG(seed: seed)
        func matrix(_ rows: Int, _ cols: Int) -> [Float] {
            let bound = scale / Float(cols).squareRoot()
            return (0..<(rows * cols)).map { _ in (rng.nextFloat() * 2 - 1) * bound }
        }
        func norm(_ n: Int) -> [Float] { (0..<n).map { _ in 0.8 + 0.4 * rng.nextFloat() } }
        let c = config.width, q = config.heads * config.headSize, kv = config.kvHeads * config.headSize
        let embedding = (0..<(config.vocab * c)).map { _ in (rng.nextFloat() * 2 - 1) * scale }
        var blocks: [LayerWeights] = []
        for _ in 0..<config.layers {
            blocks.append(LayerWeights(
                attnNorm: norm(c), wq: matrix(q, c), wk: matrix(kv, c), wv: matrix(kv, c), wo: matrix(c, q),
                ffnNorm: norm(c), wGate: matrix(config.ffnWidth, c), wUp: matrix(config.ffnWidth, c),
                wDown: matrix(c, config.ffnWidth)))
        }
        let output = config.tiedOutput ? nil : matrix(config.vocab, c)
        return LlamaWeights(config: config, tokenEmbedding: embedding, layers: blocks,
                            outputNorm: norm(c), output: output)
    }
}
