import Numerics

// M = packed rows, C = width, NH = query heads, KVH = kv heads, HS = head size, F = feed-forward
// width, V = vocabulary, R = output rows, L = layers.

/// The training forward and backward over a packed batch (`PackedSequences`): every real
/// position once, no padding rows, and a shared prefix computed once. Same arithmetic per row as
/// `forward`/`backward` (which stay as the plain reference the tests hold this against); the
/// backward also skips the zeroing and copying passes of the plain one by overwriting where the
/// plain path zeroes and then accumulates, and by keeping one residual gradient in place.
///
/// Four things the plain path does not do, none changing a row's arithmetic beyond rounding:
/// - the LM head reads the Q8_0 table when the model has one (`headTable`, `QuantizedHead`);
/// - each residual add is fused with the norm that reads its sum (`PackedKernels.addNorm`), and
///   the element-wise passes run the AVX2 kernels of `PackedKernels` where the CPU has them;
/// - the attention's per-head blocks run on all threads (`RowSplit.items`);
/// - the top block runs everything past its attention (W_o, the MLP, both residual adds) on the
///   R output rows only: nothing else there reaches the loss. Its keys and values, and so its
///   attention over every row, are still computed in full. The arena's top-layer `mid`, `ffnRstd`,
///   `gate` and `up` then hold those R rows (in `outputRows` order), not M.
extension LlamaModel {
    // MARK: - Forward

