import Foundation
import LanguageModel
import PromptTuning
import PTScript
import Terminal

// MARK: - train

extension Interpreter {
    /// `train N` / `train N epochs` / `train`: optimizer updates on the prompt vector. ^C stops at
    /// the next update boundary; what was learned up to there is kept.
    func train(count: Int?, unit: TrainingUnit) throws -> CommandOutcome {
        let model = try session.requireModel()
        guard !session.tuning.pairs.training.isEmpty else {
            throw CommandFailure("there are no training pairs; add some with pairs \"file.jsonl\" or pairs add \"input\" -> \"output\"")
        }
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("there is no prompt vector to train; create one with init \"text\", init random or init vocab")
        }
        let built = try exampleBuilder().build(session.tuning.pairs.training, tokenizer: model.tokenizer)
        if built.inputsCut > 0 || built.targetsCut > 0 {
            console.note("note: \(built.inputsCut) input\(built.inputsCut == 1 ? "" : "s") cut at max_input_tokens, "
                + "\(built.targetsCut) target\(built.targetsCut == 1 ? "" : "s") cut at max_output_tokens")
        }
        let settings = trainingSettings()
        var state = session.tuning.training
        if let optimizer = state?.optimizer { state?.optimizer = optimizer.adopting(settings.optimizer) }
        var trainer = try Trainer(model: try session.frozenModel(), prompt: prompt, settings: settings,
                                  padID: model.tokenizer.eosID, state: state)
        let length: TrainingLength = unit == .epochs
            ? .epochs(count ?? session.settings.int("num_epochs")) : .updates(count ?? 1)
        session.applyThreads()

        let bar = ProgressBar(label: "step")
        let firstStep = trainer.state.step + 1
        var records: [(step: Int, loss: Float)] = []
        var skipped: [SkippedUpdate] = []
        var failure: (any Error)?
        var stopped = false
        let started = DispatchTime.now().uptimeNanoseconds
        Interrupts.whileRunning {
            do {
                stopped = try trainer.train(examples: built.examples, length: length,
                                            shouldStop: { Interrupts.isRequested }) { event in
                    switch event {
                    case .step(let progress):
                        records.append((progress.step, progress.loss))
                        bar.update(ProgressBar.Status(step: progress.index, total: progress.total, loss: Double(progress.loss),
                                                      meanLoss: Double(progress.runningMean), secondsPerStep: progress.secondsPerStep))
                    case .skipped(let skip):
                        skipped.append(skip)
                        bar.printAbove(["warning: \(skip)"])
                    }
                }.stopped
            } catch {
                failure = error
            }
        }
        bar.finish()
        let interrupted = Interrupts.isRequested || stopped
        Interrupts.clear()
        // Keep every completed update, even when a later one failed or ^C stopped the run.
        session.tuning.prompt = trainer.prompt
        session.tuning.training = trainer.state
        if let failure { throw failure }

        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return trainOutcome(records: records, skipped: skipped, interrupted: interrupted, firstStep: firstStep, seconds: seconds)
    }

    private func trainOutcome(records: [(step: Int, loss: Float)], skipped: [SkippedUpdate], interrupted: Bool,
                              firstStep: Int, seconds: Double) -> CommandOutcome {
        var human: String
        if let first = records.first, let last = records.last {
            let perStep = seconds / Double(max(1, records.count + skipped.count))
            human = String(format: "trained %d update%@ (steps %d–%d): loss %.4f → %.4f  ", records.count,
                           records.count == 1 ? "" : "s", first.step, last.step, first.loss, last.loss)
                + Sparkline.render(records.map { Double($0.loss) }, width: min(40, records.count))
                + String(format: "  %.2f s/update", perStep)
        } else {
            human = "no update was made"
        }
        if !skipped.isEmpty { human += "\n\(skipped.count) update\(skipped.count == 1 ? " was" : "s were") skipped (non-finite values); the last good vector is kept" }
        if interrupted { human += "\ninterrupted: stopped at step \(session.tuning.step); the vector and optimizer state are those of that step" }
        return CommandOutcome(human: human, fields: [
            ("steps", .array(records.map { .object([("step", .int($0.step)), ("loss", .float($0.loss))]) })),
            ("skipped", .array(skipped.map { skip in
                .object([("step", .int(skip.step)), ("pair", skip.pairIndex.map { .int($0 + 1) } ?? .null),
                         ("reason", .string(skip.reason))])
            })),
            ("interrupted", .bool(interrupted)), ("total_steps", .int(session.tuning.step)),
        ])
    }

    /// The trainer's settings from the session's.
    func trainingSettings() -> TrainingSettings {
        let s = session.settings
        let kind = OptimizerKind(rawValue: s.string("optimizer")) ?? .adam
        return TrainingSettings(
            batchSize: s.int("batch_size"), accumulateSteps: s.int("accumulate_steps"), shuffle: s.bool("shuffle"),
            seed: UInt64(s.int("seed")),
            optimizer: OptimizerSettings(kind: kind, learningRate: s.float("learning_rate"), weightDecay: s.float("weight_decay")))
    }
}
