/// What prompt tuning needs from a tokenizer. LanguageModel's `BPETokenizer` conforms in a
/// one-line extension in Studio; tests use small fakes. `encode` must add no special tokens
/// (no BOS, no EOS): examples are assembled from separately tokenized pieces.
public protocol TextTokenizer {
    /// The ids of `text`, without special tokens.
    func encode(_ text: String) -> [Int32]
    /// The text of `ids`, control tokens written literally.
    func decode(_ ids: [Int32]) -> String
    /// The end-of-sequence id: appended after every target, and used as padding.
    var eosID: Int32 { get }
}
