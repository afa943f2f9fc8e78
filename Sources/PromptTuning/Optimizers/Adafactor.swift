import Foundation

// Dimension letters: N = rows of the prompt (virtual tokens), C = columns (width).

/// Adafactor as in HF transformers' `transformers.optimization.Adafactor`, the optimizer
/// Lester et al. (2021) tuned prompts with. The prompt is 2-D, so the second moment is factored
/// into a row vector R (N) and a column vector S (C):
/// ```
/// t += 1; ρ = 1 − t^decay                            (decay = −0.8)
/// lr_t = lr                                          (relative step off: a learning rate is given)
///        · max(eps2, RMS(p)) when scaleParameter     (eps2 = 1e-3)
/// u = g² + eps1                                      (eps1 = 1e-30)
/// R = ρ R + (1 − ρ) mean_C(u);  S = ρ S + (1 − ρ) mean_N(u)
/// U = g · rsqrt(R / mean(R)) ⊗ rsqrt(S)
/// U /= max(1, RMS(U) / clip)                          (clip threshold 1.0)
/// U *= lr_t; with β1: m = β1 m + (1 − β1) U, U = m
/// p -= p · wd · lr_t (when weight decay ≠ 0);  p -= U
/// ```
/// With no learning rate, the relative step `min(1e-2, 1/sqrt(t))` is used and parameter scaling
/// is on (HF's defaults). With a learning rate, parameter scaling defaults to off, the setting
/// Lester et al. and HF's documentation recommend for fixed-rate training.
public struct Adafactor: PromptOptimizer {
    /// Fixed learning rate; nil = relative step.
    public var learningRate: Double?
    /// Scale the step by the parameters' RMS.
    public var scaleParameter: Bool
    /// First-moment decay; nil = no first moment (HF's default).
    public var beta1: Double?
    /// Decoupled weight decay.
    public var weightDecay: Double
    /// The exponent of the second-moment decay schedule.
    public var decayRate: Double = -0.8
    /// Update clipping threshold.
    public var clipThreshold: Double = 1.0
    /// Added to g² (eps1).
    public var epsilon1: Double = 1e-30
    /// Floor of the parameter scale (eps2).
    public var epsilon2: Double = 1e-3
    /// R: (N).
    public private(set) var rowMoment: [Float] = []
    /// S: (C).
    public private(set) var columnMoment: [Float] = []
    /// m: (N, C) when beta1 is set.
    public private(set) var firstMoment: [Float] = []
    /// t.
    public private(set) var stepCount = 0

    /// Creates Adafactor; `scaleParameter` defaults to `learningRate == nil`.
    public init(learningRate: Double? = 0.3, scaleParameter: Bool? = nil, beta1: Double? = nil, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.scaleParameter = scaleParameter ?? (learningRate == nil)
        self.beta1 = beta1
        self.weightDecay = weightDecay
    }

    /// Forgets R, S, m and t.
    public mutating func reset() {
        rowMoment = []
        columnMoment = []
        firstMoment = []
        stepCount = 0
    }

    /// One Adafactor update of `parameters` (N, C) from `gradient` (N, C).
    public mutating func step(parameters: inout [Float], gradient: [Float], rows n: Int, columns c: Int) {
        if rowMoment.count != n || columnMoment.count != c {
            rowMoment = [Float](repeating: 0, count: n)
            columnMoment = [Float](repeating: 0, count: c)
            firstMoment = []
        }
        stepCount += 1
        let t = Double(stepCount)
        // lr_t, in Double like HF's Python floats.
        var lr = learningRate ?? min(1e-2, 1 / t.squareRoot())
        if scaleParameter { lr *= max(epsilon2, Double(Self.rms(parameters))) }
        let rho = Float(1 - pow(t, decayRate)), oneMinusRho = Float(1 - (1 - pow(t, decayRate)))
        let eps1 = Float(epsilon1)

        // R, S from u = g² + eps1: row means over C, column means over N.
        var columnSums = [Float](repeating: 0, count: c)  // (C)
        for i in 0..<n {
            var rowSum: Float = 0
            for j in 0..<c {
                let u = gradient[i * c + j] * gradient[i * c + j] + eps1
                rowSum += u
                columnSums[j] += u
            }
            rowMoment[i] = rowMoment[i] * rho + oneMinusRho * (rowSum / Float(c))
        }
        for j in 0..<c { columnMoment[j] = columnMoment[j] * rho + oneMinusRho * (columnSums[j] / Float(n)) }

        // U = g · rsqrt(R / mean(R)) ⊗ rsqrt(S): (N, C)
        let rowMean = rowMoment.reduce(0, +) / Float(n)
        var update = [Float](repeating: 0, count: n * c)
        for i in 0..<n {
            let r = 1 / (rowMoment[i] / rowMean).squareRoot()
            for j in 0..<c { update[i * c + j] = r * (1 / columnMoment[j].squareRoot()) * gradient[i * c + j] }
        }
        let clip = max(Self.rms(update) / Float(clipThreshold), 1)
        let lrFloat = Float(lr)
        for k in update.indices { update[k] = update[k] / clip * lrFloat }
        if let beta1 {
            if firstMoment.count != update.count { firstMoment = [Float](repeating: 0, count: update.count) }
            let b1 = Float(beta1), oneMinusB1 = Float(1 - beta1)
            for k in update.indices { firstMoment[k] = firstMoment[k] * b1 + oneMinusB1 * update[k] }
            update = firstMoment
        }
        let decay = Float(-weightDecay * lr)
        for k in parameters.indices {
            if decay != 0 { parameters[k] += parameters[k] * decay }
            parameters[k] -= update[k]
        }
    }

    /// Root mean square: ‖x‖₂ / sqrt(count), as HF's `_rms`.
    static func rms(_ values: [Float]) -> Float {
        var sum: Float = 0
        for value in values { sum += value * value }
        return sum.squareRoot() / Float(values.count).squareRoot()
    }
}
