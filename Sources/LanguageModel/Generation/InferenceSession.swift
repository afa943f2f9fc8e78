import Numerics

// T = rows in a chunk, P = positions attended (cache count after the chunk), C = width,
// NH = query heads, KVH = kv heads, HS = head size, QD = NH·HS, KVD = KVH·HS, F = ffn width, V = vocab.

/// A single-sequence Llama forward with a KV cache: `prefill` a prompt (embedding rows or ids), then
/// `step` one token at a time; positions continue from where the cache ends.
///
/// All scratch is allocated up front (and grown only with the cache). Matrix products over a
/// chunk of several rows go through `BLAS.sgemm` on the Float32 weights. A single row (every
/// `step`, and a prefill's LM head) runs on `productPath`: `.quantized` reads the GGUF blocks in
/// place with the `QuantizedMatVec` kernels (when the session was given `QuantizedWeights`; a
/// matrix without a kernel format falls back to sgemv), `.float32` uses sgemv on `weights` — the
/// plain version the quantized one is tested against. The returned logits view the session's own
/// buffer: valid until the next `prefill`/`step`. Not thread-safe: one session serves one
/// sequence (the kernels fan out over `ThreadCount.current` threads inside a call).
public final class InferenceSession {
    /// How single-row matrix products are computed.
    public enum ProductPath: Sendable, Equatable {
        /// sgemv on the Float32 weights.
        case float32
        /// Block kernels on the GGUF bytes (needs `QuantizedWeights`).
        case quantized
    }

    /// The frozen weights the session runs.
    public let weights: LlamaWeights
    /// Views of the GGUF matrices for the block kernels, if given.
    public let quantized: QuantizedWeights?
    /// The path single-row products take; `.quantized` only has effect when `quantized` is set.
    public var productPath: ProductPath
    /// The model's shape.
    public var config: LlamaConfig { weights.config }
    /// Keys and values of every position seen so far.
    public let cache: KVCache
    /// Prefill processes at most this many rows at once, which bounds the scratch size.
    public let chunkRows: Int

    private let scratch: InferenceScratch
    // cos, sin: (capacity, HS/2); rebuilt when the cache grows.
    private var ropeTable: RoPE.Table
    // One row laid out for the block kernels: widths up to max(C, QD, F).
    private let kernelInput: MatVecInput

    /// Creates a session with an empty cache sized for `initialCapacity` positions (grown on demand).
    /// With `quantized` (views of the same model's file), single-row products use the block kernels.
    public init(weights: LlamaWeights, quantized: QuantizedWeights? = nil, initialCapacity: Int = 256,
                chunkRows: Int = 128) {
        precondition(quantized == nil || quantized!.config == weights.config,
                     "quantized weights of another model shape")
        self.weights = weights
        self.quantized = quantized
        self.productPath = quantized == nil ? .float32 : .quantized
        let cfg = weights.config
        self.kernelInput = MatVecInput(capacity: max(cfg.width, cfg.heads * cfg.headSize, cfg.ffnWidth))
        self.cache = KVCache(config: weights.config, initialCapacity: initialCapacity)
        self.chunkRows = max(1, chunkRows)
        self.scratch = InferenceScratch(config: weights.config, rows: self.chunkRows,
                                        positions: cache.capacity)
        self.ropeTable = RoPE.Table(headSize: weights.config.headSize, theta: weights.config.ropeTheta,
                                    positions: cache.capacity)
    }

    // MARK: - Positions

    /// The position the next token will take: the number of positions cached.
    public var position: Int { cache.count }

    /// Starts a new sequence (keeps the allocated storage).
    public func reset() { cache.reset() }

    /// Drops cached positions from `position` on, so a shared prefix need not be recomputed.
    public func rewind(to position: Int) { cache.rewind(to: position) }

