import Numerics

/// Everything the step loop carries from one `train` call to the next, Codable so that
/// `ptune_state.json` can resume a run exactly: optimizer moments, step count, loss history,
/// and where the shuffled pass over the pairs stands.
public struct TrainingState: Sendable, Codable, Equatable {
    /// The optimizer with its moments.
    public var optimizer: Optimizer
    /// Steps taken (applied + skipped).
    public var step: Int
    /// Loss before each applied update.
    public var lossHistory: [LossRecord]
    /// The shuffling generator, advanced once per epoch.
    public var shuffleRNG: SeededRNG
    /// Epochs started (1-based once training began).
    public var epoch: Int
    /// The current epoch's order of example indices.
    public var order: [Int]
    /// How far into `order` the next update starts.
    public var cursor: Int

    /// A fresh state for `settings`.
    public init(settings: TrainingSettings) {
        optimizer = Optimizer(settings.optimizer)
        step = 0
        lossHistory = []
        shuffleRNG = SeededRNG(seed: settings.seed)
        epoch = 0
        order = []
        cursor = 0
    }
}

/// The step loop: batches, accumulation, the optimizer, the NaN/Inf guard, stopping at step
/// boundaries and progress events. Knows nothing about the model beyond `PromptGradientModel`.
public struct Trainer<Model: PromptGradientModel> {
    /// The frozen model.
    public let model: Model
    /// The prompt being tuned.
    public var prompt: PromptVector
    /// Batch size, accumulation, shuffling, optimizer.
    public let settings: TrainingSettings
    /// The id padding batches (EOS for Llama-family models).
    public let padID: Int32
    /// State carried across `train` calls.
    public private(set) var state: TrainingState

    /// Creates a trainer; pass `state` to resume a saved run.
    public init(model: Model, prompt: PromptVector, settings: TrainingSettings, padID: Int32,
                state: TrainingState? = nil) throws(TrainingError) {
        guard settings.batchSize >= 1 else { throw .invalidSetting(name: "batch_size", value: settings.batchSize) }
        guard settings.accumulateSteps >= 1 else { throw .invalidSetting(name: "accumulate_steps", value: settings.accumulateSteps) }
        self.model = model
        self.prompt = prompt
        self.settings = settings
        self.padID = padID
        self.state = state ?? TrainingState(settings: settings)
    }

    /// Updates per epoch for `exampleCount` examples.
    public func updatesPerEpoch(exampleCount: Int) -> Int {
        let perUpdate = settings.batchSize * settings.accumulateSteps
        return (exampleCount + perUpdate - 1) / perUpdate
    }

    // MARK: - Training

