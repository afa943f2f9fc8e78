/// `adapter_config.json` of a PEFT prompt-tuning adapter: the fields PEFT's
/// `PromptTuningConfig` writes, so `PeftModel.from_pretrained` can load what ptune saves.
/// Unknown keys in files written by PEFT are ignored when reading.
public struct AdapterConfig: Sendable, Codable, Equatable {
    /// Always `PROMPT_TUNING` for files ptune writes.
    public var peftType: String
    /// `CAUSAL_LM`.
    public var taskType: String?
    /// N.
    public var numVirtualTokens: Int
    /// C: the model's embedding width.
    public var tokenDim: Int
    /// 1 for decoder-only models.
    public var numTransformerSubmodules: Int?
    /// The model's query heads.
    public var numAttentionHeads: Int?
    /// The model's layers.
    public var numLayers: Int?
    /// `TEXT`, `RANDOM` or `SAMPLE_VOCAB` (PEFT's `PromptTuningInit`).
    public var promptTuningInit: String?
    /// The init text for `TEXT`.
    public var promptTuningInitText: String?
    /// Which base model the prompt was tuned for.
    public var baseModelNameOrPath: String?
    /// Tokenizer to use for `TEXT` init when PEFT re-creates the adapter.
    public var tokenizerNameOrPath: String?
    /// True: a saved adapter is for inference.
    public var inferenceMode: Bool?

    /// The PEFT type ptune reads and writes.
    public static let promptTuning = "PROMPT_TUNING"

    /// A config for a decoder-only model.
    public init(numVirtualTokens: Int, tokenDim: Int, numAttentionHeads: Int, numLayers: Int,
                promptTuningInit: String, promptTuningInitText: String?, baseModelNameOrPath: String) {
        peftType = Self.promptTuning
        taskType = "CAUSAL_LM"
        self.numVirtualTokens = numVirtualTokens
        self.tokenDim = tokenDim
        numTransformerSubmodules = 1
        self.numAttentionHeads = numAttentionHeads
        self.numLayers = numLayers
        self.promptTuningInit = promptTuningInit
        self.promptTuningInitText = promptTuningInitText
        self.baseModelNameOrPath = baseModelNameOrPath
        tokenizerNameOrPath = baseModelNameOrPath
        inferenceMode = true
    }

    enum CodingKeys: String, CodingKey {
        case peftType = "peft_type", taskType = "task_type", numVirtualTokens = "num_virtual_tokens"
        case tokenDim = "token_dim", numTransformerSubmodules = "num_transformer_submodules"
        case numAttentionHeads = "num_attention_heads", numLayers = "num_layers"
        case promptTuningInit = "prompt_tuning_init", promptTuningInitText = "prompt_tuning_init_text"
        case baseModelNameOrPath = "base_model_name_or_path", tokenizerNameOrPath = "tokenizer_name_or_path"
        case inferenceMode = "inference_mode"
    }

    /// Writes every key, nulls included, as PEFT does.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(peftType, forKey: .peftType)
        try c.encode(taskType, forKey: .taskType)
        try c.encode(numVirtualTokens, forKey: .numVirtualTokens)
        try c.encode(tokenDim, forKey: .tokenDim)
        try c.encode(numTransformerSubmodules, forKey: .numTransformerSubmodules)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numLayers, forKey: .numLayers)
        try c.encode(promptTuningInit, forKey: .promptTuningInit)
        try c.encode(promptTuningInitText, forKey: .promptTuningInitText)
        try c.encode(baseModelNameOrPath, forKey: .baseModelNameOrPath)
        try c.encode(tokenizerNameOrPath, forKey: .tokenizerNameOrPath)
        try c.encode(inferenceMode, forKey: .inferenceMode)
    }
}

/// `ptune_state.json`: what PEFT's files do not hold but an exact resume needs.
public struct PTuneState: Sendable, Codable, Equatable {
    /// Bumped when the layout changes.
    public var formatVersion: Int
    /// Optimizer moments, step, loss history, shuffle position.
    public var training: TrainingState
    /// The step-loop settings the run used.
    public var settings: TrainingSettings
    /// The verbalizer template.
    public var template: String
    /// Token limits.
    public var limits: ExampleLimits
    /// `PairSet.contentHash` of the data trained on.
    public var dataHash: String?
    /// The prompt's source tokens (text or vocab init).
    public var sourceTokenIDs: [Int32]
    /// How the prompt was initialized.
    public var initDescription: String

    /// The current layout version.
    public static let currentFormatVersion = 1

    /// Creates a state record.
    public init(training: TrainingState, settings: TrainingSettings, template: String = Verbalizer.defaultTemplate,
                limits: ExampleLimits = ExampleLimits(), dataHash: String?, sourceTokenIDs: [Int32], initDescription: String) {
        formatVersion = Self.currentFormatVersion
        self.training = training
        self.settings = settings
        self.template = template
        self.limits = limits
        self.dataHash = dataHash
        self.sourceTokenIDs = sourceTokenIDs
        self.initDescription = initDescription
    }
}
