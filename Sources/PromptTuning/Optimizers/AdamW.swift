/// `torch.optim.AdamW`: first `p *= 1 − lr · wd` (decoupled weight decay), then the Adam update
/// without any L2 term — so it is Adam (whose own weight decay stays 0) after a shrink of the
/// parameters. PyTorch's default weight decay is 0.01.
public struct AdamW: PromptOptimizer {
    /// The Adam update and its moments (m, v, t); its L2 term is always 0.
    public private(set) var adam: Adam
    /// Decoupled weight decay.
    public var weightDecay: Double

    /// Creates AdamW with PyTorch's defaults except the learning rate.
    public init(learningRate: Double = 0.03, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0.01) {
        adam = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: 0)
        self.weightDecay = weightDecay
    }

    /// Learning rate (the Adam step's and the decay's).
    public var learningRate: Double {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }

    /// t.
    public var stepCount: Int { adam.stepCount }

    /// Forgets m, v and t.
    public mutating func reset() { adam.reset() }

    /// One AdamW update of `parameters` (N, C) from `gradient` (N, C).
    public mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int) {
        let shrink = Float(1 - learningRate * weightDecay)
        if shrink != 1 {
            parameters.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] *= shrink }
            }
        }
        adam.step(parameters: &parameters, gradient: gradient, rows: rows, columns: columns)
    }
}
