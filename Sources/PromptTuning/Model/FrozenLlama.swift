import LanguageModel

// Dimension letters: B = batch rows, N = virtual tokens, T = tokens per row (padded),
// S = N + T positions, C = width, R = labelled positions, V = vocabulary.

/// The frozen base model as the trainer sees it: one forward and backward pass over a batch with
/// the prompt vector prepended to every row (DESIGN §2), returning the loss and the gradient
/// with respect to the prompt only. Buffers are kept between calls, so a step allocates little.
///
/// Two paths give the same result: `.sharedPrefix` (the default) packs the batch with the prompt
/// rows, and the text every example starts with, stored once, and no padding or rows past the
/// last label (`PackedBatchLayout`), so the shared activations are computed once per batch and the
/// prompt's gradient arrives summed; `.plain` runs every padded row whole and sums
/// the prompt rows' gradients afterwards. The tests hold one against the other.
public final class FrozenLlama: PromptGradientModel {
    /// How a batch is laid out for the network.
    public enum Path: Sendable {
        /// Prompt rows once, then each row's tokens, no padding (`LlamaModel.forwardPacked`).
        case sharedPrefix
        /// Every row `[prompt ; tokens ; padding]` whole (`LlamaModel.forward`).
        case plain
    }

    /// The network (weights never change).
    public let network: LlamaModel
    /// The layout used by `lossAndGradient` and `loss`.
    public var path: Path
    private let arena: ActivationArena
    private var inputs: [Float] = []   // (B, S, C), or (M, C) packed
    private var dInputs: [Float] = []  // (B, S, C), or (M, C) packed

    /// Wraps a model.
    public init(network: LlamaModel, path: Path = .sharedPrefix) {
        self.network = network
        self.path = path
        self.arena = ActivationArena(config: network.config, batch: 1, length: 1, outputs: 1)
    }

