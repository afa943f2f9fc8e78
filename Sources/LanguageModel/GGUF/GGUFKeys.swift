/// Every GGUF metadata key ptune reads or writes, in one place. Architecture-scoped keys are
/// functions of the architecture name (`GGUFKey.blockCount("llama")` → `llama.block_count`).
public enum GGUFKey {
    // MARK: - general.*
    /// The model architecture, e.g. `llama`.
    public static let architecture = "general.architecture"
    /// Byte alignment of tensor data (default 32).
    public static let alignment = "general.alignment"
    /// Human-readable model name.
    public static let name = "general.name"
    /// The file's dominant tensor type (llama_ftype).
    public static let fileType = "general.file_type"
    /// The quantization format version.
    public static let quantizationVersion = "general.quantization_version"

    // MARK: - <arch>.*
    /// Training context length.
    public static func contextLength(_ arch: String) -> String { "\(arch).context_length" }
    /// Embedding width C.
    public static func embeddingLength(_ arch: String) -> String { "\(arch).embedding_length" }
    /// Number of transformer blocks.
    public static func blockCount(_ arch: String) -> String { "\(arch).block_count" }
    /// Feed-forward width F.
    public static func feedForwardLength(_ arch: String) -> String { "\(arch).feed_forward_length" }
    /// Query heads NH.
    public static func headCount(_ arch: String) -> String { "\(arch).attention.head_count" }
    /// Key/value heads KVH (defaults to NH).
    public static func headCountKV(_ arch: String) -> String { "\(arch).attention.head_count_kv" }
    /// RMSNorm epsilon.
    public static func layerNormRMSEpsilon(_ arch: String) -> String { "\(arch).attention.layer_norm_rms_epsilon" }
    /// RoPE base frequency (default 10000).
    public static func ropeFreqBase(_ arch: String) -> String { "\(arch).rope.freq_base" }
    /// Rotated dimensions per head (ptune: the head size).
    public static func ropeDimensionCount(_ arch: String) -> String { "\(arch).rope.dimension_count" }
    /// Key width per head, when the converter recorded it (ptune: must be the head size).
    public static func keyLength(_ arch: String) -> String { "\(arch).attention.key_length" }
    /// Value width per head, when recorded (ptune: must equal the key width).
    public static func valueLength(_ arch: String) -> String { "\(arch).attention.value_length" }
    /// RoPE scaling kind (`none`, `linear`, `yarn`, …); ptune runs only `none`.
    public static func ropeScalingType(_ arch: String) -> String { "\(arch).rope.scaling.type" }
    /// RoPE scaling factor; ptune runs only 1 (no scaling).
    public static func ropeScalingFactor(_ arch: String) -> String { "\(arch).rope.scaling.factor" }
    /// Experts per mixture-of-experts layer; ptune runs dense models only.
    public static func expertCount(_ arch: String) -> String { "\(arch).expert_count" }
    /// Vocabulary size, when the converter recorded it.
    public static func vocabSize(_ arch: String) -> String { "\(arch).vocab_size" }

    // MARK: - tokenizer.*
    /// Tokenizer family: `gpt2` (byte-level BPE) or `llama` (SentencePiece).
    public static let tokenizerModel = "tokenizer.ggml.model"
    /// Pre-tokenizer name, e.g. `smollm`.
    public static let tokenizerPre = "tokenizer.ggml.pre"
    /// Token strings, indexed by id.
    public static let tokens = "tokenizer.ggml.tokens"
    /// Per-token scores (SentencePiece).
    public static let scores = "tokenizer.ggml.scores"
    /// Per-token type (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte).
    public static let tokenType = "tokenizer.ggml.token_type"
    /// BPE merges, `"a b"` per entry, highest priority first.
    public static let merges = "tokenizer.ggml.merges"
    /// Beginning-of-sequence token id.
    public static let bosTokenID = "tokenizer.ggml.bos_token_id"
    /// End-of-sequence token id.
    public static let eosTokenID = "tokenizer.ggml.eos_token_id"
    /// Unknown-token id.
    public static let unknownTokenID = "tokenizer.ggml.unknown_token_id"
    /// Padding token id.
    public static let paddingTokenID = "tokenizer.ggml.padding_token_id"
    /// Whether encoding adds BOS.
    public static let addBOSToken = "tokenizer.ggml.add_bos_token"
    /// Whether encoding adds EOS.
    public static let addEOSToken = "tokenizer.ggml.add_eos_token"
    /// Whether a space is prepended (SentencePiece).
    public static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    /// The Jinja chat template.
    public static let chatTemplate = "tokenizer.chat_template"
}

/// Every GGUF tensor name of a Llama-family model, in one table.
public enum TensorName {
    /// token_embd: (V, C)
    public static let tokenEmbedding = "token_embd.weight"
    /// output_norm: (C)
    public static let outputNorm = "output_norm.weight"
    /// output: (V, C); absent when tied to the embedding.
    public static let output = "output.weight"
    /// attn_norm of block `i`: (C)
    public static func attnNorm(_ i: Int) -> String { "blk.\(i).attn_norm.weight" }
    /// attn_q of block `i`: (NH*HS, C)
    public static func attnQ(_ i: Int) -> String { "blk.\(i).attn_q.weight" }
    /// attn_k of block `i`: (KVH*HS, C)
    public static func attnK(_ i: Int) -> String { "blk.\(i).attn_k.weight" }
    /// attn_v of block `i`: (KVH*HS, C)
    public static func attnV(_ i: Int) -> String { "blk.\(i).attn_v.weight" }
    /// attn_output of block `i`: (C, NH*HS)
    public static func attnOutput(_ i: Int) -> String { "blk.\(i).attn_output.weight" }
    /// ffn_norm of block `i`: (C)
    public static func ffnNorm(_ i: Int) -> String { "blk.\(i).ffn_norm.weight" }
    /// ffn_gate of block `i`: (F, C)
    public static func ffnGate(_ i: Int) -> String { "blk.\(i).ffn_gate.weight" }
    /// ffn_up of block `i`: (F, C)
    public static func ffnUp(_ i: Int) -> String { "blk.\(i).ffn_up.weight" }
    /// ffn_down of block `i`: (C, F)
    public static func ffnDown(_ i: Int) -> String { "blk.\(i).ffn_down.weight" }
}
