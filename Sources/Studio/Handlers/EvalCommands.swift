import Foundation
import LanguageModel
import PromptTuning
import Terminal

// MARK: - eval

extension Interpreter {
    /// `eval`: loss and a task metric on the held-out pairs (all pairs when none are held out),
    /// with the current prompt vector (or the base model alone when there is none).
    func eval() throws -> CommandOutcome {
        let model = try session.requireModel()
        let pairs = session.tuning.pairs
        let chosen = pairs.validation.isEmpty ? pairs.all : pairs.validation
        guard !chosen.isEmpty else {
            throw CommandFailure("there are no pairs to evaluate; add some with pairs \"file.jsonl\" (and hold some out with pairs split 0.2)")
        }
        session.applyThreads()
        let builder = try exampleBuilder()
        let examples = try builder.build(chosen, tokenizer: model.tokenizer).examples
        let loss = try heldOutLoss(examples, prompt: session.tuning.prompt, model: model)

        // Metric: greedy answers compared with the expected outputs.
        let generator = try session.generator()
        let stops: Set<Int32> = model.tokenizer.eos.map { [$0] } ?? []
        // One scope for every answer: a ^C during any of them stops the whole eval (a scope per
        // answer would clear the request as each answer ended, and the loop would go on).
        let predictions: [String] = try Interrupts.whileRunning {
            var predictions: [String] = []
            for example in examples {
                if Interrupts.isRequested { break }
                var sampler = Sampler.greedy
                let rows = session.tuning.promptRows(model: model, inputIDs: example.inputIDs)
                let result = try generator.generate(prompt: rows.map { .embeddings($0) } ?? .tokens(example.inputIDs),
                                                    maxTokens: session.settings.int("max_output_tokens"), stopAt: stops,
                                                    sampler: &sampler, shouldStop: { Interrupts.isRequested })
                if Interrupts.isRequested { break }  // a cut-off answer is not a prediction
                predictions.append(model.tokenizer.decode(result.ids.filter { !stops.contains($0) })
                    .trimmingCharacters(in: .whitespaces))
            }
            return predictions
        }
        let interrupted = predictions.count < examples.count
        Interrupts.clear()
        if interrupted { throw CommandFailure("eval was interrupted after \(predictions.count) of \(examples.count) answers") }
        let report = Evaluation.score(predictions: predictions, references: chosen.map(\.output))
        return evalOutcome(loss: loss, report: report, chosen: chosen, predictions: predictions,
                           heldOut: !pairs.validation.isEmpty)
    }

    private func evalOutcome(loss: Double, report: EvaluationReport, chosen: [TrainingPair], predictions: [String],
                             heldOut: Bool) -> CommandOutcome {
        let metricName = report.metric == .accuracy ? "accuracy" : "rouge_l"
        var lines = [String(format: "%@ %d pair%@: loss %.4f, exact match %.1f%%, %@ %.3f",
                            heldOut ? "held-out" : "all", report.count, report.count == 1 ? "" : "s",
                            loss, report.exactMatch * 100, metricName, report.value)]
        for (i, pair) in chosen.enumerated().prefix(20) {
            let ok = report.perExample[i] >= 0.999 ? "✓" : (report.metric == .accuracy ? "✗" : String(format: "%.2f", report.perExample[i]))
            lines.append("  \(ok) " + Self.clip(pair.input, 40) + " → " + Self.clip(predictions[i], 24)
                         + (report.perExample[i] >= 0.999 ? "" : "  (expected " + Self.clip(pair.output, 24) + ")"))
        }
        if chosen.count > 20 { lines.append("  … \(chosen.count - 20) more") }
        var metrics: [(String, JSONValue)] = [("exact_match", .number(report.exactMatch)), (metricName, .number(report.value))]
        if !report.labels.isEmpty { metrics.append(("labels", .array(report.labels.map { .string($0) }))) }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [
            ("loss", .number(loss)), ("metrics", .object(metrics)), ("count", .int(report.count)),
            ("held_out", .bool(heldOut)),
            ("answers", .array(zip(chosen, predictions).map { .object([("input", .string($0.input)), ("expected", .string($0.output)), ("answer", .string($1))]) })),
        ])
    }
}
