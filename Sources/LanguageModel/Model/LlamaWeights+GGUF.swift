import Dispatch
import Numerics

// C = width, NH = query heads, KVH = kv heads, HS = head size, F = feed-forward width,
// V = vocabulary, L = layers.

// MARK: - Configuration

extension LlamaConfig {
    /// Reads the hyperparameters of a Llama-family model from GGUF metadata. The vocabulary size
    /// comes from `token_embd.weight`'s shape; the head is tied when there is no `output.weight`.
    public init(gguf file: GGUFFile) throws {
        let arch = try file.requireString(GGUFKey.architecture)
        guard arch == "llama" else { throw GGUFError.unsupportedArchitecture(arch) }

        let layers = try file.requireInt(GGUFKey.blockCount(arch))
        let width = try file.requireInt(GGUFKey.embeddingLength(arch))
        let heads = try file.requireInt(GGUFKey.headCount(arch))
        let kvHeads = file[GGUFKey.headCountKV(arch)] == nil ? heads : try file.requireInt(GGUFKey.headCountKV(arch))
        let ffn = try file.requireInt(GGUFKey.feedForwardLength(arch))
        let context = try file.requireInt(GGUFKey.contextLength(arch))
        let theta = file[GGUFKey.ropeFreqBase(arch)] == nil ? 10_000 : try file.requireFloat(GGUFKey.ropeFreqBase(arch))
        let eps = try file.requireFloat(GGUFKey.layerNormRMSEpsilon(arch))

        func positive(_ key: String, _ v: Int) throws {
            guard v > 0 else { throw GGUFError.invalidValue(key: key, reason: "expected a positive integer, found \(v)") }
        }
        try positive(GGUFKey.blockCount(arch), layers)
        try positive(GGUFKey.embeddingLength(arch), width)
        try positive(GGUFKey.headCount(arch), heads)
        try positive(GGUFKey.headCountKV(arch), kvHeads)
        try positive(GGUFKey.feedForwardLength(arch), ffn)
        guard heads % kvHeads == 0 else {
            throw GGUFError.invalidConfig("\(heads) query heads is not a multiple of \(kvHeads) kv heads")
        }
        let headSize = file[GGUFKey.ropeDimensionCount(arch)] == nil
            ? width / heads : try file.requireInt(GGUFKey.ropeDimensionCount(arch))
        guard headSize > 0, headSize % 2 == 0 else {
            throw GGUFError.invalidConfig("head size \(headSize) must be positive and even (RoPE rotates pairs)")
        }
        // Loaders multiply heads × head size; a corrupt head size must fail here, not trap there
        // (an overflow trap that Scripts/fuzz can reach with one metadata value).
        guard !heads.multipliedReportingOverflow(by: headSize).overflow else {
            throw GGUFError.invalidConfig("\(heads) heads of size \(headSize) overflow the attention width")
        }
        try Self.refuseUnsupportedFeatures(file, arch: arch, headSize: headSize)
        guard eps > 0, theta > 0 else {
            throw GGUFError.invalidConfig("rms epsilon \(eps) and rope base \(theta) must be positive")
        }

        guard let embedding = file.tensor(named: TensorName.tokenEmbedding) else {
            throw GGUFError.missingTensor(TensorName.tokenEmbedding)
        }
        guard embedding.dimensions.count == 2, embedding.dimensions[0] == width else {
            throw GGUFError.shapeMismatch(tensor: TensorName.tokenEmbedding, expected: [-1, width], found: embedding.shape)
        }
        self.init(architecture: arch, layers: layers, width: width, heads: heads, kvHeads: kvHeads,
                  headSize: headSize, ffnWidth: ffn, vocab: embedding.dimensions[1], contextLength: context,
                  ropeTheta: theta, rmsEps: eps, tiedOutput: file.tensor(named: TensorName.output) == nil)
    }
}

