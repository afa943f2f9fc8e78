// Dimension letters: N = virtual tokens, C = model width, V = vocabulary.
import PromptTuning

/// What the live lens and `diff` need from the inspection computations: each virtual token's
/// nearest vocabulary tokens by cosine. PromptTuning's `EmbeddingIndex` (one (N, C)·(C, V)
/// product, cached norms, control tokens excluded) provides it; the protocol keeps the lens
/// testable with any other source of neighbours.
protocol NeighbourLens {
    /// Per row of `values` (N, C): the `k` vocabulary tokens with the highest cosine, best first.
    func nearest(_ values: [Float], rows: Int, k: Int) throws -> [[Neighbour]]
}

/// `EmbeddingIndex.nearest(_:rows:k:)` already has this shape.
extension EmbeddingIndex: NeighbourLens {}
