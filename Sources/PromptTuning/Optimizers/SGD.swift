/// `torch.optim.SGD` (dampening 0, no Nesterov):
/// ```
/// g = g + wd · p                       (when weight decay ≠ 0)
/// b = g on the first step, else b = μ b + g   (when momentum μ ≠ 0; then g = b)
/// p -= lr · g
/// ```
public struct SGD: PromptOptimizer {
    /// Learning rate.
    public var learningRate: Double
    /// Momentum μ (0 = plain SGD).
    public var momentum: Double
    /// L2 penalty added to the gradient.
    public var weightDecay: Double
    /// The momentum buffer: (N, C), empty before the first step or without momentum.
    public private(set) var momentumBuffer: [Float] = []
    /// Updates taken.
    public private(set) var stepCount = 0

    /// Creates SGD.
    public init(learningRate: Double = 0.03, momentum: Double = 0, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// Forgets the momentum buffer and step count.
    public mutating func reset() {
        momentumBuffer = []
        stepCount = 0
    }

    /// One SGD update of `parameters` (N, C) from `gradient` (N, C).
    public mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int) {
        let negLR = Float(-learningRate), mu = Float(momentum), decay = Float(weightDecay)
        let first = momentumBuffer.count != parameters.count
        if mu != 0, first { momentumBuffer = [Float](repeating: 0, count: parameters.count) }
        stepCount += 1
        let count = parameters.count
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                momentumBuffer.withUnsafeMutableBufferPointer { b in
                    for i in 0..<count {
                        var grad = decay == 0 ? g[i] : g[i] + decay * p[i]
                        if mu != 0 {
                            b[i] = first ? grad : b[i] * mu + grad
                            grad = b[i]
                        }
                        p[i] = p[i] + negLR * grad
                    }
                }
            }
        }
    }
}
