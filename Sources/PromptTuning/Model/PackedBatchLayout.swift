import LanguageModel

// B = batch rows, N = virtual tokens, K = shared text tokens, M = packed rows, P = shared rows
// (N + K).

/// Which rows of a batch the shared-prefix training path runs, beyond the padding it drops:
///
/// - **Shared text.** Under causal attention a row's activations depend only on the rows before
///   it, so when every example starts with the same K tokens (the verbalizer's "Input:" and
///   whatever else the inputs share), those K rows are the same in every example at every layer,
///   like the prompt's N rows before them. They join the shared prefix and run once per batch.
///   K stops before each example's first labelled position, so no shared row carries a label.
/// - **Dead tails.** A row past an example's last labelled position feeds no loss: nothing after
///   it is labelled, and causal attention sends nothing backwards. The last token of every
///   example (its EOS, whose prediction nobody scores) is such a row; each group ends at its last
///   labelled position.
///
/// Neither changes any row the loss reads, so the loss and the prompt gradient are those of the
/// full batch (the tests hold this path against the plain padded one).
public struct PackedBatchLayout: Sendable, Equatable {
    /// The packed layout: P = N + K shared rows, then each example's own rows.
    public let sequences: PackedSequences
    /// K: leading tokens every example shares, run once (rows N ..< N + K).
    public let sharedTextTokens: Int
    /// (B) tokens of each example placed in the packed matrix after the shared ones: positions
    /// N + K ..< N + K + ownTokens[b], i.e. token indices K ..< K + ownTokens[b] (its group's rows).
    public var ownTokens: [Int] { sequences.rowGroups.map { sequences.groups[$0].count } }

    /// The layout of `batch`.
    public init(batch: Batch) {
        let n = batch.virtualTokens
        // (B) first and last labelled position of each row (Int.max and -1 for a row without
        // labels, which `Batching` refuses but a hand-built batch may have).
        var first = [Int](repeating: Int.max, count: batch.rows), last = [Int](repeating: -1, count: batch.rows)
        for target in batch.targets {
            first[target.row] = min(first[target.row], target.position)
            last[target.row] = max(last[target.row], target.position)
        }
        // K: the common token prefix, kept before every first labelled position (position
        // N + k − 1 ≥ first would put a label on a shared row) and within every row's tokens.
        // One row shares nothing with itself.
        var k = 0
        if batch.rows > 1 {
            let limit = min(first.map { $0 - n }.min()!, batch.lengths.min()! - 1)
            let length = batch.length
            shared: while k < limit {
                let id = batch.tokens[k]
                for row in 1..<batch.rows where batch.tokens[row * length + k] != id { break shared }
                k += 1
            }
        }
        // Each example runs to its last labelled position (included); later rows feed nothing. A
        // row without labels (only a hand-built batch has one) keeps all its tokens.
        let own = (0..<batch.rows).map { last[$0] >= 0 ? last[$0] + 1 - n - k : batch.lengths[$0] - k }
        sharedTextTokens = k
        sequences = PackedSequences.sharedPrefix(n + k, lengths: own.map { n + k + $0 })
    }
}
