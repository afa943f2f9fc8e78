import Numerics

// B = batch rows, T = positions, N = B·T, C = width, NH = query heads, KVH = kv heads, HS = head size,
// F = feed-forward width, V = vocabulary, R = output rows (positions whose logits are needed), L = layers.

/// The Llama-family network for prompt tuning: a batched training forward over input embeddings that
/// keeps every activation the backward needs, and a backward from logit gradients to the input
/// embeddings. The weights are frozen; no weight gradient is ever formed.
///
/// Per block (GGUF / HF `LlamaDecoderLayer`):
/// `h = x + W_o · attn(rope(W_q · n₁), rope(W_k · n₁), W_v · n₁)` with `n₁ = rmsnorm(x) · attn_norm`,
/// `x' = h + W_down · (silu(W_gate · n₂) · W_up · n₂)` with `n₂ = rmsnorm(h) · ffn_norm`;
/// then `logits = (rmsnorm(x_L) · output_norm) · Eᵀ` at the output positions only.
public final class LlamaModel: @unchecked Sendable {  // immutable after init: weights, config and the RoPE table
    /// The model's shape.
    public let config: LlamaConfig
    /// The frozen weights.
    public let weights: LlamaWeights
    /// cos/sin for every position up to the context length.
    let rope: RoPE.Table
    /// The LM head's table in its GGUF block format, when it is Q8_0 and the CPU has the kernels:
    /// the packed training path's head reads it instead of the Float32 copy (`QuantizedHead`),
    /// a quarter of the bytes. Its values are the Float32 table's, so only the sums' order changes.
    let headTable: QuantizedMatrix?
    /// Keeps `headTable`'s bytes (the mapped file) alive.
    private let quantized: QuantizedWeights?

    /// Wraps frozen weights; `quantized`, the same file's block-format views, lets the training
    /// path read the LM head from its Q8_0 table (`weights` must be that file's, dequantized).
    public init(weights: LlamaWeights, quantized: QuantizedWeights? = nil) {
        self.config = weights.config
        self.weights = weights
        self.rope = RoPE.Table(headSize: config.headSize, theta: config.ropeTheta,
                               positions: max(1, config.contextLength))
        self.quantized = quantized
        self.headTable = quantized?.output.flatMap { table in
            table.rows == weights.config.vocab && table.columns == weights.config.width && QuantizedHead.supports(table)
                ? table : nil
        }
    }

    /// Whether the packed training path reads the LM head from the Q8_0 table.
    public var readsQuantizedHead: Bool { headTable != nil }

    // MARK: - Shapes

    private func normShape(rows: Int) -> RMSNorm.Shape { .init(rows: rows, width: config.width, eps: config.rmsEps) }
    private func linear(_ rows: Int, _ i: Int, _ o: Int) -> Linear.Shape { .init(rows: rows, inFeatures: i, outFeatures: o) }

    // MARK: - Embedding

    /// Embeddings of token ids: (T, C).
    public func embed(_ ids: [Int32]) -> [Float] {
        var out = [Float](repeating: 0, count: ids.count * config.width)
        out.withUnsafeMutableBufferPointer { o in
            ids.withUnsafeBufferPointer { i in
                weights.tokenEmbedding.withUnsafeBufferPointer { table in
                    Embedding.forward(out: o.baseAddress!, ids: i, table: table.baseAddress!,
                                      width: config.width, vocab: config.vocab)
                }
            }
        }
        return out
    }

    // MARK: - Forward