    /// Mean cross-entropy over all labelled tokens of `batch`, and d loss / d prompt (N, C).
    public func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient {
        let c = network.config.width, n = batch.virtualTokens, s = batch.sequenceLength, b = batch.rows
        precondition(prompt.rows == n && prompt.width == c, "prompt (\(prompt.rows), \(prompt.width)) does not fit batch N = \(n), C = \(c)")
        try checkLength(batch)
        if path == .sharedPrefix { return packedLossAndGradient(prompt: prompt, batch: batch) }
        fillInputs(prompt: prompt, batch: batch)
        let lengths = batch.lengths.map { n + $0 }
        let positions = batch.targets.map { ($0.row, $0.position) }
        arena.prepare(batch: b, length: s, outputs: positions.count)

        // logits: (R, V), then overwritten with dLogits by the fused softmax-CE backward.
        // The chain starts here: the loss is a mean over R labelled tokens, so dLogits carry 1/R.
        var logits = inputs.withUnsafeBufferPointer {
            network.forward(inputs: $0, batch: b, length: s, lengths: lengths, outputPositions: positions, activations: arena)
        }
        let loss = logits.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: batch.labels, rows: batch.targetRows,
                                         rowCount: b, vocab: network.config.vocab)
        }
        if dInputs.count != b * s * c { dInputs = [Float](repeating: 0, count: b * s * c) }
        logits.withUnsafeBufferPointer { dLogits in
            dInputs.withUnsafeMutableBufferPointer { network.backward(dLogits: dLogits, activations: arena, dInputs: $0) }
        }

        // d prompt (N, C) = Σ_b dInputs[b, 0..<N, :] — the prompt rows are shared by every row.
        var gradient = [Float](repeating: 0, count: n * c)
        gradient.withUnsafeMutableBufferPointer { g in
            dInputs.withUnsafeBufferPointer { d in
                for row in 0..<b {
                    let base = row * s * c
                    for i in 0..<(n * c) { g[i] += d[base + i] }
                }
            }
        }
        return BatchGradient(loss: loss.loss, exampleNLLs: loss.rowNLLSums, gradient: gradient, tokenCount: loss.tokenCount)
    }

    /// Mean cross-entropy of `batch` with `prompt` (or no prompt) in front, without a backward pass;
    /// also the per-row NLL sums and the labelled-token count.
    public func loss(prompt: PromptVector?, batch: Batch) throws -> CrossEntropyResult {
        try checkLength(batch)
        let n = batch.virtualTokens, s = batch.sequenceLength, b = batch.rows
        let empty = PromptVector(rows: 0, width: network.config.width, values: [], initDescription: "none")
        precondition((prompt?.rows ?? 0) == n, "prompt rows must equal the batch's virtual tokens")
        if path == .sharedPrefix {
            let sequences = fillPackedInputs(prompt: prompt ?? empty, batch: batch)
            let rows = batch.targets.map { sequences.row(batchRow: $0.row, position: $0.position) }
            let logits = inputs.withUnsafeBufferPointer {
                network.forwardPacked(inputs: .init(rebasing: $0[0..<(sequences.rows * network.config.width)]),
                                      sequences: sequences, outputRows: rows, activations: arena)
            }
            return logits.withUnsafeBufferPointer {
                CrossEntropy.forward(logits: $0.baseAddress!, labels: batch.labels, rows: batch.targetRows,
                                     rowCount: b, vocab: network.config.vocab)
            }
        }
        fillInputs(prompt: prompt ?? empty, batch: batch)
        arena.prepare(batch: b, length: s, outputs: batch.targets.count)
        let logits = inputs.withUnsafeBufferPointer {
            network.forward(inputs: $0, batch: b, length: s, lengths: batch.lengths.map { n + $0 },
                            outputPositions: batch.targets.map { ($0.row, $0.position) }, activations: arena)
        }
        return logits.withUnsafeBufferPointer {
            CrossEntropy.forward(logits: $0.baseAddress!, labels: batch.labels, rows: batch.targetRows,
                                 rowCount: b, vocab: network.config.vocab)
        }
    }

    // MARK: - Shared-prefix path

    /// `lossAndGradient` over the packed layout: the prompt's rows are the first N packed rows,
    /// so d prompt is their gradient as the backward leaves it (already summed over the batch; the
    /// shared text rows after them get a gradient too, which nobody reads).
    private func packedLossAndGradient(prompt: PromptVector, batch: Batch) -> BatchGradient {
        let c = network.config.width, n = batch.virtualTokens
        let sequences = fillPackedInputs(prompt: prompt, batch: batch)
        let rows = batch.targets.map { sequences.row(batchRow: $0.row, position: $0.position) }
        // logits: (R, V), then overwritten with dLogits by the fused softmax-CE backward (1/R inside).
        var logits = inputs.withUnsafeBufferPointer {
            network.forwardPacked(inputs: .init(rebasing: $0[0..<(sequences.rows * c)]), sequences: sequences,
                                  outputRows: rows, activations: arena)
        }
        let loss = logits.withUnsafeMutableBufferPointer {
            CrossEntropy.forwardBackward(logits: $0.baseAddress!, labels: batch.labels, rows: batch.targetRows,
                                         rowCount: batch.rows, vocab: network.config.vocab)
        }
        let count = sequences.rows * c
        if dInputs.count < count { dInputs = [Float](repeating: 0, count: count) }
        logits.withUnsafeBufferPointer { dLogits in
            dInputs.withUnsafeMutableBufferPointer {
                network.backwardPacked(dLogits: dLogits, activations: arena, dInputs: .init(rebasing: $0[0..<count]))
            }
        }
        return BatchGradient(loss: loss.loss, exampleNLLs: loss.rowNLLSums, gradient: Array(dInputs[0..<(n * c)]),
                             tokenCount: loss.tokenCount)
    }

    /// inputs (M, C): the prompt's N rows once, the K text tokens every row starts with once, then
    /// each row's own tokens up to its last labelled position (`PackedBatchLayout`).
    private func fillPackedInputs(prompt: PromptVector, batch: Batch) -> PackedSequences {
        let c = network.config.width, n = batch.virtualTokens
        let layout = PackedBatchLayout(batch: batch)
        let sequences = layout.sequences, k = layout.sharedTextTokens
        let count = sequences.rows * c
        if inputs.count < count { inputs = [Float](repeating: 0, count: count) }
        let table = network.weights.tokenEmbedding
        inputs.withUnsafeMutableBufferPointer { x in
            prompt.values.withUnsafeBufferPointer { p in
                table.withUnsafeBufferPointer { e in
                    func place(token id: Int32, atRow row: Int) {
                        (x.baseAddress! + row * c).update(from: e.baseAddress! + Int(id) * c, count: c)
                    }
                    if n > 0 { x.baseAddress!.update(from: p.baseAddress!, count: n * c) }
                    for t in 0..<k { place(token: batch.tokens[t], atRow: n + t) }
                    for row in 0..<batch.rows {
                        let group = sequences.groups[sequences.rowGroups[row]]
                        for t in 0..<group.count {
                            place(token: batch.tokens[row * batch.length + k + t], atRow: group.start + t)
                        }
                    }
                }
            }
        }
        return sequences
    }

    // MARK: - Plain path

    /// A batch longer than the model's context is refused before any buffer is touched.
    private func checkLength(_ batch: Batch) throws {
        let context = network.config.contextLength
        guard batch.sequenceLength <= context else {
            let longest = batch.pairIndices[batch.lengths.firstIndex(of: batch.lengths.max() ?? 0) ?? 0]
            throw FrozenLlamaError.longerThanContext(positions: batch.sequenceLength, context: context, pairIndex: longest)
        }
    }

    /// inputs (B, S, C): rows `0..<N` of every batch row are the prompt, then the token embeddings.
    private func fillInputs(prompt: PromptVector, batch: Batch) {
        let c = network.config.width, n = batch.virtualTokens, s = batch.sequenceLength
        let count = batch.rows * s * c
        if inputs.count != count { inputs = [Float](repeating: 0, count: count) }
        let table = network.weights.tokenEmbedding
        inputs.withUnsafeMutableBufferPointer { x in
            prompt.values.withUnsafeBufferPointer { p in
                table.withUnsafeBufferPointer { e in
                    for row in 0..<batch.rows {
                        let base = row * s * c
                        for i in 0..<(n * c) { x[base + i] = p[i] }
                        for t in 0..<batch.length {
                            let id = Int(batch.tokens[row * batch.length + t])
                            let dst = base + (n + t) * c, src = id * c
                            for j in 0..<c { x[dst + j] = e[src + j] }
                        }
                    }
                }
            }
        }
    }
}

/// Why the frozen model refused a batch.
public enum FrozenLlamaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Virtual tokens + the longest example exceed the model's context length.
    case longerThanContext(positions: Int, context: Int, pairIndex: Int)

    public var description: String {
        switch self {
        case let .longerThanContext(positions, context, pairIndex):
            "pair \(pairIndex + 1) needs \(positions) positions (virtual tokens included) but the model's context is \(context); "
                + "lower max_input_tokens / max_output_tokens or use fewer virtual tokens"
        }
    }
}
