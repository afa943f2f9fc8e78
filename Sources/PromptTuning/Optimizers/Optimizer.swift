/// One optimizer's update rule and state. Parameters and gradients are the flat (N, C) prompt;
/// `rows`/`columns` give the 2-D shape for optimizers that care (Adafactor factors by it).
public protocol PromptOptimizer: Sendable, Codable, Equatable {
    /// Updates taken so far (PyTorch's `state["step"]`).
    var stepCount: Int { get }
    /// Applies one update in place. `gradient` has the same count as `parameters`.
    mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int)
    /// Forgets all state (moments, step count), keeping the hyper-parameters.
    mutating func reset()
}

/// The optimizers a session can use, as one Codable value (saved in `ptune_state.json`).
public enum Optimizer: Sendable, Codable, Equatable {
    /// `torch.optim.Adam` (the default).
    case adam(Adam)
    /// `torch.optim.AdamW`: decoupled weight decay.
    case adamW(AdamW)
    /// HF transformers' Adafactor, as Lester et al. used it.
    case adafactor(Adafactor)
    /// `torch.optim.SGD`, optionally with momentum.
    case sgd(SGD)

    /// Builds a fresh optimizer from settings.
    public init(_ settings: OptimizerSettings) {
        switch settings.kind {
        case .adam:
            self = .adam(Adam(learningRate: settings.learningRate, beta1: settings.beta1, beta2: settings.beta2,
                              epsilon: settings.epsilon, weightDecay: settings.weightDecay))
        case .adamW:
            self = .adamW(AdamW(learningRate: settings.learningRate, beta1: settings.beta1, beta2: settings.beta2,
                                epsilon: settings.epsilon, weightDecay: settings.weightDecay))
        case .adafactor:
            self = .adafactor(Adafactor(learningRate: settings.learningRate, weightDecay: settings.weightDecay))
        case .sgd:
            self = .sgd(SGD(learningRate: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay))
        }
    }

    /// Updates taken so far.
    public var stepCount: Int {
        switch self {
        case let .adam(o): return o.stepCount
        case let .adamW(o): return o.stepCount
        case let .adafactor(o): return o.stepCount
        case let .sgd(o): return o.stepCount
        }
    }

    /// The setting name of this optimizer.
    public var kind: OptimizerKind {
        switch self {
        case .adam: return .adam
        case .adamW: return .adamW
        case .adafactor: return .adafactor
        case .sgd: return .sgd
        }
    }

    /// Applies one update in place.
    public mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int) {
        precondition(parameters.count == gradient.count && parameters.count == rows * columns, "(N, C) parameters and gradient")
        switch self {
        case var .adam(o): o.step(parameters: &parameters, gradient: gradient, rows: rows, columns: columns); self = .adam(o)
        case var .adamW(o): o.step(parameters: &parameters, gradient: gradient, rows: rows, columns: columns); self = .adamW(o)
        case var .adafactor(o): o.step(parameters: &parameters, gradient: gradient, rows: rows, columns: columns); self = .adafactor(o)
        case var .sgd(o): o.step(parameters: &parameters, gradient: gradient, rows: rows, columns: columns); self = .sgd(o)
        }
    }
}

/// Names of the optimizers, as the `optimizer` setting spells them.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    /// Adam.
    case adam
    /// AdamW.
    case adamW = "adamw"
    /// Adafactor.
    case adafactor
    /// SGD.
    case sgd
}

/// The optimizer-related settings; defaults are PyTorch's Adam with DESIGN §2's learning rate.
public struct OptimizerSettings: Sendable, Codable, Equatable {
    /// Which optimizer.
    public var kind: OptimizerKind
    /// Learning rate.
    public var learningRate: Double
    /// Adam β1.
    public var beta1: Double
    /// Adam β2.
    public var beta2: Double
    /// Adam ε.
    public var epsilon: Double
    /// Weight decay (L2 for Adam/SGD, decoupled for AdamW/Adafactor).
    public var weightDecay: Double
    /// SGD momentum.
    public var momentum: Double

    /// Creates settings.
    public init(kind: OptimizerKind = .adam, learningRate: Double = 0.03, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
    }
}