    /// Batched training forward.
    /// - Parameters:
    ///   - inputs: (B, T, C) embeddings, right-padded
    ///   - lengths: (B) — real rows of each batch row; rows `t >= lengths[b]` are padding
    ///   - outputPositions: (R) pairs `(b, t)` whose logits are needed, each a real row
    ///   - activations: filled with everything `backward` reads (re-laid out for this shape)
    /// - Returns: logits (R, V) in the order of `outputPositions`.
    public func forward(inputs: UnsafeBufferPointer<Float>, batch: Int, length: Int, lengths: [Int],
                        outputPositions: [(Int, Int)], activations: ActivationArena) -> [Float] {
        let c = config.width, n = batch * length, r = outputPositions.count
        let qw = config.heads * config.headSize, kw = config.kvHeads * config.headSize, f = config.ffnWidth
        precondition(inputs.count == n * c, "inputs hold \(inputs.count) floats, expected B·T·C = \(n * c)")
        precondition(lengths.count == batch, "lengths has \(lengths.count) entries, expected B = \(batch)")
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= length }, "every length must be in 0...\(length)")
        precondition(length <= rope.positions, "length \(length) exceeds the context length \(rope.positions)")
        let rows = outputPositions.map { b, t in
            precondition(b >= 0 && b < batch && t >= 0 && t < lengths[b], "output position (\(b), \(t)) is not a real row")
            return b * length + t
        }
        let a = activations
        a.prepare(batch: batch, length: length, outputs: r)
        a.lengths = lengths
        a.outputRows = rows
        let attention = Attention.Shape(batch: batch, length: length, heads: config.heads,
                                        kvHeads: config.kvHeads, headSize: config.headSize)
        let ropeQ = RoPE.Shape(batch: batch, length: length, heads: config.heads, headSize: config.headSize)
        let ropeK = RoPE.Shape(batch: batch, length: length, heads: config.kvHeads, headSize: config.headSize)

        a.view(.residual, layer: 0).update(from: inputs.baseAddress!, count: n * c)
        for l in 0..<config.layers {
            weights.layers[l].withPointers { w in
                let x = a.view(.residual, layer: l), normed = a.view(.normed)
                let q = a.view(.q, layer: l), k = a.view(.k, layer: l), v = a.view(.v, layer: l)
                let mid = a.view(.mid, layer: l), branch = a.view(.branch)
                let gate = a.view(.gate, layer: l), up = a.view(.up, layer: l), hidden = a.view(.hidden)
                // attention branch: h = x + W_o · attn(…)
                RMSNorm.forward(out: normed, rstd: a.view(.attnRstd, layer: l), input: x, weight: w.attnNorm,
                                shape: normShape(rows: n))
                Linear.forward(out: q, input: normed, weight: w.wq, shape: linear(n, c, qw))
                Linear.forward(out: k, input: normed, weight: w.wk, shape: linear(n, c, kw))
                Linear.forward(out: v, input: normed, weight: w.wv, shape: linear(n, c, kw))
                RoPE.forward(out: q, input: q, shape: ropeQ, table: rope)
                RoPE.forward(out: k, input: k, shape: ropeK, table: rope)
                Attention.forward(out: a.view(.attnOut), att: a.view(.att, layer: l), q: q, k: k, v: v,
                                  lengths: lengths, shape: attention)
                Linear.forward(out: branch, input: a.view(.attnOut), weight: w.wo, shape: linear(n, qw, c))
                Residual.forward(out: mid, a: x, b: branch, count: n * c)
                // MLP branch: x' = h + W_down · (silu(W_gate · n₂) · W_up · n₂)
                RMSNorm.forward(out: normed, rstd: a.view(.ffnRstd, layer: l), input: mid, weight: w.ffnNorm,
                                shape: normShape(rows: n))
                Linear.forward(out: gate, input: normed, weight: w.wGate, shape: linear(n, c, f))
                Linear.forward(out: up, input: normed, weight: w.wUp, shape: linear(n, c, f))
                SwiGLU.forward(out: hidden, gate: gate, up: up, count: n * f)
                Linear.forward(out: branch, input: hidden, weight: w.wDown, shape: linear(n, f, c))
                Residual.forward(out: a.view(.residual, layer: l + 1), a: mid, b: branch, count: n * c)
            }
        }
        // head: only the R rows that predict a target
        var logits = [Float](repeating: 0, count: r * config.vocab)
        LMHead.gather(out: a.view(.headInput), input: a.view(.residual, layer: config.layers), rows: rows, width: c)
        weights.outputNorm.withUnsafeBufferPointer { norm in
            RMSNorm.forward(out: a.view(.headNormed), rstd: a.view(.headRstd), input: a.view(.headInput),
                            weight: norm.baseAddress!, shape: normShape(rows: r))
        }
        logits.withUnsafeMutableBufferPointer { out in
            weights.output.withUnsafeBufferPointer { e in
                LMHead.forward(logits: out.baseAddress!, input: a.view(.headNormed), output: e.baseAddress!,
                               rows: r, width: c, vocab: config.vocab)
            }
        }
        a.hasForward = true
        return logits
    }

    // MARK: - Backward

    /// Backward from `dLogits` to the input embeddings. The caller scales `dLogits` by the loss
    /// (e.g. `(softmax − onehot) / number of target tokens` for mean cross-entropy).
    /// - Parameters:
    ///   - dLogits: (R, V) — gradient of the loss w.r.t. the logits `forward` returned
    ///   - activations: as left by the matching `forward`
    ///   - dInputs: (B, T, C) — overwritten; padding rows get zero
    public func backward(dLogits: UnsafeBufferPointer<Float>, activations: ActivationArena,
                         dInputs: UnsafeMutableBufferPointer<Float>) {
        let a = activations, layout = a.layout
        precondition(a.hasForward, "backward needs the activations of a forward with the same arena")
        let batch = layout.batch, length = layout.length, n = batch * length, r = layout.outputs
        let c = config.width, f = config.ffnWidth
        let qw = config.heads * config.headSize, kw = config.kvHeads * config.headSize
        precondition(dLogits.count == r * config.vocab, "dLogits holds \(dLogits.count) floats, expected R·V = \(r * config.vocab)")
        precondition(dInputs.count == n * c, "dInputs holds \(dInputs.count) floats, expected B·T·C = \(n * c)")
        let attention = Attention.Shape(batch: batch, length: length, heads: config.heads,
                                        kvHeads: config.kvHeads, headSize: config.headSize)
        let ropeQ = RoPE.Shape(batch: batch, length: length, heads: config.heads, headSize: config.headSize)
        let ropeK = RoPE.Shape(batch: batch, length: length, heads: config.kvHeads, headSize: config.headSize)

        // head: forward was logits = (rmsnorm(x_L[rows]) · output_norm) · Eᵀ
        a.zero(.dHeadNormed)
        a.zero(.dHeadInput)
        a.zero(.dResidual)
        weights.output.withUnsafeBufferPointer { e in
            LMHead.backward(dInput: a.view(.dHeadNormed), dLogits: dLogits.baseAddress!, output: e.baseAddress!,
                            rows: r, width: c, vocab: config.vocab)
        }
        weights.outputNorm.withUnsafeBufferPointer { norm in
            RMSNorm.backward(dInput: a.view(.dHeadInput), dOut: a.view(.dHeadNormed), input: a.view(.headInput),
                             weight: norm.baseAddress!, rstd: a.view(.headRstd), shape: normShape(rows: r))
        }
        LMHead.scatter(dInput: a.view(.dResidual), dOut: a.view(.dHeadInput), rows: a.outputRows, width: c)

        for l in stride(from: config.layers - 1, through: 0, by: -1) {
            weights.layers[l].withPointers { w in
                let dResidual = a.view(.dResidual), dMid = a.view(.dMid), dBranch = a.view(.dBranch)
                let dNormed = a.view(.dNormed)
                // MLP branch. Forward was x' = h + W_down · (silu(g) · u), g = W_gate·n₂, u = W_up·n₂, n₂ = rmsnorm(h)·ffn_norm
                a.zero(.dMid); a.zero(.dBranch)
                Residual.backward(dA: dMid, dB: dBranch, dOut: dResidual, count: n * c)
                a.zero(.dHidden); a.zero(.dGate); a.zero(.dUp); a.zero(.dNormed)
                Linear.backward(dInput: a.view(.dHidden), dOut: dBranch, weight: w.wDown, shape: linear(n, f, c))
                SwiGLU.backward(dGate: a.view(.dGate), dUp: a.view(.dUp), dOut: a.view(.dHidden),
                                gate: a.view(.gate, layer: l), up: a.view(.up, layer: l), count: n * f)
                Linear.backward(dInput: dNormed, dOut: a.view(.dGate), weight: w.wGate, shape: linear(n, c, f))
                Linear.backward(dInput: dNormed, dOut: a.view(.dUp), weight: w.wUp, shape: linear(n, c, f))
                RMSNorm.backward(dInput: dMid, dOut: dNormed, input: a.view(.mid, layer: l), weight: w.ffnNorm,
                                 rstd: a.view(.ffnRstd, layer: l), shape: normShape(rows: n))
                // attention branch. Forward was h = x + W_o · attn(rope(W_q·n₁), rope(W_k·n₁), W_v·n₁), n₁ = rmsnorm(x)·attn_norm
                a.zero(.dResidual); a.zero(.dBranch)
                Residual.backward(dA: dResidual, dB: dBranch, dOut: dMid, count: n * c)
                a.zero(.dAttnOut)
                Linear.backward(dInput: a.view(.dAttnOut), dOut: dBranch, weight: w.wo, shape: linear(n, qw, c))
                a.zero(.dq); a.zero(.dk); a.zero(.dv)
                Attention.backward(dq: a.view(.dq), dk: a.view(.dk), dv: a.view(.dv), dAtt: a.view(.dAtt),
                                   dOut: a.view(.dAttnOut), att: a.view(.att, layer: l), q: a.view(.q, layer: l),
                                   k: a.view(.k, layer: l), v: a.view(.v, layer: l),
                                   lengths: a.lengths, shape: attention)
                a.zero(.dqRaw); a.zero(.dkRaw)
                RoPE.backward(dInput: a.view(.dqRaw), dOut: a.view(.dq), shape: ropeQ, table: rope)
                RoPE.backward(dInput: a.view(.dkRaw), dOut: a.view(.dk), shape: ropeK, table: rope)
                a.zero(.dNormed)
                Linear.backward(dInput: dNormed, dOut: a.view(.dqRaw), weight: w.wq, shape: linear(n, c, qw))
                Linear.backward(dInput: dNormed, dOut: a.view(.dkRaw), weight: w.wk, shape: linear(n, c, kw))
                Linear.backward(dInput: dNormed, dOut: a.view(.dv), weight: w.wv, shape: linear(n, c, kw))
                RMSNorm.backward(dInput: dResidual, dOut: dNormed, input: a.view(.residual, layer: l),
                                 weight: w.attnNorm, rstd: a.view(.attnRstd, layer: l), shape: normShape(rows: n))
            }
        }
        // the residual stream's gradient at layer 0 is the input gradient; padding rows carry none
        dInputs.baseAddress!.update(from: a.view(.dResidual), count: n * c)
        for b in 0..<batch where a.lengths[b] < length {
            let start = (b * length + a.lengths[b]) * c
            (dInputs.baseAddress! + start).update(repeating: 0, count: (length - a.lengths[b]) * c)
        }
    }

    // MARK: - Next-token queries

    /// Logits (V) of the position after the last id of one sequence (the next-token distribution).
    public func logits(ids: [Int32]) -> [Float] {
        precondition(!ids.isEmpty, "logits(ids:) needs at least one token")
        let inputs = embed(ids)
        let arena = ActivationArena(config: config, batch: 1, length: ids.count, outputs: 1)
        return inputs.withUnsafeBufferPointer { x in
            forward(inputs: x, batch: 1, length: ids.count, lengths: [ids.count],
                    outputPositions: [(0, ids.count - 1)], activations: arena)
        }
    }
}