    /// The logits of the last position run: (V). Valid until the next `prefill`/`step`.
    public var logits: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: scratch.logits, count: config.vocab) }

    // MARK: - Prefill

    /// Runs `count` embedding rows (e.g. virtual-token rows followed by token embeddings) at the
    /// next positions and returns the logits after the last row.
    /// embeddings: (count, C).
    @discardableResult
    public func prefill(embeddings: UnsafeBufferPointer<Float>, count: Int) throws(GenerationError)
        -> UnsafeBufferPointer<Float> {
        let width = config.width
        guard count > 0 else { throw .emptyPrompt }
        guard embeddings.count == count * width else {
            throw .embeddingShape(count: embeddings.count, rows: count, width: width)
        }
        try cache.reserve(position + count)
        var start = 0
        while start < count {
            let rows = min(chunkRows, count - start)
            scratch.x.update(from: embeddings.baseAddress! + start * width, count: rows * width)
            try forward(rows: rows, wantLogits: start + rows == count)
            start += rows
        }
        return logits
    }

    /// `prefill(embeddings:count:)` on a flat array of rows. embeddings: (T, C).
    @discardableResult
    public func prefill(embeddings: [Float]) throws(GenerationError) -> UnsafeBufferPointer<Float> {
        let width = config.width
        guard embeddings.count % width == 0 else {
            throw .embeddingShape(count: embeddings.count, rows: embeddings.count / width + 1, width: width)
        }
        return try embeddings.withUnsafeBufferPointer { (rows) throws(GenerationError) in
            try prefill(embeddings: rows, count: rows.count / width)
        }
    }

    /// Runs the embeddings of `tokens` at the next positions and returns the logits after the last one.
    @discardableResult
    public func prefill(tokens: [Int32]) throws(GenerationError) -> UnsafeBufferPointer<Float> {
        guard !tokens.isEmpty else { throw .emptyPrompt }
        for id in tokens where id < 0 || Int(id) >= config.vocab { throw .tokenOutOfRange(id: id, vocab: config.vocab) }
        try cache.reserve(position + tokens.count)
        var start = 0
        while start < tokens.count {
            let rows = min(chunkRows, tokens.count - start)
            for t in 0..<rows { embed(tokens[start + t], into: scratch.x + t * config.width) }
            try forward(rows: rows, wantLogits: start + rows == tokens.count)
            start += rows
        }
        return logits
    }

    // MARK: - Step

    /// Runs one token at the next position and returns the logits that predict the one after it.
    @discardableResult
    public func step(token: Int32) throws(GenerationError) -> UnsafeBufferPointer<Float> {
        guard token >= 0, Int(token) < config.vocab else { throw .tokenOutOfRange(id: token, vocab: config.vocab) }
        embed(token, into: scratch.x)
        try forward(rows: 1, wantLogits: true)
        return logits
    }

    /// Copies the token's embedding row into `row`. row: (C).
    private func embed(_ token: Int32, into row: UnsafeMutablePointer<Float>) {
        let width = config.width
        weights.tokenEmbedding.withUnsafeBufferPointer { table in
            row.update(from: table.baseAddress! + Int(token) * width, count: width)
        }
    }

    // MARK: - Forward over one chunk

    /// Runs the `rows` rows in `scratch.x` through every block at positions `cache.count ..<
    /// cache.count + rows`, appending their keys and values to the cache; then, if asked, the final
    /// norm and LM head on the last row into `scratch.logits`.
    private func forward(rows t: Int, wantLogits: Bool) throws(GenerationError) {
        let cfg = config
        let c = cfg.width, hs = cfg.headSize, nh = cfg.heads, kvh = cfg.kvHeads
        let qd = nh * hs, kvd = kvh * hs, f = cfg.ffnWidth
        let p0 = cache.count, p = p0 + t
        try cache.reserve(p)
        scratch.ensureAttention(positions: cache.capacity)
        if ropeTable.positions < cache.capacity {
            ropeTable = RoPE.Table(headSize: hs, theta: cfg.ropeTheta, positions: cache.capacity)
        }
        let s = scratch
        let norm = RMSNorm.Shape(rows: t, width: c, eps: cfg.rmsEps)
        let queryRope = RoPE.Shape(batch: 1, length: t, heads: nh, headSize: hs, firstPosition: p0)
        let keyRope = RoPE.Shape(batch: 1, length: t, heads: kvh, headSize: hs, firstPosition: p0)

        let blocks = t == 1 && productPath == .quantized ? quantized?.layers : nil
        for layer in 0..<cfg.layers {
            let w = weights.layers[layer]
            let qw = blocks?[layer]
            let keys = cache.keys(layer: layer), values = cache.values(layer: layer)
            // keys, values: (capacity, KVD); this chunk's rows start at p0.
            let newKeys = keys + p0 * kvd, newValues = values + p0 * kvd

            // Attention: xn = rmsnorm(x)·attn_norm; q, k, v = projections; RoPE on q and k.
            w.attnNorm.withUnsafeBufferPointer { weight in
                RMSNorm.forward(out: s.xn, rstd: s.rstd, input: s.x, weight: weight.baseAddress!, shape: norm)
            }
            if let qw {
                rowProducts([(qw.wq, w.wq, s.q, false), (qw.wk, w.wk, newKeys, false), (qw.wv, w.wv, newValues, false)],
                            input: s.xn, inWidth: c)
            } else {
                Self.linear(out: s.q, input: s.xn, weight: w.wq, rows: t, outWidth: qd, inWidth: c, accumulate: false)
                Self.linear(out: newKeys, input: s.xn, weight: w.wk, rows: t, outWidth: kvd, inWidth: c, accumulate: false)
                Self.linear(out: newValues, input: s.xn, weight: w.wv, rows: t, outWidth: kvd, inWidth: c, accumulate: false)
            }
            RoPE.forward(out: s.q, input: s.q, shape: queryRope, table: ropeTable)
            RoPE.forward(out: newKeys, input: newKeys, shape: keyRope, table: ropeTable)

            attend(keys: keys, values: values, rows: t, start: p0)
            // x += attnOut · Woᵀ (the residual add is BLAS's beta = 1).
            if let qw {
                rowProducts([(qw.wo, w.wo, s.x, true)], input: s.attnOut, inWidth: qd)
            } else {
                Self.linear(out: s.x, input: s.attnOut, weight: w.wo, rows: t, outWidth: c, inWidth: qd, accumulate: true)
            }

            // MLP: xn = rmsnorm(x)·ffn_norm; x += (silu(xn·Wgateᵀ) ⊙ xn·Wupᵀ) · Wdownᵀ.
            w.ffnNorm.withUnsafeBufferPointer { weight in
                RMSNorm.forward(out: s.xn, rstd: s.rstd, input: s.x, weight: weight.baseAddress!, shape: norm)
            }
            if let qw {
                rowProducts([(qw.wGate, w.wGate, s.gate, false), (qw.wUp, w.wUp, s.up, false)], input: s.xn, inWidth: c)
            } else {
                Self.linear(out: s.gate, input: s.xn, weight: w.wGate, rows: t, outWidth: f, inWidth: c, accumulate: false)
                Self.linear(out: s.up, input: s.xn, weight: w.wUp, rows: t, outWidth: f, inWidth: c, accumulate: false)
            }
            SwiGLU.forward(out: s.gate, gate: s.gate, up: s.up, count: t * f)  // in place, element-wise
            if let qw {
                rowProducts([(qw.wDown, w.wDown, s.x, true)], input: s.gate, inWidth: f)
            } else {
                Self.linear(out: s.x, input: s.gate, weight: w.wDown, rows: t, outWidth: c, inWidth: f, accumulate: true)
            }
        }
        cache.count = p

        guard wantLogits else { return }
        // logits (V) = output (V, C) · (rmsnorm(x_last)·output_norm).
        let last = s.x + (t - 1) * c
        weights.outputNorm.withUnsafeBufferPointer { weight in
            RMSNorm.forward(out: s.xn, rstd: s.rstd, input: last, weight: weight.baseAddress!,
                            shape: RMSNorm.Shape(rows: 1, width: c, eps: cfg.rmsEps))
        }
        if productPath == .quantized, let head = quantized?.output {
            kernelInput.prepare(s.xn, count: c)
            QuantizedMatVec.multiply([MatVecJob(matrix: head, output: s.logits)], input: kernelInput)
            return
        }
        weights.output.withUnsafeBufferPointer { head in
            BLAS.sgemv(trans: false, m: cfg.vocab, n: c, alpha: 1, a: head.baseAddress!, lda: c,
                       x: s.xn, beta: 0, y: s.logits)
        }
    }

    // MARK: - Attention over the cache

    /// Causal GQA attention of this chunk's queries (`scratch.q`, RoPE'd) over cache positions
    /// `0 ..< start + rows`, into `scratch.attnOut` (T, QD). keys, values: one layer's (capacity, KVD).
    private func attend(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, rows t: Int, start p0: Int) {
        let cfg = config, s = scratch
        let hs = cfg.headSize, nh = cfg.heads, kvh = cfg.kvHeads
        let qd = nh * hs, kvd = kvh * hs, group = nh / kvh, p = p0 + t
        let scale = 1 / Float(hs).squareRoot()
        if t == 1 && hs % 8 == 0 {
            // One row: every head's scores, softmax and weighted values in one pass over the cache,
            // split over the worker threads by head (att: (NH, P) scratch). Tiny test models with
            // other head sizes take the per-head sgemm path below.
            DecodeAttention.attend(q: s.q, keys: keys, values: values,
                                   shape: .init(heads: nh, group: group, headSize: hs, positions: p, stride: kvd),
                                   scale: scale, scores: s.att, out: s.attnOut)
            return
        }
        // Per query head h (kv head h / group): att (T, P) = q_h · K_kvᵀ · scale, causal softmax
        // (row t sees positions 0...p0 + t), then out_h (T, HS) = att · V_kv into its column block.
        for h in 0..<nh {
            let kvHead = h / group
            BLAS.sgemm(transA: false, transB: true, m: t, n: p, k: hs, alpha: scale,
                       a: s.q + h * hs, lda: qd, b: keys + kvHead * hs, ldb: kvd,
                       beta: 0, c: s.att, ldc: p)
            for row in 0..<t {
                DecodeKernels.causalSoftmax(s.att + row * p, valid: p0 + row + 1, count: p)
            }
            BLAS.sgemm(transA: false, transB: false, m: t, n: hs, k: p, alpha: 1,
                       a: s.att, lda: p, b: values + kvHead * hs, ldb: kvd,
                       beta: 0, c: s.attnOut + h * hs, ldc: qd)
        }
    }

    // MARK: - Products

    /// Single-row products sharing one input row `input (inWidth)`: each entry is
    /// `out (R) (+)= W · input` with W's block view when it has one (all such run in one threaded
    /// call), else sgemv on its Float32 copy (R, inWidth).
    private func rowProducts(_ products: [(QuantizedMatrix?, [Float], UnsafeMutablePointer<Float>, Bool)],
                             input: UnsafePointer<Float>, inWidth: Int) {
        var jobs: [MatVecJob] = []
        for (matrix, dense, out, accumulate) in products {
            if let matrix {
                jobs.append(MatVecJob(matrix: matrix, output: out, accumulate: accumulate))
            } else {
                Self.linear(out: out, input: input, weight: dense, rows: 1, outWidth: dense.count / inWidth,
                            inWidth: inWidth, accumulate: accumulate)
            }
        }
        guard !jobs.isEmpty else { return }
        kernelInput.prepare(input, count: inWidth)
        QuantizedMatVec.multiply(jobs, input: kernelInput)
    }

    /// `out (T, out) = input (T, in) · Wᵀ` (+ out when `accumulate`), W: (out, in) row-major.
    /// One row uses sgemv; several rows use sgemm.
    @inline(__always)
    private static func linear(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: [Float],
                               rows: Int, outWidth: Int, inWidth: Int, accumulate: Bool) {
        weight.withUnsafeBufferPointer { w in
            if rows == 1 {
                BLAS.sgemv(trans: false, m: outWidth, n: inWidth, alpha: 1, a: w.baseAddress!, lda: inWidth,
                           x: input, beta: accumulate ? 1 : 0, y: out)
            } else {
                BLAS.sgemm(transA: false, transB: true, m: rows, n: outWidth, k: inWidth, alpha: 1,
                           a: input, lda: inWidth, b: w.baseAddress!, ldb: inWidth,
                           beta: accumulate ? 1 : 0, c: out, ldc: outWidth)
            }
        }
    }
}

