import Foundation
import LanguageModel
import PromptTuning
import PTScript
import Terminal

// MARK: - train

extension Interpreter {
    /// `train N` / `train N epochs` / `train`: optimizer updates on the prompt vector. ^C stops at
    /// the next update boundary; what was learned up to there is kept. Every applied update is
    /// recorded in the session's history (loss, learning rate, drift, row norms, the vector); with
    /// held-out pairs the validation loss is measured every `watch_every` updates and after the
    /// last one; with `set watch nearest|drift` a lens report is printed above the progress bar.
    func train(count: Int?, unit: TrainingUnit) throws -> CommandOutcome {
        let model = try session.requireModel()
        guard !session.tuning.pairs.training.isEmpty else {
            throw CommandFailure("there are no training pairs; add some with pairs \"file.jsonl\" or pairs add \"input\" -> \"output\"")
        }
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("there is no prompt vector to train; create one with init \"text\", init random or init vocab")
        }
        let builder = try exampleBuilder()
        let built = try builder.build(session.tuning.pairs.training, tokenizer: model.tokenizer)
        if built.inputsCut > 0 || built.targetsCut > 0 {
            console.note("note: \(built.inputsCut) input\(built.inputsCut == 1 ? "" : "s") cut at max_input_tokens, "
                + "\(built.targetsCut) target\(built.targetsCut == 1 ? "" : "s") cut at max_output_tokens")
        }
        let heldOut = session.tuning.pairs.validation.isEmpty
            ? [] : try builder.build(session.tuning.pairs.validation, tokenizer: model.tokenizer).examples
        let settings = trainingSettings()
        let before = session.tuning.checkpoint
        var state = session.tuning.training
        if let optimizer = state?.optimizer { state?.optimizer = optimizer.adopting(settings.optimizer) }
        // An epoch count starts a fresh pass, as Trainer does for `.epochs` (the loop below runs one update at a time).
        if unit == .epochs, let cursor = state?.cursor, cursor != 0 { state?.order = [] }
        let needed = MemoryEstimate(config: model.config, virtualTokens: prompt.rows, batchSize: settings.batchSize,
                                    examples: built.examples)
        if let available = MemoryBudget.available(), let refusal = needed.refusal(availableBytes: available) {
            throw CommandFailure(refusal)
        }
        let frozen = NonFiniteInjectingModel(base: try session.frozenModel(), injection: session.nonFiniteInjection)
        var trainer = try Trainer(model: frozen, prompt: prompt, settings: settings, padID: model.tokenizer.eosID, state: state)
        let total = unit == .epochs
            ? (count ?? session.settings.int("num_epochs")) * trainer.updatesPerEpoch(exampleCount: built.examples.count)
            : (count ?? 1)
        session.applyThreads()

        let every = session.settings.int("watch_every")
        // The bar (and the lens above it) write through the console, so a captured console sees them too.
        let bar = ProgressBar(output: ConsoleErrorWriter(console: console), label: "step")
        let watch = session.settings.string("watch")
        var lens = try LiveLens(setting: watch, every: every, model: model,
                                neighbours: watch == "nearest" ? try session.embeddingIndex() : nil, prompt: prompt,
                                step: trainer.state.step, maxWidth: TerminalSize.columns(fileDescriptor: 2) - 1)
        var history = session.tuning.history
        let initial = session.tuning.initialPrompt
        var run = TrainRun(firstStep: trainer.state.step + 1)
        let started = DispatchTime.now().uptimeNanoseconds
        Interrupts.whileRunning {
            do {
                for index in stride(from: 1, through: total, by: 1) {
                    var progress: StepProgress?
                    // One update per call, so the vector can be read between updates; the state
                    // carries over exactly as in one longer call.
                    let summary = try trainer.train(examples: built.examples, length: .updates(1),
                                                    shouldStop: { Interrupts.isRequested }) { event in
                        switch event {
                        case .step(let p): progress = p
                        case .skipped(let skip):
                            run.skipped.append(skip)
                            bar.printAbove(["warning: \(skip)"])
                        }
                    }
                    if summary.stopped { run.stopped = true; break }
                    let step = trainer.state.step
                    if let progress {
                        run.records.append((step, progress.loss))
                        history.record(step: step, loss: progress.loss, learningRate: settings.optimizer.learningRate,
                                       prompt: trainer.prompt, initial: initial)
                        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                        bar.update(ProgressBar.Status(step: index, total: total, loss: Double(progress.loss),
                                                      meanLoss: Double(progress.runningMean), secondsPerStep: seconds / Double(index)))
                    }
                    if lens?.isDue(step) == true, let report = try lens?.report(step: step, prompt: trainer.prompt, initial: initial) {
                        bar.printAbove(report.lines)
                        run.watch.append(report.json)
                    }
                    if !heldOut.isEmpty, step % max(1, every) == 0 {
                        let loss = try heldOutLoss(heldOut, prompt: trainer.prompt, model: model)
                        history.recordValidation(step: step, loss: loss)
                        run.validation.append((step, loss))
                    }
                }
                if !heldOut.isEmpty, !run.records.isEmpty, history.validation.last?.step != trainer.state.step {
                    let loss = try heldOutLoss(heldOut, prompt: trainer.prompt, model: model)
                    history.recordValidation(step: trainer.state.step, loss: loss)
                    run.validation.append((trainer.state.step, loss))
                }
            } catch {
                run.failure = error
            }
        }
        bar.finish()
        let interrupted = Interrupts.isRequested || run.stopped
        Interrupts.clear()
        // Keep every completed update, even when a later one failed or ^C stopped the run.
        if trainer.state.step != before.step {
            session.tuning.snapshots.pushUndo(UndoEntry(action: "train (steps \(before.step + 1)–\(trainer.state.step))", checkpoint: before))
        }
        session.tuning.prompt = trainer.prompt
        session.tuning.training = trainer.state
        session.tuning.history = history
        if let failure = run.failure { throw failure }