extension LlamaConfig {
    /// Throws `GGUFError.unsupportedFeature` for metadata that changes what a block computes in a
    /// way ptune does not implement: rope scaling, a partial rotary width, a key or value width
    /// other than the head size, mixture-of-experts layers.
    static func refuseUnsupportedFeatures(_ file: GGUFFile, arch: String, headSize: Int) throws {
        if let kind = file[GGUFKey.ropeScalingType(arch)]?.string, kind != "none" {
            throw GGUFError.unsupportedFeature("rope scaling '\(kind)' (\(GGUFKey.ropeScalingType(arch)))")
        }
        if file[GGUFKey.ropeScalingFactor(arch)] != nil {
            let factor = try file.requireFloat(GGUFKey.ropeScalingFactor(arch))
            if factor != 0 && factor != 1 {
                throw GGUFError.unsupportedFeature("rope scaling by \(factor) (\(GGUFKey.ropeScalingFactor(arch)))")
            }
        }
        for key in [GGUFKey.keyLength(arch), GGUFKey.valueLength(arch)] where file[key] != nil {
            let width = try file.requireInt(key)
            guard width == headSize else {
                throw GGUFError.unsupportedFeature("heads of width \(width) (\(key)) with a rotary width of \(headSize)")
            }
        }
        if file[GGUFKey.expertCount(arch)] != nil {
            let experts = try file.requireInt(GGUFKey.expertCount(arch))
            if experts > 0 {
                throw GGUFError.unsupportedFeature("mixture-of-experts layers (\(GGUFKey.expertCount(arch)) \(experts))")
            }
        }
    }
}

// MARK: - Weights

extension LlamaWeights {
    /// A model's tensors, found in the file and checked against its configuration, not yet
    /// dequantized. Building one reads only the header; `materialize()` does the heavy part and
    /// cannot fail, so a loader can check a file at once and dequantize later or elsewhere.
    public struct Plan: Sendable {
        /// The model's shape, from the file's metadata.
        public let config: LlamaConfig
        let file: GGUFFile
        /// Every tensor to read, in the order `materialize` takes them.
        let tensors: [GGUFTensorInfo]

        /// The number of weight values (every planned tensor's elements).
        public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }
        /// The bytes `materialize` allocates: one Float32 per value.
        public var floatBytes: Int { parameterCount * MemoryLayout<Float>.size }
    }

    /// Loads and dequantizes every weight of a Llama-family model, checking each tensor's shape
    /// against the configuration first. Tensors are dequantized in parallel.
    public static func load(from file: GGUFFile) throws -> LlamaWeights {
        try plan(from: file).materialize()
    }

    /// Finds every weight of a Llama-family model and checks its shape and format against the
    /// configuration, without dequantizing anything. Throws on the first problem, and when the
    /// Float32 weights `materialize` would allocate exceed `availableBytes` (default: what
    /// `MemoryBudget` reads now; nil checks nothing).
    public static func plan(from file: GGUFFile, availableBytes: Int? = MemoryBudget.available()) throws -> Plan {
        let config = try LlamaConfig(gguf: file)
        let c = config.width, q = config.heads * config.headSize, kv = config.kvHeads * config.headSize
        let f = config.ffnWidth

        // A block is 9 tensors. A block count the tensor table cannot hold fails before the plan
        // below is built from it: Scripts/fuzz found that a corrupt `llama.block_count` made this
        // function build 9 names per claimed block (billions for a UInt32 count) before reaching
        // the first missing tensor.
        guard config.layers <= file.tensors.count / 9 else {
            throw GGUFError.invalidConfig("expected at most \(file.tensors.count / 9) blocks for \(file.tensors.count) tensors (9 per block), found block count \(config.layers)")
        }

        // Every tensor to load with its expected row-major shape, in one table.
        var plan: [(name: String, shape: [Int])] = [
            (TensorName.tokenEmbedding, [config.vocab, c]),
            (TensorName.outputNorm, [c]),
        ]
        if !config.tiedOutput { plan.append((TensorName.output, [config.vocab, c])) }
        for i in 0..<config.layers {
            plan += [
                (TensorName.attnNorm(i), [c]), (TensorName.attnQ(i), [q, c]), (TensorName.attnK(i), [kv, c]),
                (TensorName.attnV(i), [kv, c]), (TensorName.attnOutput(i), [c, q]), (TensorName.ffnNorm(i), [c]),
                (TensorName.ffnGate(i), [f, c]), (TensorName.ffnUp(i), [f, c]), (TensorName.ffnDown(i), [c, f]),
            ]
        }

        // Everything `materialize` relies on is checked here: presence, shape and a format ptune
        // reads (the parser has already checked whole blocks and that the bytes are in the file).
        var infos: [GGUFTensorInfo] = []
        for (name, shape) in plan {
            guard let info = file.tensor(named: name) else { throw GGUFError.missingTensor(name) }
            guard info.shape == shape else { throw GGUFError.shapeMismatch(tensor: name, expected: shape, found: info.shape) }
            guard info.type.isSupported else { throw GGUFError.unsupportedTensorType(info.type, tensor: name) }
            infos.append(info)
        }
        // A tensor the blocks do not read is a computation ptune would leave out (a bias, rope
        // frequency factors, a q/k norm): the model is refused rather than run without it.
        let planned = Set(plan.map(\.name))
        if let extra = file.tensors.first(where: { !planned.contains($0.name) }) {
            throw GGUFError.unsupportedFeature(Self.feature(of: extra.name))
        }
        let checked = Plan(config: config, file: file, tensors: infos)
        if let availableBytes, checked.floatBytes > availableBytes {
            throw GGUFError.weightsTooLarge(parameters: checked.parameterCount, needed: checked.floatBytes, available: availableBytes)
        }
        return checked
    }
}