// MARK: - Scratch

/// The session's preallocated working buffers, sized for one chunk of `rows` rows.
final class InferenceScratch {
    let rows: Int
    let x: UnsafeMutablePointer<Float>        // residual stream: (T, C)
    let xn: UnsafeMutablePointer<Float>       // normalized input of a sublayer: (T, C)
    let q: UnsafeMutablePointer<Float>        // queries: (T, QD)
    let attnOut: UnsafeMutablePointer<Float>  // attention output before Wo: (T, QD)
    let gate: UnsafeMutablePointer<Float>     // gate, then silu(gate)·up: (T, F)
    let up: UnsafeMutablePointer<Float>       // up projection: (T, F)
    let rstd: UnsafeMutablePointer<Float>     // RMSNorm's per-row 1/rms (unused after the call): (T)
    let logits: UnsafeMutablePointer<Float>   // (V)
    // scores of one head over a chunk (T, P), or of one kv group for a single row (NH/KVH, P); P ≤ attCapacity
    private(set) var att: UnsafeMutablePointer<Float>
    private let attRows: Int
    private var attCapacity: Int

    init(config: LlamaConfig, rows: Int, positions: Int) {
        self.rows = rows
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let b = UnsafeMutablePointer<Float>.allocate(capacity: n)
            b.initialize(repeating: 0, count: n)
            return b
        }
        let qd = config.heads * config.headSize
        x = buffer(rows * config.width)
        xn = buffer(rows * config.width)
        q = buffer(rows * qd)
        attnOut = buffer(rows * qd)
        gate = buffer(rows * config.ffnWidth)
        up = buffer(rows * config.ffnWidth)
        rstd = buffer(rows)
        logits = buffer(config.vocab)
        attRows = max(rows, config.heads)
        attCapacity = positions
        att = buffer(attRows * positions)
    }

    /// Grows the score buffer when the cache has grown (rare: capacity doubles).
    func ensureAttention(positions: Int) {
        guard positions > attCapacity else { return }
        att.deallocate()
        att = .allocate(capacity: attRows * positions)
        att.initialize(repeating: 0, count: attRows * positions)
        attCapacity = positions
    }

    deinit {
        for b in [x, xn, q, attnOut, gate, up, rstd, logits, att] { b.deallocate() }
    }
}
