// Dimension letters: B = rows, N = virtual tokens, T = longest example in tokens (virtual tokens
// not counted), R = labelled positions of the batch (target tokens + one EOS per row).

/// One labelled position: the logits at `position` of `row` (virtual tokens included in the
/// count) predict `label`.
public struct TargetPosition: Sendable, Hashable, Codable {
    /// The batch row.
    public var row: Int
    /// Position in the full sequence `[prompt ; tokens]`, 0-based.
    public var position: Int
    /// The token id that position should predict.
    public var label: Int32

    /// Creates a target position.
    public init(row: Int, position: Int, label: Int32) {
        self.row = row
        self.position = position
        self.label = label
    }
}

/// A padded batch of examples and the positions that carry loss: exactly what the model's
/// forward with output positions needs. The model sees, per row, `[P (N, C) ; E(tokens[row])]`
/// over positions `0..<N+T`, causal attention, right padding masked by `lengths`.
public struct Batch: Sendable, Equatable {
    /// N: virtual tokens in front of every row.
    public var virtualTokens: Int
    /// B: rows.
    public var rows: Int
    /// T: tokens per row after padding (virtual tokens not counted).
    public var length: Int
    /// tokens: (B, T) row-major, right-padded with the pad id.
    public var tokens: [Int32]
    /// lengths: (B) real tokens per row; positions `N + lengths[b] ..< N + T` are padding.
    public var lengths: [Int]
    /// targets: (R) in row order, positions ascending within a row.
    public var targets: [TargetPosition]
    /// (B) the `pairIndex` of each row's example.
    public var pairIndices: [Int]
    /// (B) where each row's pair came from (nil for typed pairs).
    public var locations: [PairLocation?]

    /// N + T: the sequence length the model runs over.
    public var sequenceLength: Int { virtualTokens + length }

    /// (R) the label of each labelled position.
    public var labels: [Int32] { targets.map(\.label) }

    /// (R) the row of each labelled position.
    public var targetRows: [Int] { targets.map(\.row) }

    /// (R) each labelled position as a flat index `row · (N + T) + position` into (B, N + T).
    public var flatOutputPositions: [Int] { targets.map { $0.row * sequenceLength + $0.position } }

    /// (B) labelled tokens per row.
    public var targetCounts: [Int] {
        var counts = [Int](repeating: 0, count: rows)
        for target in targets { counts[target.row] += 1 }
        return counts
    }

    /// R: labelled tokens in the batch, the denominator of the mean loss.
    public var targetTokenCount: Int { targets.count }
}

/// Pads examples into a `Batch` and lists the labelled positions.
public enum Batching {
    /// Builds a batch: rows in the given order, right-padded with `padID` to the longest example.
    /// Token `j` (0-based) of a row's ids is predicted from position `N + j - 1`; only the target
    /// tokens (output tokens and the final EOS) are labelled.
    public static func batch(_ examples: [TuningExample], virtualTokens: Int, padID: Int32) throws(BatchingError) -> Batch {
        guard !examples.isEmpty else { throw .noExamples }
        guard virtualTokens >= 0 else { throw .negativeVirtualTokens(virtualTokens) }
        let length = examples.map(\.tokenCount).max()!
        // tokens: (B, T)
        var tokens = [Int32](repeating: padID, count: examples.count * length)
        var targets: [TargetPosition] = []
        targets.reserveCapacity(examples.reduce(0) { $0 + $1.targetIDs.count })
        for (row, example) in examples.enumerated() {
            guard !example.targetIDs.isEmpty else { throw .emptyTarget(pairIndex: example.pairIndex) }
            if virtualTokens == 0, example.inputIDs.isEmpty { throw .nothingBeforeTarget(pairIndex: example.pairIndex) }
            let ids = example.ids
            for (j, id) in ids.enumerated() { tokens[row * length + j] = id }
            for k in example.targetIDs.indices {
                let j = example.inputIDs.count + k
                targets.append(TargetPosition(row: row, position: virtualTokens + j - 1, label: example.targetIDs[k]))
            }
        }
        return Batch(virtualTokens: virtualTokens, rows: examples.count, length: length, tokens: tokens,
                     lengths: examples.map(\.tokenCount), targets: targets,
                     pairIndices: examples.map(\.pairIndex), locations: examples.map(\.location))
    }
}

/// Why examples could not be batched.
public enum BatchingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An empty batch.
    case noExamples
    /// A negative number of virtual tokens.
    case negativeVirtualTokens(Int)
    /// An example without target tokens (cannot happen with `ExampleBuilder`, which adds EOS).
    case emptyTarget(pairIndex: Int)
    /// No prompt and no input: nothing precedes the first target token.
    case nothingBeforeTarget(pairIndex: Int)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case .noExamples: return "expected at least one example in a batch, found none"
        case let .negativeVirtualTokens(n): return "expected a non-negative number of virtual tokens, found \(n)"
        case let .emptyTarget(index): return "expected pair \(index + 1) to have target tokens, found none"
        case let .nothingBeforeTarget(index):
            return "expected pair \(index + 1) to have input tokens when the prompt has no virtual tokens, found none"
        }
    }
}