        run.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return trainOutcome(run, interrupted: interrupted)
    }

    /// The console's stderr as a terminal writer for progress bars (train, big pairs files).
    final class ConsoleErrorWriter: TerminalWriter {
        let console: Console
        init(console: Console) { self.console = console }
        func write(_ text: String) { console.errorStream(text) }
    }

    /// What one `train` call did, gathered while it runs.
    private struct TrainRun {
        var firstStep: Int
        var records: [(step: Int, loss: Float)] = []
        var skipped: [SkippedUpdate] = []
        var validation: [(step: Int, loss: Double)] = []
        var watch: [JSONValue] = []
        var stopped = false
        var failure: (any Error)?
        var seconds = 0.0
    }

    private func trainOutcome(_ run: TrainRun, interrupted: Bool) -> CommandOutcome {
        let records = run.records, skipped = run.skipped
        var human: String
        if let first = records.first, let last = records.last {
            let perStep = run.seconds / Double(max(1, records.count + skipped.count))
            human = String(format: "trained %d update%@ (steps %d–%d): loss %.4f → %.4f  ", records.count,
                           records.count == 1 ? "" : "s", first.step, last.step, first.loss, last.loss)
                + Sparkline.render(records.map { Double($0.loss) }, width: min(40, records.count))
                + String(format: "  %.2f s/update", perStep)
        } else {
            human = "no update was made"
        }
        if let last = run.validation.last {
            human += String(format: "\nvalidation loss %.4f after step %d", last.loss, last.step)
            if run.validation.count > 1, let first = run.validation.first {
                human += String(format: " (%.4f after step %d)", first.loss, first.step)
            }
        }
        if !skipped.isEmpty { human += "\n\(skipped.count) update\(skipped.count == 1 ? " was" : "s were") skipped (non-finite values); the last good vector is kept" }
        if interrupted { human += "\ninterrupted: stopped at step \(session.tuning.step); the vector and optimizer state are those of that step" }
        return CommandOutcome(human: human, fields: [
            ("steps", .array(records.map { .object([("step", .int($0.step)), ("loss", .float($0.loss))]) })),
            ("skipped", .array(skipped.map { skip in
                .object([("step", .int(skip.step)), ("pair", skip.pairIndex.map { .int($0 + 1) } ?? .null),
                         ("reason", .string(skip.reason))])
            })),
            ("validation", .array(run.validation.map { .object([("step", .int($0.step)), ("loss", .number($0.loss))]) })),
            ("watch", .array(run.watch)),
            ("interrupted", .bool(interrupted)), ("total_steps", .int(session.tuning.step)),
        ])
    }

    /// Token-weighted mean cross-entropy of `examples` with `prompt` in front, in batches of
    /// `batch_size` (forward only) — the loss `eval` reports for the same pairs.
    func heldOutLoss(_ examples: [TuningExample], prompt: PromptVector?, model: LoadedModel) throws -> Double {
        let frozen = try session.frozenModel()
        var nllSum = 0.0, tokens = 0
        let size = max(1, session.settings.int("batch_size"))
        for start in stride(from: 0, to: examples.count, by: size) {
            let chunk = Array(examples[start ..< min(start + size, examples.count)])
            let batch = try Batching.batch(chunk, virtualTokens: prompt?.rows ?? 0, padID: model.tokenizer.eosID)
            let result = try frozen.loss(prompt: prompt, batch: batch)
            nllSum += Double(result.loss) * Double(result.tokenCount)
            tokens += result.tokenCount
        }
        return nllSum / Double(max(tokens, 1))
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