    /// Batched training forward over packed rows.
    /// - Parameters:
    ///   - inputs: (M, C) embeddings in `sequences`' row order
    ///   - sequences: the packed layout (groups, shared prefix, row positions)
    ///   - outputRows: (R) packed rows whose logits are needed (`sequences.row(batchRow:position:)`)
    ///   - activations: filled with everything `backwardPacked` reads
    /// - Returns: logits (R, V) in the order of `outputRows`.
    public func forwardPacked(inputs: UnsafeBufferPointer<Float>, sequences: PackedSequences, outputRows rows: [Int],
                              activations: ActivationArena) -> [Float] {
        let c = config.width, n = sequences.rows, r = rows.count
        let qw = config.heads * config.headSize, kw = config.kvHeads * config.headSize, f = config.ffnWidth
        precondition(inputs.count == n * c, "inputs hold \(inputs.count) floats, expected M·C = \(n * c)")
        precondition(rows.allSatisfy { $0 >= 0 && $0 < n }, "every output row must be in 0..<\(n)")
        let a = activations
        a.prepare(sequences: sequences, outputs: r)
        a.sequences = sequences
        a.lengths = [n]
        a.outputRows = rows
        let attention = Attention.Shape(batch: 1, length: n, heads: config.heads,
                                        kvHeads: config.kvHeads, headSize: config.headSize)
        PhaseTimer.time(.elementwise) {
            a.view(.residual, layer: 0).update(from: inputs.baseAddress!, count: n * c)
        }
        sequences.positions.withUnsafeBufferPointer { positions in
        for l in 0..<config.layers {
            weights.layers[l].withPointers { w in
                let x = a.view(.residual, layer: l), normed = a.view(.normed)
                let q = a.view(.q, layer: l), k = a.view(.k, layer: l), v = a.view(.v, layer: l)
                let mid = a.view(.mid, layer: l), branch = a.view(.branch)
                let gate = a.view(.gate, layer: l), up = a.view(.up, layer: l), hidden = a.view(.hidden)
                // attention branch: h = x + W_o · attn(…). Above layer 0 the norm n₁ was already
                // computed by the previous layer's residual add (one pass for both).
                if l == 0 {
                    PhaseTimer.time(.elementwise) {
                        let rstd = a.view(.attnRstd, layer: l)
                        RowSplit.run(rows: n) { s, m in
                            PackedKernels.addNorm(sum: x + s * c, a: x + s * c, b: nil, weight: w.attnNorm, out: normed + s * c,
                                                  rstd: rstd + s, shape: normShape(m))
                        }
                    }
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: q, input: normed, weight: w.wq, shape: .init(rows: n, inFeatures: c, outFeatures: qw))
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: k, input: normed, weight: w.wk, shape: .init(rows: n, inFeatures: c, outFeatures: kw))
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: v, input: normed, weight: w.wv, shape: .init(rows: n, inFeatures: c, outFeatures: kw))
                }
                PhaseTimer.time(.elementwise) {
                    RowSplit.run(rows: n) { s, m in
                        PackedKernels.rope(out: q, input: q, positions: positions, heads: config.heads, table: rope,
                                           direction: 1, rows: s..<(s + m))
                    }
                }
                PhaseTimer.time(.elementwise) {
                    RowSplit.run(rows: n) { s, m in
                        PackedKernels.rope(out: k, input: k, positions: positions, heads: config.kvHeads, table: rope,
                                           direction: 1, rows: s..<(s + m))
                    }
                }
                PhaseTimer.time(.attention) {
                    Attention.forwardPacked(out: a.view(.attnOut), att: a.view(.att, layer: l), q: q, k: k, v: v,
                                            sequences: sequences, shape: attention)
                }
                // Past the attention the top block's rows are independent, and only the R output
                // rows reach the loss: run the rest of it on those rows alone, gathered (R, ·).
                let top = l == config.layers - 1, m = top ? r : n
                let attnIn = top ? a.view(.dAttnOut) : a.view(.attnOut)       // (m, NH·HS)
                let xIn = top ? a.view(.dNormed) : x                            // (m, C)
                if top {
                    PhaseTimer.time(.elementwise) {
                        LMHead.gather(out: attnIn, input: a.view(.attnOut), rows: rows, width: qw)
                        LMHead.gather(out: xIn, input: x, rows: rows, width: c)
                    }
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: branch, input: attnIn, weight: w.wo, shape: .init(rows: m, inFeatures: qw, outFeatures: c))
                }
                // MLP branch: x' = h + W_down · (silu(W_gate · n₂) · W_up · n₂); h and n₂ in one pass
                PhaseTimer.time(.elementwise) {
                    let rstd = a.view(.ffnRstd, layer: l)
                    RowSplit.run(rows: m) { s, m in
                        PackedKernels.addNorm(sum: mid + s * c, a: xIn + s * c, b: branch + s * c, weight: w.ffnNorm,
                                              out: normed + s * c, rstd: rstd + s, shape: normShape(m))
                    }
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: gate, input: normed, weight: w.wGate, shape: .init(rows: m, inFeatures: c, outFeatures: f))
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: up, input: normed, weight: w.wUp, shape: .init(rows: m, inFeatures: c, outFeatures: f))
                }
                PhaseTimer.time(.elementwise) {
                    RowSplit.run(rows: m) { s, m in
                        PackedKernels.swiGLU(out: hidden + s * f, gate: gate + s * f, up: up + s * f, count: m * f)
                    }
                }
                PhaseTimer.time(.forwardGEMM) {
                    Linear.forward(out: branch, input: hidden, weight: w.wDown, shape: .init(rows: m, inFeatures: f, outFeatures: c))
                }
                // x' = h + branch, and the next layer's n₁ = rmsnorm(x')·attn_norm in the same pass;
                // the top block's x' rows are the head's input
                PhaseTimer.time(.elementwise) {
                    guard !top else {
                        return Residual.forward(out: a.view(.headInput), a: mid, b: branch, count: r * c)
                    }
                    let next = a.view(.residual, layer: l + 1)
                    let rstd = a.view(.attnRstd, layer: l + 1)
                    weights.layers[l + 1].attnNorm.withUnsafeBufferPointer { norm in
                        RowSplit.run(rows: n) { s, m in
                            PackedKernels.addNorm(sum: next + s * c, a: mid + s * c, b: branch + s * c, weight: norm.baseAddress!,
                                                  out: normed + s * c, rstd: rstd + s, shape: normShape(m))
                        }
                    }
                }
            }
        }
        }
        // head: only the R rows that predict a target
        var logits = [Float](repeating: 0, count: r * config.vocab)
        PhaseTimer.time(.head) {
            weights.outputNorm.withUnsafeBufferPointer { norm in
                RMSNorm.forward(out: a.view(.headNormed), rstd: a.view(.headRstd), input: a.view(.headInput),
                                weight: norm.baseAddress!, shape: normShape(r))
            }
            logits.withUnsafeMutableBufferPointer { out in
                if let table = headTable,
                   QuantizedHead.forward(logits: out.baseAddress!, input: a.view(.headNormed), rows: r, table: table) {
                    return
                }
                weights.output.withUnsafeBufferPointer { e in
                    LMHead.forward(logits: out.baseAddress!, input: a.view(.headNormed), output: e.baseAddress!,
                                   rows: r, width: c, vocab: config.vocab)
                }
            }
        }
        a.hasForward = true
        return logits
    }

    // MARK: - Backward

    /// Backward of `forwardPacked` from `dLogits` to the packed input rows. A shared prefix row's
    /// gradient is the sum over every sequence that reads it.
    /// - Parameters:
    ///   - dLogits: (R, V)
    ///   - activations: as left by the matching `forwardPacked`
    ///   - dInputs: (M, C) — overwritten
    public func backwardPacked(dLogits: UnsafeBufferPointer<Float>, activations: ActivationArena,
                               dInputs: UnsafeMutableBufferPointer<Float>) {
        let a = activations
        guard a.hasForward, let sequences = a.sequences else {
            preconditionFailure("backwardPacked needs the activations of a forwardPacked with the same arena")
        }
        let n = sequences.rows, r = a.layout.outputs, c = config.width, f = config.ffnWidth
        let qw = config.heads * config.headSize, kw = config.kvHeads * config.headSize
        precondition(dLogits.count == r * config.vocab, "dLogits holds \(dLogits.count) floats, expected R·V = \(r * config.vocab)")
        precondition(dInputs.count == n * c, "dInputs holds \(dInputs.count) floats, expected M·C = \(n * c)")
        let attention = Attention.Shape(batch: 1, length: n, heads: config.heads,
                                        kvHeads: config.kvHeads, headSize: config.headSize)
        // head: forward was logits = (rmsnorm(x_L[rows]) · output_norm) · Eᵀ
        PhaseTimer.time(.head) {
            a.zero(.dHeadInput)
            a.zero(.dResidual)
            let fromTable = headTable.map {
                QuantizedHead.backward(dInput: a.view(.dHeadNormed), dLogits: dLogits.baseAddress!, rows: r, table: $0)
            } ?? false
            if !fromTable {
                weights.output.withUnsafeBufferPointer { e in
                    Linear.backward(dInput: a.view(.dHeadNormed), dOut: dLogits.baseAddress!, weight: e.baseAddress!,
                                    shape: .init(rows: r, inFeatures: c, outFeatures: config.vocab), accumulate: false)
                }
            }
            weights.outputNorm.withUnsafeBufferPointer { norm in
                RMSNorm.backward(dInput: a.view(.dHeadInput), dOut: a.view(.dHeadNormed), input: a.view(.headInput),
                                 weight: norm.baseAddress!, rstd: a.view(.headRstd), shape: normShape(r))
            }
        }

        // One residual gradient, updated in place: a residual add passes its gradient through
        // unchanged, so each norm's backward just adds its branch's term to it.
        let dResidual = a.view(.dResidual), dNormed = a.view(.dNormed)
        let dHidden = a.view(.dHidden), dGate = a.view(.dGate), dUp = a.view(.dUp)
        let dq = a.view(.dq), dk = a.view(.dk), dv = a.view(.dv)
        sequences.positions.withUnsafeBufferPointer { positions in
        for l in stride(from: config.layers - 1, through: 0, by: -1) {
            weights.layers[l].withPointers { w in
                // The top block ran its MLP and W_o on the R output rows only (gathered): their
                // backward runs on those rows, with the head's gradient as the residual gradient.
                let top = l == config.layers - 1, m = top ? r : n
                let dRes = top ? a.view(.dHeadInput) : dResidual                 // (m, C)
                // MLP branch. Forward was x' = h + W_down · (silu(g) · u), g = W_gate·n₂, u = W_up·n₂, n₂ = rmsnorm(h)·ffn_norm
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dHidden, dOut: dRes, weight: w.wDown,
                                    shape: .init(rows: m, inFeatures: f, outFeatures: c), accumulate: false)
                }
                PhaseTimer.time(.elementwise) {
                    let gate = a.view(.gate, layer: l), up = a.view(.up, layer: l)
                    RowSplit.run(rows: m) { s, m in
                        PackedKernels.swiGLUBackward(dGate: dGate + s * f, dUp: dUp + s * f, dOut: dHidden + s * f,
                                                     gate: gate + s * f, up: up + s * f, count: m * f)
                    }
                }
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dNormed, dOut: dGate, weight: w.wGate,
                                    shape: .init(rows: m, inFeatures: c, outFeatures: f), accumulate: false)
                }
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dNormed, dOut: dUp, weight: w.wUp, shape: .init(rows: m, inFeatures: c, outFeatures: f))
                }
                PhaseTimer.time(.elementwise) {
                    let mid = a.view(.mid, layer: l), rstd = a.view(.ffnRstd, layer: l)
                    RowSplit.run(rows: m) { s, m in
                        PackedKernels.normBackward(dInput: dRes + s * c, dOut: dNormed + s * c, input: mid + s * c,
                                                   weight: w.ffnNorm, rstd: rstd + s, shape: normShape(m))
                    }
                }
                // attention branch. Forward was h = x + W_o · attn(rope(W_q·n₁), rope(W_k·n₁), W_v·n₁), n₁ = rmsnorm(x)·attn_norm
                if top {
                    // back to all M rows: the gradients of the attention output and of the block
                    // input are zero off the output rows (a row picked twice sums)
                    let dAttnRows = a.view(.dqRaw)                             // (R, NH·HS)
                    PhaseTimer.time(.backwardGEMM) {
                        Linear.backward(dInput: dAttnRows, dOut: dRes, weight: w.wo,
                                        shape: .init(rows: r, inFeatures: qw, outFeatures: c), accumulate: false)
                    }
                    PhaseTimer.time(.elementwise) {
                        a.zero(.dAttnOut)
                        LMHead.scatter(dInput: a.view(.dAttnOut), dOut: dAttnRows, rows: a.outputRows, width: qw)
                        LMHead.scatter(dInput: dResidual, dOut: dRes, rows: a.outputRows, width: c)
                    }
                } else {
                    PhaseTimer.time(.backwardGEMM) {
                        Linear.backward(dInput: a.view(.dAttnOut), dOut: dResidual, weight: w.wo,
                                        shape: .init(rows: n, inFeatures: qw, outFeatures: c), accumulate: false)
                    }
                }
                PhaseTimer.time(.elementwise) { a.zero(.dq); a.zero(.dk); a.zero(.dv) }
                PhaseTimer.time(.attention) {
                    Attention.backwardPacked(dq: dq, dk: dk, dv: dv, dAtt: a.view(.dAtt), dOut: a.view(.dAttnOut),
                                             att: a.view(.att, layer: l), q: a.view(.q, layer: l),
                                             k: a.view(.k, layer: l), v: a.view(.v, layer: l),
                                             sequences: sequences, shape: attention)
                }
                PhaseTimer.time(.elementwise) {
                    RowSplit.run(rows: n) { s, m in
                        PackedKernels.rope(out: dq, input: dq, positions: positions, heads: config.heads, table: rope,
                                           direction: -1, rows: s..<(s + m))
                    }
                }
                PhaseTimer.time(.elementwise) {
                    RowSplit.run(rows: n) { s, m in
                        PackedKernels.rope(out: dk, input: dk, positions: positions, heads: config.kvHeads, table: rope,
                                           direction: -1, rows: s..<(s + m))
                    }
                }
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dNormed, dOut: dq, weight: w.wq,
                                    shape: .init(rows: n, inFeatures: c, outFeatures: qw), accumulate: false)
                }
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dNormed, dOut: dk, weight: w.wk, shape: .init(rows: n, inFeatures: c, outFeatures: kw))
                }
                PhaseTimer.time(.backwardGEMM) {
                    Linear.backward(dInput: dNormed, dOut: dv, weight: w.wv, shape: .init(rows: n, inFeatures: c, outFeatures: kw))
                }
                PhaseTimer.time(.elementwise) {
                    let x = a.view(.residual, layer: l), rstd = a.view(.attnRstd, layer: l)
                    RowSplit.run(rows: n) { s, m in
                        PackedKernels.normBackward(dInput: dResidual + s * c, dOut: dNormed + s * c, input: x + s * c,
                                                   weight: w.attnNorm, rstd: rstd + s, shape: normShape(m))
                    }
                }
            }
        }
        }
        PhaseTimer.time(.elementwise) {
            dInputs.baseAddress!.update(from: dResidual, count: n * c)
        }
    }

    private func normShape(_ rows: Int) -> RMSNorm.Shape { .init(rows: rows, width: config.width, eps: config.rmsEps) }
}
