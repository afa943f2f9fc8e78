import Foundation
import LanguageModel

// B = batch rows, N = virtual tokens, S = N + longest example (positions per row), C = width,
// R = labelled target tokens of the batch, V = vocabulary.

/// The memory one training update needs beyond the model's weights, estimated before training
/// from the model's shape and the examples: a batch that cannot fit is refused with advice
/// instead of the process being killed by the system mid-run.
public struct MemoryEstimate: Sendable, Equatable {
    /// Batch rows (B): `batch_size`, or fewer when there are fewer examples.
    public var batchRows: Int
    /// Positions per row (S = N + the longest example's tokens).
    public var positions: Int
    /// Bytes of the activation arena (every slot the forward keeps for the backward, plus scratch).
    public var activationBytes: Int
    /// Bytes of the other per-step buffers: the logits (R, V) and inputs / input gradients (B, S, C).
    public var bufferBytes: Int

    /// Everything one update allocates.
    public var totalBytes: Int { activationBytes + bufferBytes }

    /// The estimate for the worst batch `examples` can form: the `batchSize` longest examples
    /// together (the batch is padded to its longest row, and shuffling may group them).
    public init(config: LlamaConfig, virtualTokens: Int, batchSize: Int, examples: [TuningExample]) {
        let rows = max(1, min(batchSize, examples.count))
        let longest = examples.map { $0.inputIDs.count + $0.targetIDs.count }.max() ?? 0
        let targets = examples.map(\.targetIDs.count).sorted(by: >).prefix(rows).reduce(0, +)
        self.init(config: config, batchRows: rows, positions: virtualTokens + longest, targetTokens: max(1, targets))
    }

    /// The estimate for a batch of `batchRows` rows of `positions` positions with `targetTokens`
    /// labelled tokens. Uses `ActivationArena.Layout`'s own size table, so it tracks the arena.
    public init(config: LlamaConfig, batchRows: Int, positions: Int, targetTokens: Int) {
        self.batchRows = batchRows
        self.positions = positions
        let layout = ActivationArena.Layout(config: config, batch: batchRows, length: positions, outputs: targetTokens)
        let floats = ActivationSlot.allCases.reduce(0) { $0 + layout.elements(of: $1) * layout.copies(of: $1) }
        activationBytes = floats * MemoryLayout<Float>.size
        // logits: (R, V); inputs and dInputs: (B, S, C) each.
        bufferBytes = (targetTokens * config.vocab + 2 * batchRows * positions * config.width) * MemoryLayout<Float>.size
    }

    /// Nil when the update fits in `availableBytes`, else a one-line refusal with advice:
    /// "batch 64 × 512 tokens needs ~9.1 GiB; available 6.2 GiB — lower batch_size or max_input_tokens".
    public func refusal(availableBytes: Int) -> String? {
        guard totalBytes > availableBytes else { return nil }
        return "batch \(batchRows) × \(positions) tokens needs ~\(MemoryBudget.format(totalBytes)); available \(MemoryBudget.format(availableBytes))"
            + " — lower batch_size (use accumulate_steps to keep the effective batch) or max_input_tokens / max_output_tokens"
    }
}
