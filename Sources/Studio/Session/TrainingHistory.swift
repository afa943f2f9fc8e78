// Dimension letters: N = virtual tokens, C = model width.
import PromptTuning

/// What every applied update left behind, kept in the session for `plot`, the live lens and
/// snapshots: loss, learning rate, how far the prompt moved from its start, each row's norm, and
/// (while it fits in `vectorBudget`) the vector itself. Cleared when a new prompt vector starts.
public struct TrainingHistory: Sendable, Equatable {
    /// One applied update.
    public struct Entry: Sendable, Equatable {
        /// Session-wide step number (1-based, counts skipped updates too).
        public var step: Int
        /// The training loss before this update (the forward that produced its gradient).
        public var loss: Float
        /// The learning rate the optimizer used for this update.
        public var learningRate: Double
        /// ‖P − P₀‖ (Frobenius) after the update, from the vector `init` made; nil after `load prompt`
        /// (no initial vector is known then).
        public var drift: Double?
        /// (N) the L2 norm of each virtual token after the update.
        public var rowNorms: [Double]
    }

    /// A validation loss measured on the held-out pairs.
    public struct ValidationPoint: Sendable, Equatable {
        /// The step after which it was measured.
        public var step: Int
        /// Token-weighted mean cross-entropy over the held-out pairs.
        public var loss: Double
    }

    /// The prompt vector after one update.
    public struct VectorPoint: Sendable, Equatable {
        /// The step after which the vector was taken.
        public var step: Int
        /// values: (N, C) row-major.
        public var values: [Float]
    }

    /// Most bytes the kept vectors may take; beyond it every other one is dropped and only every
    /// `vectorStride`-th step is kept from then on (so a long run keeps an even sample of its path).
    public static let vectorBudget = 32 << 20

    /// Every applied update, in order.
    public private(set) var entries: [Entry] = []
    /// Validation losses, in step order.
    public private(set) var validation: [ValidationPoint] = []
    /// Prompt vectors after updates (every `vectorStride`-th step).
    public private(set) var vectors: [VectorPoint] = []
    /// Keep the vector of steps divisible by this (1 until the budget is reached, then doubled).
    public private(set) var vectorStride = 1

    /// An empty history.
    public init() {}

    /// Records an applied update and the vector it produced. `initial` is the vector drift is
    /// measured from (nil when unknown).
    public mutating func record(step: Int, loss: Float, learningRate: Double, prompt: PromptVector, initial: PromptVector?) {
        var drift: Double?
        if let initial, initial.values.count == prompt.values.count {
            drift = Self.distance(prompt.values[...], initial.values[...])
        }
        entries.append(Entry(step: step, loss: loss, learningRate: learningRate, drift: drift, rowNorms: prompt.rowNorms))
        keepVector(step: step, values: prompt.values)
    }

    /// Records a validation loss measured after `step`.
    public mutating func recordValidation(step: Int, loss: Double) {
        if let last = validation.last, last.step == step { validation.removeLast() }
        validation.append(ValidationPoint(step: step, loss: loss))
    }

    /// The last step recorded, if any.
    public var lastStep: Int? { entries.last?.step }

    /// Bytes taken by the kept vectors.
    public var vectorBytes: Int { vectors.reduce(0) { $0 + $1.values.count * MemoryLayout<Float>.size } }

    // MARK: - Vectors

    private mutating func keepVector(step: Int, values: [Float]) {
        guard step % vectorStride == 0 else { return }
        vectors.append(VectorPoint(step: step, values: values))
        while vectorBytes > Self.vectorBudget && vectors.count > 1 {
            vectorStride *= 2
            vectors = vectors.filter { $0.step % vectorStride == 0 }
        }
    }

    /// L2 distance between two equally long slices, summed in Double.
    static func distance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for (x, y) in zip(a, b) {
            let d = Double(x) - Double(y)
            sum += d * d
        }
        return sum.squareRoot()
    }
}
