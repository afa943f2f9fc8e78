import Testing
@testable import PromptTuning

/// A quadratic stand-in for the language model: every target token of example i costs
/// `0.5 ‖P − t_i‖²`, with `t_i` derived from the example's ids, so the batch loss is the
/// token-weighted mean and its gradient is `Σ c_i (P − t_i) / Σ c_i` — known exactly.
/// An input containing id 666 makes that example's loss NaN.
final class QuadraticModel: PromptGradientModel {
    /// Pair indices of every row seen, in call order.
    var seen: [Int] = []

    static func target(_ example: TuningExample, count: Int) -> [Float] {
        let seed = example.ids.reduce(0) { $0 &* 31 &+ Int($1) }
        return (0..<count).map { Float((seed &+ $0 * 7) % 13) / 13 - 0.5 }
    }

    func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient {
        let count = prompt.values.count
        var gradient = [Float](repeating: 0, count: count)
        var nlls: [Float] = []
        var total: Float = 0
        let counts = batch.targetCounts
        for row in 0..<batch.rows {
            seen.append(batch.pairIndices[row])
            let tokens = Array(batch.tokens[row * batch.length ..< row * batch.length + batch.lengths[row]])
            let inputCount = tokens.count - counts[row]
            let example = TuningExample(inputIDs: Array(tokens.prefix(inputCount)), targetIDs: Array(tokens.suffix(counts[row])),
                                        pairIndex: batch.pairIndices[row])
            let t = Self.target(example, count: count)
            var perToken: Float = 0
            for i in 0..<count {
                let d = prompt.values[i] - t[i]
                perToken += 0.5 * d * d
                gradient[i] += Float(counts[row]) * d
            }
            if example.inputIDs.contains(666) { perToken = .nan }
            nlls.append(Float(counts[row]) * perToken)
            total += Float(counts[row]) * perToken
        }
        let r = Float(batch.targetTokenCount)
        return BatchGradient(loss: total / r, exampleNLLs: nlls, gradient: gradient.map { $0 / r }, tokenCount: batch.targetTokenCount)
    }
}

@Suite("Trainer")
struct TrainerTests {
    /// Examples with 1–4 target tokens, so token weighting matters.
    static let examples: [TuningExample] = (0..<6).map { i in
        TuningExample(inputIDs: [Int32(10 + i), Int32(20 + i)], targetIDs: Array(repeating: Int32(30 + i), count: i % 4) + [2],
                      pairIndex: i, location: PairLocation(file: "t.jsonl", line: i + 1))
    }
    static let start = PromptVector(rows: 2, width: 3, values: [0.1, -0.2, 0.3, 0.0, 0.05, -0.1], initDescription: "test")

    private func trainer(_ settings: TrainingSettings, model: QuadraticModel = QuadraticModel()) throws -> Trainer<QuadraticModel> {
        try Trainer(model: model, prompt: Self.start, settings: settings, padID: 2)
    }

