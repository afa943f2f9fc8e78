import Numerics

extension GGUFWriter {
    /// Adds a Llama model's hyperparameters and every weight tensor, with the names and shapes
    /// `LlamaWeights.load(from:)` expects. Matrices are encoded as `matrixType` (their input width
    /// must then be a multiple of its block size); norms stay F32. A tied model gets no `output.weight`.
    public mutating func addLlama(_ weights: LlamaWeights, matrixType: GGMLType = .f32) throws {
        let c = weights.config
        let arch = c.architecture
        set(GGUFKey.architecture, .string(arch))
        set(GGUFKey.contextLength(arch), .uint32(UInt32(c.contextLength)))
        set(GGUFKey.embeddingLength(arch), .uint32(UInt32(c.width)))
        set(GGUFKey.blockCount(arch), .uint32(UInt32(c.layers)))
        set(GGUFKey.feedForwardLength(arch), .uint32(UInt32(c.ffnWidth)))
        set(GGUFKey.headCount(arch), .uint32(UInt32(c.heads)))
        set(GGUFKey.headCountKV(arch), .uint32(UInt32(c.kvHeads)))
        set(GGUFKey.ropeFreqBase(arch), .float32(c.ropeTheta))
        set(GGUFKey.layerNormRMSEpsilon(arch), .float32(c.rmsEps))
        set(GGUFKey.ropeDimensionCount(arch), .uint32(UInt32(c.headSize)))
        set(GGUFKey.vocabSize(arch), .uint32(UInt32(c.vocab)))

        // C = width, NH·HS = q, KVH·HS = kv, F = ffn, V = vocab
        let q = c.heads * c.headSize, kv = c.kvHeads * c.headSize
        try addTensor(TensorName.tokenEmbedding, shape: [c.vocab, c.width], type: matrixType, values: weights.tokenEmbedding)
        for (i, l) in weights.layers.enumerated() {
            try addTensor(TensorName.attnNorm(i), shape: [c.width], values: l.attnNorm)
            try addTensor(TensorName.attnQ(i), shape: [q, c.width], type: matrixType, values: l.wq)
            try addTensor(TensorName.attnK(i), shape: [kv, c.width], type: matrixType, values: l.wk)
            try addTensor(TensorName.attnV(i), shape: [kv, c.width], type: matrixType, values: l.wv)
            try addTensor(TensorName.attnOutput(i), shape: [c.width, q], type: matrixType, values: l.wo)
            try addTensor(TensorName.ffnNorm(i), shape: [c.width], values: l.ffnNorm)
            try addTensor(TensorName.ffnGate(i), shape: [c.ffnWidth, c.width], type: matrixType, values: l.wGate)
            try addTensor(TensorName.ffnUp(i), shape: [c.ffnWidth, c.width], type: matrixType, values: l.wUp)
            try addTensor(TensorName.ffnDown(i), shape: [c.width, c.ffnWidth], type: matrixType, values: l.wDown)
        }
        try addTensor(TensorName.outputNorm, shape: [c.width], values: weights.outputNorm)
        if !c.tiedOutput {
            try addTensor(TensorName.output, shape: [c.vocab, c.width], type: matrixType, values: weights.output)
        }
    }
}
