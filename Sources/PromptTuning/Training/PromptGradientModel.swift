// Dimension letters: N = virtual tokens, C = model width, B = batch rows.

/// The loss of one batch and its gradient with respect to the prompt.
public struct BatchGradient: Sendable {
    /// Mean NLL over the batch's labelled tokens.
    public var loss: Float
    /// (B) sum of token NLLs per row, in batch row order.
    public var exampleNLLs: [Float]
    /// gradient: (N, C) d loss / d prompt, for the mean over this batch's tokens.
    public var gradient: [Float]
    /// Labelled tokens in the batch (the mean's denominator).
    public var tokenCount: Int

    /// Creates a result.
    public init(loss: Float, exampleNLLs: [Float], gradient: [Float], tokenCount: Int) {
        self.loss = loss
        self.exampleNLLs = exampleNLLs
        self.gradient = gradient
        self.tokenCount = tokenCount
    }
}

/// What the trainer needs from a model: a forward and backward pass for one batch with the
/// prompt prepended (DESIGN §2). The frozen Llama model conforms in Studio; tests use fakes.
public protocol PromptGradientModel {
    /// The mean cross-entropy of `batch` with `prompt` in front of every row, and its gradient.
    func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient
}

/// Settings of the step loop.
public struct TrainingSettings: Sendable, Codable, Equatable {
    /// Pairs per micro-batch.
    public var batchSize: Int
    /// Micro-batches per update; the gradient is their token-weighted mean.
    public var accumulateSteps: Int
    /// Reshuffle the pairs at the start of every epoch.
    public var shuffle: Bool
    /// Seed of the shuffling generator.
    public var seed: UInt64
    /// The optimizer and its hyper-parameters.
    public var optimizer: OptimizerSettings

    /// Creates settings; the defaults are a small-batch Adam run.
    public init(batchSize: Int = 8, accumulateSteps: Int = 1, shuffle: Bool = true, seed: UInt64 = 0,
                optimizer: OptimizerSettings = OptimizerSettings()) {
        self.batchSize = batchSize
        self.accumulateSteps = accumulateSteps
        self.shuffle = shuffle
        self.seed = seed
        self.optimizer = optimizer
    }
}

/// How long `train` runs.
public enum TrainingLength: Sendable, Equatable {
    /// This many updates, continuing through epochs as needed.
    case updates(Int)
    /// This many full passes over the pairs, starting at a fresh epoch.
    case epochs(Int)
}
