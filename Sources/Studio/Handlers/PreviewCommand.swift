import Foundation
import PromptTuning
import Terminal

// MARK: - preview

extension Interpreter {
    /// `preview`: the token budget before training. Per pair: virtual tokens + verbalized input +
    /// target (EOS included) against `max_input_tokens` / `max_output_tokens`, which pairs will be
    /// cut and by how many tokens; then the time per update on this machine, *measured* with one
    /// forward + backward on a micro-batch of training pairs and scaled by token count.
    func preview() throws -> CommandOutcome {
        let model = try session.requireModel()
        let pairs = session.tuning.pairs
        guard pairs.count > 0 else {
            throw CommandFailure("there are no pairs to preview; add some with pairs \"file.jsonl\" or pairs add \"input\" -> \"output\"")
        }
        let limited = try exampleBuilder()
        let unlimited = ExampleBuilder(verbalizer: limited.verbalizer, limits: ExampleLimits())
        let kept = try limited.build(pairs.all, tokenizer: model.tokenizer).examples
        let full = try unlimited.build(pairs.all, tokenizer: model.tokenizer).examples
        let virtual = session.tuning.prompt?.rows ?? session.settings.int("num_virtual_tokens")
        let held = Set(pairs.validationIndices)
        let context = model.config.contextLength

        var rows: [[String]] = []
        var entries: [JSONValue] = []
        var inputsCut = 0, targetsCut = 0, overContext = 0
        for index in kept.indices {
            let k = kept[index], f = full[index]
            let inCut = f.inputIDs.count - k.inputIDs.count, outCut = f.targetIDs.count - k.targetIDs.count
            let total = virtual + k.inputIDs.count + k.targetIDs.count
            if inCut > 0 { inputsCut += 1 }
            if outCut > 0 { targetsCut += 1 }
            if total > context { overContext += 1 }
            let cut = [inCut > 0 ? "input −\(inCut)" : nil, outCut > 0 ? "target −\(outCut)" : nil].compactMap { $0 }
            rows.append(["\(index + 1)", held.contains(index) ? "v" : "", "\(virtual)", "\(k.inputIDs.count)", "\(k.targetIDs.count)",
                         "\(total)", cut.joined(separator: ", ") + (total > context ? " > context" : "")])
            entries.append(.object([
                ("index", .int(index + 1)), ("validation", .bool(held.contains(index))), ("virtual_tokens", .int(virtual)),
                ("input_tokens", .int(k.inputIDs.count)), ("input_tokens_uncut", .int(f.inputIDs.count)),
                ("target_tokens", .int(k.targetIDs.count)), ("target_tokens_uncut", .int(f.targetIDs.count)),
                ("total_tokens", .int(total)), ("input_cut_by", .int(inCut)), ("target_cut_by", .int(outCut)),
            ]))
        }
        let s = session.settings
        var lines = ["token budget: \(virtual) virtual token\(virtual == 1 ? "" : "s")"
            + (session.tuning.prompt == nil ? " (num_virtual_tokens; no prompt vector yet)" : "")
            + ", max_input_tokens \(s.int("max_input_tokens")), max_output_tokens \(s.int("max_output_tokens")) (EOS included), context \(context)"]
        let shown = Array(rows.prefix(20))
        lines.append(TableRenderer(border: .box, maxWidth: TerminalSize.columns(fileDescriptor: 1) - 1)
            .render(headers: ["#", "v", "virtual", "input", "target", "total", "cut"], rows: shown))
        if rows.count > shown.count { lines.append("… \(rows.count - shown.count) more pairs (all of them in --json)") }
        lines.append("\(inputsCut) of \(kept.count) input\(kept.count == 1 ? "" : "s") will be cut at max_input_tokens, "
            + "\(targetsCut) target\(targetsCut == 1 ? "" : "s") at max_output_tokens"
            + (overContext > 0 ? "; \(overContext) sequence\(overContext == 1 ? "" : "s") longer than the model's context" : ""))

        var fields: [(String, JSONValue)] = [
            ("virtual_tokens", .int(virtual)), ("max_input_tokens", .int(s.int("max_input_tokens"))),
            ("max_output_tokens", .int(s.int("max_output_tokens"))), ("inputs_cut", .int(inputsCut)),
            ("targets_cut", .int(targetsCut)), ("pairs", .array(entries)),
        ]
        let trainingExamples = pairs.validationIndices.isEmpty ? kept : kept.indices.filter { !held.contains($0) }.map { kept[$0] }
        if let timing = try measureStep(trainingExamples, virtual: virtual, model: model) {
            lines.append(timing.summary)
            fields.append(("timing", timing.json))
        }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: fields)
    }

    /// The measured forward + backward and the per-update estimate drawn from it.
    private struct StepTiming {
        var summary: String
        var json: JSONValue
    }

    /// Times one forward + backward on the first micro-batch of `examples` (with the current prompt
    /// vector, or a temporary random one of `virtual` rows; the session is not changed), then scales
    /// the time by padded positions to one update of `accumulate_steps` batches of `batch_size`.
    private func measureStep(_ examples: [TuningExample], virtual: Int, model: LoadedModel) throws -> StepTiming? {
        guard !examples.isEmpty, virtual > 0 else { return nil }
        let batchSize = max(1, session.settings.int("batch_size")), accumulate = max(1, session.settings.int("accumulate_steps"))
        let prompt = try session.tuning.prompt
            ?? PromptInitialization.random(virtualTokens: virtual, width: model.config.width, seed: UInt64(session.settings.int("seed")))
        session.applyThreads()
        let frozen = try session.frozenModel()
        let sample = Array(examples.prefix(batchSize))
        let batch = try Batching.batch(sample, virtualTokens: virtual, padID: model.tokenizer.eosID)
        // The first pass also sizes the activation arena; when it is quick, time a second and keep the faster.
        var seconds = Double.infinity
        for attempt in 0..<2 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try frozen.lossAndGradient(prompt: prompt, batch: batch)
            seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            if attempt == 0 && seconds > 1 { break }
        }
        let measuredPositions = batch.rows * batch.sequenceLength
        // Padded positions of every micro-batch of one pass in file order: each batch pads to its longest row.
        var chunkPositions: [Int] = []
        for start in stride(from: 0, to: examples.count, by: batchSize) {
            let chunk = examples[start ..< min(start + batchSize, examples.count)]
            chunkPositions.append(chunk.count * (virtual + (chunk.map(\.tokenCount).max() ?? 0)))
        }
        // An update never spans two epochs, so an epoch is ceil(batches / accumulate_steps) updates.
        let updatesPerEpoch = (chunkPositions.count + accumulate - 1) / accumulate
        let epochSeconds = seconds * Double(chunkPositions.reduce(0, +)) / Double(measuredPositions)
        let perUpdate = epochSeconds / Double(updatesPerEpoch)
        let summary = String(format: "time: one forward+backward on %d pair%@ (%d × %d positions) took %.3f s here (measured); "
            + "about %.2f s per update (up to %d batch%@ of %d, scaled by positions), "
            + "%d update%@ per epoch ≈ %@ per epoch", sample.count, sample.count == 1 ? "" : "s", batch.rows,
            batch.sequenceLength, seconds, perUpdate, accumulate, accumulate == 1 ? "" : "es", batchSize,
            updatesPerEpoch, updatesPerEpoch == 1 ? "" : "s", ProgressBar.duration(epochSeconds))
        return StepTiming(summary: summary, json: .object([
            ("method", "measured"), ("measured_pairs", .int(sample.count)), ("measured_positions", .int(measuredPositions)),
            ("measured_seconds", .number(seconds)), ("seconds_per_update", .number(perUpdate)),
            ("updates_per_epoch", .int(updatesPerEpoch)),
        ]))
    }
}
