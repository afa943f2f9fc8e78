/// Why a tokenizer could not be built from a vocabulary or a model file.
///
/// Each case renders as one line that says what was expected and what was found.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `tokenizer.ggml.pre` names a pre-tokenizer this tokenizer does not implement.
    case unknownPreTokenizer(String)
    /// `tokenizer.ggml.model` is not the byte-level BPE (`gpt2`) this tokenizer implements.
    case unsupportedModel(String)
    /// A required metadata key is absent from the model file.
    case missingMetadata(key: String)
    /// A metadata key holds a value of the wrong type.
    case wrongMetadataType(key: String, expected: String, found: String)
    /// The vocabulary is empty.
    case emptyVocabulary
    /// `token_type` does not have one entry per token.
    case tokenTypeCountMismatch(tokens: Int, types: Int)
    /// A merge line is not two non-empty pieces separated by one space.
    case malformedMerge(index: Int, text: String)
    /// A merge names a piece (or produces a result) that is not in the vocabulary.
    case mergeTokenMissing(index: Int, piece: String)
    /// A special-token id (bos, eos, …) lies outside the vocabulary.
    case specialIDOutOfRange(name: String, id: Int32, vocabularySize: Int)

    /// One line: what was expected and what was found.
    public var description: String {
        switch self {
        case .unknownPreTokenizer(let name):
            return "unknown pre-tokenizer '\(name)', expected one of: "
                + PreTokenizer.allCases.flatMap(\.ggufNames).joined(separator: ", ")
        case .unsupportedModel(let name):
            return "unsupported tokenizer model '\(name)', expected 'gpt2' (byte-level BPE)"
        case .missingMetadata(let key):
            return "missing tokenizer metadata key '\(key)'"
        case .wrongMetadataType(let key, let expected, let found):
            return "metadata '\(key)' should be \(expected), found \(found)"
        case .emptyVocabulary:
            return "empty vocabulary, expected at least one token"
        case .tokenTypeCountMismatch(let tokens, let types):
            return "token_type has \(types) entries, expected one per token (\(tokens))"
        case .malformedMerge(let index, let text):
            return "merge \(index) '\(text)' is malformed, expected 'left right'"
        case .mergeTokenMissing(let index, let piece):
            return "merge \(index) needs piece '\(piece)', which is not in the vocabulary"
        case .specialIDOutOfRange(let name, let id, let size):
            return "\(name) token id \(id) is outside the vocabulary (0..<\(size))"
        }
    }
}
