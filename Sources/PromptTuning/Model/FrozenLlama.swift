import LanguageModel

// Dimension letters: B = batch rows, N = virtual tokens, T = tokens per row (padded),
// S = N + T positions, C = width, R = labelled positions, V = vocabulary.

/// The frozen base model as the trainer sees it: one forward and backward pass over a batch with
/// the prompt vector prepended to every row (DESIGN §2), returning the loss and the gradient
/// with respect to the prompt only. Buffers are kept between calls, so a step allocates little.
public final class FrozenLlama: PromptGradientModel {
    /// The network (weights never change).
    public let network: LlamaModel
    private let arena: ActivationArena
    private var inputs: [Float] = []   // (B, S, C)
    private var dInputs: [Float] = []  // (B, S, C)

    /// Wraps a model.
    public init(network: LlamaModel) {
        self.network = network
        self.arena = ActivationArena(config: network.config, batch: 1, length: 1, outputs: 1)
    }

    /// Mean cross-entropy over all labelled tokens of `batch`, and d loss / d prompt (N, C).
    public func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient {
        let c = network.config.width, n = batch.virtualTokens, s = batch.sequenceLength, b = batch.rows
        precondition(prompt.rows == n && prompt.width == c, "prompt (\(prompt.rows), \(prompt.width)) does not fit batch N = \(n), C = \(c)")
        try checkLength(batch)
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
