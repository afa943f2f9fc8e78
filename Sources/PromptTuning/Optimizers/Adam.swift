import Foundation

/// `torch.optim.Adam` (single-tensor path, amsgrad off), step for step:
/// ```
/// g = g + wd · p                          (only when weight decay ≠ 0: L2, not decoupled)
/// m = lerp(m, g, 1 − b1)                  (= m + (1 − b1)(g − m), one fused multiply-add)
/// v = b2 v + (1 − b2) g²
/// p -= (lr / (1 − b1^t)) · m / (sqrt(v) / sqrt(1 − b2^t) + eps)
/// ```
/// Hyper-parameters are Doubles like Python floats; bias corrections are computed in Double and
/// cast to Float where PyTorch passes them into a float32 kernel, so rounding follows PyTorch's.
public struct Adam: PromptOptimizer {
    /// Learning rate.
    public var learningRate: Double
    /// First-moment decay.
    public var beta1: Double
    /// Second-moment decay.
    public var beta2: Double
    /// Added to the denominator.
    public var epsilon: Double
    /// L2 penalty added to the gradient.
    public var weightDecay: Double
    /// m: (N, C), empty before the first step.
    public private(set) var firstMoment: [Float] = []
    /// v: (N, C), empty before the first step.
    public private(set) var secondMoment: [Float] = []
    /// t.
    public private(set) var stepCount = 0

    /// Creates Adam with PyTorch's defaults except the learning rate.
    public init(learningRate: Double = 0.03, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0) {
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

    /// One Adam update of `parameters` (N, C) from `gradient` (N, C).
    public mutating func step(parameters: inout [Float], gradient: [Float], rows: Int, columns: Int) {
        if firstMoment.count != parameters.count {
            firstMoment = [Float](repeating: 0, count: parameters.count)
            secondMoment = [Float](repeating: 0, count: parameters.count)
        }
        stepCount += 1
        Self.update(parameters: &parameters, gradient: gradient, m: &firstMoment, v: &secondMoment, t: stepCount,
                    lr: learningRate, beta1: beta1, beta2: beta2, eps: epsilon, l2: weightDecay)
    }

    /// The shared Adam kernel (AdamW calls it after its decoupled decay).
    static func update(parameters: inout [Float], gradient: [Float], m: inout [Float], v: inout [Float], t: Int,
                       lr: Double, beta1: Double, beta2: Double, eps: Double, l2: Double) {
        let weight = Float(1 - beta1)      // lerp weight
        let b2 = Float(beta2), oneMinusB2 = Float(1 - beta2)
        let biasCorrection1 = 1 - pow(beta1, Double(t))
        let biasCorrection2Sqrt = (1 - pow(beta2, Double(t))).squareRoot()
        let negStepSize = Float(-(lr / biasCorrection1))
        let bc2 = Float(biasCorrection2Sqrt), epsilon = Float(eps), decay = Float(l2)
        let count = parameters.count
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for i in 0..<count {
                            let grad = decay == 0 ? g[i] : g[i] + decay * p[i]
                            // torch's vectorized lerp is one fused multiply-add: fmadd(w, end − self, self)
                            m[i] = m[i].addingProduct(weight, grad - m[i])
                            v[i] = v[i] * b2 + oneMinusB2 * grad * grad
                            let denominator = v[i].squareRoot() / bc2 + epsilon
                            p[i] = p[i] + negStepSize * m[i] / denominator
                        }
                    }
                }
            }
        }
    }
}