    /// Runs `length` updates (or epochs) over `examples`. `shouldStop` is checked before every
    /// update, so a stop leaves the prompt at a step boundary. Model errors propagate; the prompt
    /// and state then hold the last completed update.
    public mutating func train(examples: [TuningExample], length: TrainingLength,
                               shouldStop: () -> Bool = { false },
                               onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingSummary {
        guard !examples.isEmpty else { throw TrainingError.noExamples }
        let total: Int
        switch length {
        case let .updates(count): total = max(0, count)
        case let .epochs(count):
            total = max(0, count) * updatesPerEpoch(exampleCount: examples.count)
            if state.cursor != 0 { state.order = [] }  // epochs start fresh
        }
        var summary = TrainingSummary(applied: 0, skipped: 0, stopped: false, firstLoss: nil, lastLoss: nil)
        let clock = ContinuousClock()
        let start = clock.now
        for index in stride(from: 1, through: total, by: 1) {
            if shouldStop() {
                summary.stopped = true
                break
            }
            // A failing model call leaves the state (order, cursor, step, optimizer) as it was.
            let saved = state
            let chunks = nextUpdate(exampleCount: examples.count)
            state.step += 1
            let outcome: Outcome
            do {
                outcome = try update(chunks.map { $0.map { examples[$0] } })
            } catch {
                state = saved
                throw error
            }
            switch outcome {
            case let .skipped(pairIndex, location, reason):
                summary.skipped += 1
                onEvent(.skipped(SkippedUpdate(step: state.step, pairIndex: pairIndex, location: location, reason: reason)))
            case let .applied(loss):
                summary.applied += 1
                summary.firstLoss = summary.firstLoss ?? loss
                summary.lastLoss = loss
                state.lossHistory.append(LossRecord(step: state.step, loss: loss))
                let elapsed = clock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                let perStep = seconds / Double(index)
                onEvent(.step(StepProgress(step: state.step, index: index, total: total, loss: loss,
                                           runningMean: runningMean(), secondsPerStep: perStep,
                                           etaSeconds: perStep * Double(total - index), epoch: state.epoch)))
            }
        }
        return summary
    }

    // MARK: - One update

    private enum Outcome {
        case applied(Float)
        case skipped(pairIndex: Int?, location: PairLocation?, reason: String)
    }

    /// Forward/backward over each micro-batch, token-weighted mean, guard, optimizer step.
    private mutating func update(_ microBatches: [[TuningExample]]) throws -> Outcome {
        let count = prompt.values.count
        // gradient: (N, C), the token-weighted sum, then mean, over micro-batches.
        var gradient = [Float](repeating: 0, count: count)
        var lossSum = 0.0
        var tokens = 0
        for examples in microBatches {
            let batch = try Batching.batch(examples, virtualTokens: prompt.rows, padID: padID)
            let result = try model.lossAndGradient(prompt: prompt, batch: batch)
            guard result.gradient.count == count else {
                throw TrainingError.gradientShape(expected: count, found: result.gradient.count)
            }
            if let bad = result.exampleNLLs.firstIndex(where: { !$0.isFinite }) {
                return .skipped(pairIndex: batch.pairIndices[bad], location: batch.locations[bad], reason: "non-finite loss")
            }
            guard result.loss.isFinite else {
                return .skipped(pairIndex: nil, location: nil, reason: "non-finite loss")
            }
            guard result.gradient.allSatisfy({ $0.isFinite }) else {
                return .skipped(pairIndex: batch.pairIndices.count == 1 ? batch.pairIndices[0] : nil,
                                location: batch.locations.count == 1 ? batch.locations[0] : nil, reason: "non-finite gradient")
            }
            if microBatches.count == 1 {
                // One batch: use its gradient as is, so a full-batch run matches the reference bit for bit.
                gradient = result.gradient
            } else {
                let weight = Float(result.tokenCount)
                result.gradient.withUnsafeBufferPointer { g in
                    gradient.withUnsafeMutableBufferPointer { sum in
                        for i in 0..<count { sum[i] += weight * g[i] }
                    }
                }
            }
            lossSum += Double(result.loss) * Double(result.tokenCount)
            tokens += result.tokenCount
        }
        // Σ (R_b · loss_b) / Σ R_b is exact for one batch (a Float times an Int fits a Double).
        let loss = Float(lossSum / Double(max(tokens, 1)))
        if microBatches.count > 1 {
            let scale = 1 / Float(tokens)
            for i in 0..<count { gradient[i] *= scale }
        }
        let saved = (prompt.values, state.optimizer)
        state.optimizer.step(parameters: &prompt.values, gradient: gradient, rows: prompt.rows, columns: prompt.width)
        guard prompt.isFinite else {
            (prompt.values, state.optimizer) = saved
            return .skipped(pairIndex: nil, location: nil, reason: "non-finite prompt after the update")
        }
        return .applied(loss)
    }

    // MARK: - Order

    /// The example indices of the next update's micro-batches, starting a new epoch when the
    /// current one is used up (or the example count changed). An update never spans two epochs.
    private mutating func nextUpdate(exampleCount: Int) -> [[Int]] {
        if state.order.count != exampleCount || state.cursor >= exampleCount {
            state.order = Array(0..<exampleCount)
            if settings.shuffle { state.shuffleRNG.shuffle(&state.order) }
            state.cursor = 0
            state.epoch += 1
        }
        var chunks: [[Int]] = []
        while chunks.count < settings.accumulateSteps, state.cursor < exampleCount {
            let end = min(state.cursor + settings.batchSize, exampleCount)
            chunks.append(Array(state.order[state.cursor..<end]))
            state.cursor = end
        }
        return chunks
    }

    private func runningMean() -> Float {
        let recent = state.lossHistory.suffix(10)
        return recent.reduce(0) { $0 + $1.loss } / Float(recent.count)
    }
}

/// Why training could not run.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No pairs to train on.
    case noExamples
    /// A setting below its minimum.
    case invalidSetting(name: String, value: Int)
    /// The model returned a gradient of the wrong size.
    case gradientShape(expected: Int, found: Int)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case .noExamples: return "expected at least one training pair, found none"
        case let .invalidSetting(name, value): return "expected \(name) to be at least 1, found \(value)"
        case let .gradientShape(expected, found): return "expected a prompt gradient of \(expected) values, found \(found)"
        }
    }
}