    @Test func oneFullBatchSGDStepLandsOnTheTokenWeightedMean() throws {
        // Hessian = I, so one SGD step with lr 1 reaches the minimizer Σ c_i t_i / Σ c_i.
        var t = try trainer(TrainingSettings(batchSize: 6, shuffle: false, optimizer: OptimizerSettings(kind: .sgd, learningRate: 1)))
        _ = try t.train(examples: Self.examples, length: .updates(1))
        let counts = Self.examples.map { Float($0.targetIDs.count) }
        var expected = [Float](repeating: 0, count: 6)
        for (example, c) in zip(Self.examples, counts) {
            for (i, v) in QuadraticModel.target(example, count: 6).enumerated() { expected[i] += c * v }
        }
        expected = expected.map { $0 / counts.reduce(0, +) }
        let worst = zip(t.prompt.values, expected).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-6, "max difference \(worst)")
        #expect(t.state.lossHistory.count == 1 && t.state.step == 1)
    }

    @Test func sameSeedIsBitIdenticalOtherSeedIsNot() throws {
        func run(seed: UInt64) throws -> Trainer<QuadraticModel> {
            var t = try trainer(TrainingSettings(batchSize: 2, shuffle: true, seed: seed))
            _ = try t.train(examples: Self.examples, length: .updates(10))
            return t
        }
        let a = try run(seed: 4), b = try run(seed: 4), c = try run(seed: 5)
        #expect(a.prompt.values == b.prompt.values)
        #expect(a.state == b.state)
        #expect(a.prompt.values != c.prompt.values)
    }

    @Test func accumulationEqualsOneBigBatch() throws {
        let sgd = OptimizerSettings(kind: .sgd, learningRate: 0.5)
        var big = try trainer(TrainingSettings(batchSize: 6, accumulateSteps: 1, shuffle: false, optimizer: sgd))
        var pairsOf2 = try trainer(TrainingSettings(batchSize: 2, accumulateSteps: 3, shuffle: false, optimizer: sgd))
        var singles = try trainer(TrainingSettings(batchSize: 1, accumulateSteps: 6, shuffle: false, optimizer: sgd))
        for i in 0..<3 {
            let a = try big.train(examples: Self.examples, length: .updates(1))
            let b = try pairsOf2.train(examples: Self.examples, length: .updates(1))
            let c = try singles.train(examples: Self.examples, length: .updates(1))
            #expect(abs(a.lastLoss! - b.lastLoss!) < 1e-6 && abs(a.lastLoss! - c.lastLoss!) < 1e-6, "step \(i + 1) loss")
            let worst = zip(big.prompt.values, pairsOf2.prompt.values).map { abs($0 - $1) }.max()!
            let worst1 = zip(big.prompt.values, singles.prompt.values).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6 && worst1 < 1e-6, "step \(i + 1): max difference \(worst), \(worst1)")
        }
    }

    @Test func nanGuardSkipsTheUpdateAndNamesThePair() throws {
        var poisoned = Self.examples
        poisoned[3].inputIDs = [666]
        let model = QuadraticModel()
        var t = try trainer(TrainingSettings(batchSize: 1, shuffle: false), model: model)
        var events: [TrainingEvent] = []
        let summary = try t.train(examples: poisoned, length: .updates(6), onEvent: { events.append($0) })
        #expect(summary.applied == 5 && summary.skipped == 1)
        guard case let .skipped(skip) = events[3] else {
            Issue.record("expected step 4 to be skipped, got \(events[3])")
            return
        }
        #expect(skip.step == 4 && skip.pairIndex == 3 && skip.location == PairLocation(file: "t.jsonl", line: 4))
        #expect(skip.description == "step 4 skipped: non-finite loss at pair 4 (t.jsonl:4); the last good prompt is kept")
        #expect(t.prompt.isFinite)
        #expect(t.state.optimizer.stepCount == 5)
        #expect(t.state.lossHistory.map(\.step) == [1, 2, 3, 5, 6])
    }

    @Test func skippedUpdateLeavesPromptUnchanged() throws {
        let poisoned = [TuningExample(inputIDs: [666], targetIDs: [2], pairIndex: 0)]
        var t = try trainer(TrainingSettings(batchSize: 1, shuffle: false))
        let summary = try t.train(examples: poisoned, length: .updates(2))
        #expect(summary.skipped == 2 && summary.applied == 0)
        #expect(t.prompt.values == Self.start.values)
        #expect(t.state.optimizer.stepCount == 0)
    }

    @Test func stopIsHonouredAtTheStepBoundary() throws {
        var t = try trainer(TrainingSettings(batchSize: 2))
        var steps = 0
        let summary = try t.train(examples: Self.examples, length: .updates(50), shouldStop: { steps >= 3 },
                                  onEvent: { if case .step = $0 { steps += 1 } })
        #expect(summary.stopped && summary.applied == 3)
        #expect(t.state.step == 3 && t.state.optimizer.stepCount == 3)
    }

    @Test func splitCallsEqualOneCall() throws {
        let settings = TrainingSettings(batchSize: 4, shuffle: true, seed: 9)
        var once = try trainer(settings), twice = try trainer(settings)
        _ = try once.train(examples: Self.examples, length: .updates(7))
        _ = try twice.train(examples: Self.examples, length: .updates(3))
        _ = try twice.train(examples: Self.examples, length: .updates(4))
        #expect(once.prompt.values == twice.prompt.values)
        #expect(once.state == twice.state)
        // Resuming from an encoded state (ptune_state.json) continues identically.
        var resumed = try Trainer(model: QuadraticModel(), prompt: twice.prompt, settings: settings, padID: 2, state: twice.state)
        _ = try resumed.train(examples: Self.examples, length: .updates(2))
        _ = try once.train(examples: Self.examples, length: .updates(2))
        #expect(resumed.prompt.values == once.prompt.values)
    }

    @Test func epochsVisitEveryPairOnceEach() throws {
        let model = QuadraticModel()
        var t = try trainer(TrainingSettings(batchSize: 4, shuffle: true, seed: 1), model: model)
        #expect(t.updatesPerEpoch(exampleCount: 6) == 2)
        var progress: [StepProgress] = []
        let summary = try t.train(examples: Self.examples, length: .epochs(3), onEvent: {
            if case let .step(p) = $0 { progress.append(p) }
        })
        #expect(summary.applied == 6)
        #expect(progress.map(\.total) == Array(repeating: 6, count: 6))
        #expect(progress.map(\.epoch) == [1, 1, 2, 2, 3, 3])
        for epoch in 0..<3 {
            #expect(model.seen[epoch * 6 ..< epoch * 6 + 6].sorted() == Array(0..<6), "epoch \(epoch + 1)")
        }
        #expect(model.seen[0..<6] != model.seen[6..<12], "shuffled differently each epoch")
        let last = progress.last!
        #expect(last.index == 6 && last.etaSeconds == 0 && last.secondsPerStep >= 0)
        let recent = t.state.lossHistory.suffix(10).map(\.loss)
        #expect(abs(last.runningMean - recent.reduce(0, +) / Float(recent.count)) < 1e-6)
    }

    @Test func adamDecreasesTheLoss() throws {
        // The minimum is at the token-weighted mean of the targets (one SGD step with lr 1 gets there).
        var exact = try trainer(TrainingSettings(batchSize: 6, shuffle: false, optimizer: OptimizerSettings(kind: .sgd, learningRate: 1)))
        _ = try exact.train(examples: Self.examples, length: .updates(1))
        let all = try Batching.batch(Self.examples, virtualTokens: 2, padID: 2)
        let minimum = try QuadraticModel().lossAndGradient(prompt: exact.prompt, batch: all).loss
        var t = try trainer(TrainingSettings(batchSize: 6, shuffle: false, optimizer: OptimizerSettings(learningRate: 0.05)))
        let summary = try t.train(examples: Self.examples, length: .updates(30))
        let first = summary.firstLoss! - minimum, last = summary.lastLoss! - minimum
        #expect(last < 0.25 * first, "excess loss \(first) → \(last)")
    }

    @Test func invalidSettingsAreRefused() {
        #expect(throws: TrainingError.invalidSetting(name: "batch_size", value: 0)) {
            try Trainer(model: QuadraticModel(), prompt: Self.start, settings: TrainingSettings(batchSize: 0), padID: 2)
        }
    }
}