extension LlamaWeights {
    /// What an unplanned tensor stands for, for the refusal: "attention biases (tensor
    /// 'blk.0.attn_q.bias')".
    static func feature(of tensor: String) -> String {
        let kinds: [(suffix: String, feature: String)] = [
            (".bias", "biases"), ("rope_freqs.weight", "RoPE frequency factors (Llama 3.1-style rope scaling)"),
            ("_exps.weight", "mixture-of-experts layers"), ("attn_q_norm.weight", "query/key norms"),
            ("attn_k_norm.weight", "query/key norms"), ("post_attention_norm.weight", "post-attention norms"),
            ("post_ffw_norm.weight", "post-feed-forward norms"),
        ]
        let kind = kinds.first { tensor.hasSuffix($0.suffix) }?.feature ?? "a tensor the llama blocks do not read"
        return "\(kind) (tensor '\(tensor)')"
    }
}

extension LlamaWeights.Plan {
    /// Dequantizes every planned tensor to Float32, in parallel (each tensor on one thread), and
    /// assembles the weights. The same bits whichever thread runs it.
    public func materialize() -> LlamaWeights {
        let results = ResultSlots(count: tensors.count)
        DispatchQueue.concurrentPerform(iterations: tensors.count) { i in
            results.store(i, Result { try file.floats(tensors[i]) })
        }
        var values: [String: [Float]] = [:]
        for (i, info) in tensors.enumerated() {
            switch results.take(i) {
            case .success(let floats): values[info.name] = floats
            // `plan(from:)` checked the format and the parser the block count and byte range:
            // the only errors `floats` can throw.
            case .failure(let error): preconditionFailure("planned tensor \(info.name) failed to dequantize: \(error)")
            }
        }

        func take(_ name: String) -> [Float] { values.removeValue(forKey: name)! }
        let blocks = (0..<config.layers).map { i in
            LayerWeights(attnNorm: take(TensorName.attnNorm(i)), wq: take(TensorName.attnQ(i)),
                         wk: take(TensorName.attnK(i)), wv: take(TensorName.attnV(i)),
                         wo: take(TensorName.attnOutput(i)), ffnNorm: take(TensorName.ffnNorm(i)),
                         wGate: take(TensorName.ffnGate(i)), wUp: take(TensorName.ffnUp(i)),
                         wDown: take(TensorName.ffnDown(i)))
        }
        return LlamaWeights(config: config, tokenEmbedding: take(TensorName.tokenEmbedding), layers: blocks,
                            outputNorm: take(TensorName.outputNorm),
                            output: config.tiedOutput ? nil : take(TensorName.output))
    }
}

/// Per-index result slots written concurrently by `concurrentPerform`. Each index is written
/// once by one thread and read only after the parallel loop returns, so no lock is needed for
/// the slots themselves; the array storage is allocated up front and never resized.
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<[Float], any Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    func store(_ i: Int, _ value: Result<[Float], any Error>) { slots[i] = value }

    func take(_ i: Int) -> Result<[Float], any Error> {
        defer { slots[i] = nil }
        return slots[i]!
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}
