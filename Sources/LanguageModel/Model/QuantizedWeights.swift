import Numerics

// C = width, NH = query heads, KVH = kv heads, HS = head size, F = feed-forward width,
// V = vocabulary, L = layers.

/// One block's matrices as views of their GGUF bytes; nil where the file's format has no
/// block kernel (that product then runs on the Float32 weights).
public struct QuantizedLayer: Sendable {
    /// attn_q: (NH·HS, C)
    public var wq: QuantizedMatrix?
    /// attn_k: (KVH·HS, C)
    public var wk: QuantizedMatrix?
    /// attn_v: (KVH·HS, C)
    public var wv: QuantizedMatrix?
    /// attn_output: (C, NH·HS)
    public var wo: QuantizedMatrix?
    /// ffn_gate: (F, C)
    public var wGate: QuantizedMatrix?
    /// ffn_up: (F, C)
    public var wUp: QuantizedMatrix?
    /// ffn_down: (C, F)
    public var wDown: QuantizedMatrix?
}

/// The model's weight matrices read in place from the memory-mapped GGUF file, in their block
/// formats (`QuantizedMatrix.kernelFormats`: Q4_1, Q8_0, Q4_K, Q5_K, Q6_K), for the decode kernels: one token then reads ~100 MB instead of the
/// ~540 MB of the Float32 copies in `LlamaWeights`, which stay the reference and the training path.
///
/// Holds the `GGUFFile`, which keeps the mapping alive for as long as any view is used.
public final class QuantizedWeights: Sendable {
    /// The file the views point into.
    public let file: GGUFFile
    /// The model's shape.
    public let config: LlamaConfig
    /// One entry per block, L in all.
    public let layers: [QuantizedLayer]
    /// The LM head (V, C): `output.weight`, or the token embedding table when tied.
    public let output: QuantizedMatrix?

    /// Builds views of every matrix of `file` that is in a kernel format, checking each shape
    /// against the configuration read from the same file.
    public init(file: GGUFFile) throws {
        let config = try LlamaConfig(gguf: file)
        let c = config.width, q = config.heads * config.headSize, kv = config.kvHeads * config.headSize
        let f = config.ffnWidth

        /// A view of tensor `name` of row-major shape `[rows, columns]`, or nil for other formats.
        func view(_ name: String, _ rows: Int, _ columns: Int) throws -> QuantizedMatrix? {
            guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
            guard info.shape == [rows, columns] else {
                throw GGUFError.shapeMismatch(tensor: name, expected: [rows, columns], found: info.shape)
            }
            // The pointer outlives `withBytes`: the bytes belong to `file`'s immutable mapping,
            // which lives as long as `self` holds `file`.
            let base = file.withBytes(of: info) { $0.baseAddress }
            guard let base else { return nil }
            return QuantizedMatrix(type: info.type, rows: rows, columns: columns, base: base)
        }

        var blocks: [QuantizedLayer] = []
        for i in 0..<config.layers {
            blocks.append(QuantizedLayer(
                wq: try view(TensorName.attnQ(i), q, c), wk: try view(TensorName.attnK(i), kv, c),
                wv: try view(TensorName.attnV(i), kv, c), wo: try view(TensorName.attnOutput(i), c, q),
                wGate: try view(TensorName.ffnGate(i), f, c), wUp: try view(TensorName.ffnUp(i), f, c),
                wDown: try view(TensorName.ffnDown(i), c, f)))
        }
        self.file = file
        self.config = config
        self.layers = blocks
        self.output = try view(config.tiedOutput ? TensorName.tokenEmbedding : TensorName.output, config.vocab, c)
    }

    /// How many of the model's matrices (7 per block plus the head) have a block kernel.
    public var kernelMatrixCount: Int {
        layers.reduce(output == nil ? 0 : 1) { count, l in
            count + [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown].filter { $0 != nil }.count
        }
    }

    /// Bytes one decoded token reads from the matrices that have a kernel.
    public var kernelBytes: Int {
        let all = layers.flatMap { [$0.wq, $0.wk, $0.wv, $0.wo, $0.wGate, $0.wUp, $0.wDown] } + [output]
        return all.reduce(0) { $0 + ($1.map { $0.rows * $0.rowBytes } ?? 0) }
    }
}
