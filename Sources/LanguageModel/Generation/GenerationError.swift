/// What can go wrong while running the model for inference. Each message says what was expected
/// and what was found, on one line.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sequence would need more positions than the model's context allows.
    case contextOverflow(needed: Int, limit: Int)
    /// A token id outside `0..<vocab`.
    case tokenOutOfRange(id: Int32, vocab: Int)
    /// An embedding buffer whose length is not `rows × width`.
    case embeddingShape(count: Int, rows: Int, width: Int)
    /// A prompt with no rows: there is nothing to predict from.
    case emptyPrompt

    /// A one-line message for the user.
    public var description: String {
        switch self {
        case let .contextOverflow(needed, limit):
            return "sequence needs \(needed) positions, but the model's context holds at most \(limit)"
        case let .tokenOutOfRange(id, vocab):
            return "token id \(id) is out of range, expected 0..<\(vocab)"
        case let .embeddingShape(count, rows, width):
            return "embedding buffer has \(count) floats, expected \(rows) rows × \(width) = \(rows * width)"
        case .emptyPrompt:
            return "prompt is empty, expected at least one token or embedding row"
        }
    }
}
