// M = packed rows (every real position of the batch once, no padding), G = groups,
// B = batch rows, N = shared prefix rows (virtual tokens), NH = query heads.

/// How a batch of sequences lies in one packed `(M, C)` matrix for the training forward: no
/// padding rows, and a prefix that is the same in every sequence stored once.
///
/// Each group is a run of consecutive packed rows `start ..< start + count` sitting at sequence
/// positions `context ..< context + count`, whose queries see the shared rows `0 ..< context`
/// first and then their own rows causally. Under causal attention a prefix shared by every
/// sequence (the prompt's virtual tokens) has the same activations in every sequence at every
/// layer, so the shared layout computes it once, and its gradient arrives already summed over
/// the batch: the backward through the prefix rows is linear in the incoming gradient.
public struct PackedSequences: Sendable, Equatable {
    /// One run of packed rows.
    public struct Group: Sendable, Equatable {
        /// First packed row.
        public var start: Int
        /// Rows in the group.
        public var count: Int
        /// Shared rows `0..<context` the group's queries see before their own rows (also the
        /// position of the group's first row).
        public var context: Int
        /// Attention scores of one head: `count × (context + count)`.
        public var scoreCount: Int { count * (context + count) }
    }

    /// The groups, in packed-row order.
    public let groups: [Group]
    /// M: packed rows.
    public let rows: Int
    /// (M) sequence position of each packed row (RoPE angle index).
    public let positions: [Int]
    /// (B) for each batch row, the group index of its own tokens.
    public let rowGroups: [Int]
    /// N: shared prefix rows at the top of the matrix (0 when nothing is shared).
    public let prefix: Int
    /// (G + 1) Σ scoreCount of the groups before each group (the last entry is the total).
    private let scoreStarts: [Int]

    /// Prefix rows `0..<prefix` stored once, then each batch row's `lengths[b] − prefix` own
    /// rows. `lengths` counts prefix rows too (as `LlamaModel.forward` does); each must be ≥ prefix.
    public static func sharedPrefix(_ prefix: Int, lengths: [Int]) -> PackedSequences {
        precondition(prefix >= 0 && lengths.allSatisfy { $0 >= prefix }, "every length must cover the prefix \(prefix)")
        var groups: [Group] = []
        if prefix > 0 { groups.append(Group(start: 0, count: prefix, context: 0)) }
        var rowGroups: [Int] = []
        var cursor = prefix
        for length in lengths {
            rowGroups.append(groups.count)
            groups.append(Group(start: cursor, count: length - prefix, context: prefix))
            cursor += length - prefix
        }
        return PackedSequences(groups: groups, rowGroups: rowGroups, prefix: prefix)
    }

    /// Every batch row whole and separate (nothing shared), padding dropped.
    public static func separate(lengths: [Int]) -> PackedSequences {
        precondition(lengths.allSatisfy { $0 >= 0 }, "lengths must be ≥ 0")
        var groups: [Group] = []
        var cursor = 0
        for length in lengths {
            groups.append(Group(start: cursor, count: length, context: 0))
            cursor += length
        }
        return PackedSequences(groups: groups, rowGroups: Array(groups.indices), prefix: 0)
    }

    private init(groups: [Group], rowGroups: [Int], prefix: Int) {
        self.groups = groups
        self.rowGroups = rowGroups
        self.prefix = prefix
        rows = groups.reduce(0) { $0 + $1.count }
        var positions = [Int](repeating: 0, count: rows)
        for group in groups {
            for i in 0..<group.count { positions[group.start + i] = group.context + i }
        }
        self.positions = positions
        var starts = [0]
        for group in groups { starts.append(starts.last! + group.scoreCount) }
        scoreStarts = starts
    }

    /// The packed row of position `t` of batch row `b` (`t` counts prefix rows).
    public func row(batchRow b: Int, position t: Int) -> Int {
        let group = groups[rowGroups[b]]
        if t < group.context { return t }  // a shared row
        precondition(t - group.context < group.count, "position \(t) of batch row \(b) is past its length")
        return group.start + t - group.context
    }

    /// Floats of one layer's saved attention probabilities: NH · Σ count × (context + count).
    public func attentionFloats(heads: Int) -> Int { heads * scoreStarts.last! }

    /// Offset of group `g`'s probabilities (NH blocks of `scoreCount`) within one layer's.
    public func attentionOffset(group g: Int, heads: Int) -> Int {
        heads * scoreStarts[g]
    }

    /// The largest one-head score block, the backward's scratch.
    public var largestScoreCount: Int { groups.map(\.scoreCount).max() ?? 0 }
}
