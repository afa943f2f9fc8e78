import LanguageModel

/// The model's own tokenizer serves the example builder. A vocabulary without an EOS id pads
/// and ends targets with id 0 — every Llama-family GGUF ptune loads declares one.
extension BPETokenizer: TextTokenizer {
    /// The end-of-sequence id.
    public var eosID: Int32 { eos ?? 0 }
}
