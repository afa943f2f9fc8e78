/// `torch.optim.AdamW`: first `p *= 1 − lr · wd` (decoupled weight decay), then the Adam update
/// without any L2 term. PyTorch's default weight decay is 0.01.
public struct AdamW: PromptOptimizer {
    /// Learning rate.
    public var learningRate: Double
    /// First-moment decay.
    public var beta1: Double
    /// Second-moment decay.
    public var beta2: Double
    /// Added to the denominator.
    public var epsilon: Double
    /// Decoupled weight decay.
    public var weightDecay: Double
    /// m: (N, C).
    public private(set) var firstMoment: [Float] = []
    /// v: (N, C).
    public private(set) var secondMoment: [Float] = []
    /// t.
    public private(set) var stepCount = 0

    /// Creates AdamW with PyTorch's defaults except the learning rate.
    public init(learningRate: Double = 0.03, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0.01) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Forgets m, v and t.
    public mutating func reset() {
        firstMoment = []
        secondMoment = []
        stepCount = 0
    }

    /// One AdamW update of `parameters` (N, C) from `gradient` (N, C).
    public mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int) {
        if firstMoment.count != parameters.count {
            firstMoment = [Float](repeating: 0, count: parameters.count)
            secondMoment = [Float](repeating: 0, count: parameters.count)
        }
        stepCount += 1
        let shrink = Float(1 - learningRate * weightDecay)
        if shrink != 1 {
            parameters.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] *= shrink }
            }
        }
        Adam.update(parameters: &parameters, gradient: gradient, m: &firstMoment, v: &secondMoment, t: stepCount,
                    lr: learningRate, beta1: beta1, beta2: beta2, eps: epsilon, l2: 0)
    }
}
