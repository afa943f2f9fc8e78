import Foundation
import PromptTuning
import Terminal

// MARK: - pairs

extension Interpreter {
    /// `pairs "file"`: reads JSON, JSONL or CSV pairs; all or nothing. The file is streamed; a
    /// big one shows a progress bar, and ^C stops the read with the session's pairs unchanged.
    func pairsFile(_ path: String) throws -> CommandOutcome {
        let url = URL(fileURLWithPath: session.resolve(path))
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandFailure("pairs file '\(path)' does not exist")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
        let bar = size >= Self.pairsProgressThreshold
            ? ProgressBar(output: ConsoleErrorWriter(console: console), label: "reading KiB") : nil
        defer { bar?.finish() }
        let read = try Interrupts.whileRunning {
            try PairReader.read(contentsOf: url, name: path) { bytes in
                bar?.update(ProgressBar.Status(step: bytes / 1024, total: max(1, size / 1024)))
                return !Interrupts.isRequested
            }
        }
        var pairs = session.tuning.pairs
        pairs.append(contentsOf: read)
        session.tuning.pairs = pairs
        session.tuning.dataFiles[path] = PairSet(read).contentHash
        return pairsSummary("read \(read.count) pair\(read.count == 1 ? "" : "s") from \(path)")
    }

    /// Files at least this big (bytes) show a progress bar while they are read.
    static let pairsProgressThreshold = 1 << 20

    /// `pairs add "input" -> "output"`.
    func pairsAdd(input: String, output: String) -> CommandOutcome {
        session.tuning.pairs.append(contentsOf: [TrainingPair(input: input, output: output)])
        return pairsSummary("added pair \(session.tuning.pairs.count)")
    }

    /// `pairs clear`.
    func pairsClear() -> CommandOutcome {
        session.tuning.pairs.removeAll()
        session.tuning.dataFiles.removeAll()
        return pairsSummary("cleared all pairs")
    }

    /// `pairs split 0.2`: a seeded fraction held out for `eval`.
    func pairsSplit(_ fraction: Double) throws -> CommandOutcome {
        var pairs = session.tuning.pairs
        try pairs.split(fraction: fraction, seed: UInt64(session.settings.int("seed")))
        session.tuning.pairs = pairs
        return pairsSummary("held out \(pairs.validation.count) of \(pairs.count) pairs for evaluation (seed \(session.settings.int("seed")))")
    }

    /// `pairs`: index, token counts (verbalized input, target with EOS) and truncation marks.
    func pairsList() throws -> CommandOutcome {
        let pairs = session.tuning.pairs
        guard pairs.count > 0 else { return pairsSummary("no pairs yet; add some with pairs \"file.jsonl\" or pairs add \"in\" -> \"out\"") }
        let held = Set(pairs.validationIndices)
        var lines: [String] = []
        var entries: [JSONValue] = []
        let builder = try exampleBuilder()
        for (index, pair) in pairs.all.enumerated() {
            var counts = ""
            var fields: [(String, JSONValue)] = [("index", .int(index + 1)), ("input", .string(pair.input)),
                                                 ("output", .string(pair.output)), ("validation", .bool(held.contains(index)))]
            if let model = session.model {
                let set = try builder.build([pair], tokenizer: model.tokenizer)
                let example = set.examples[0]
                let cut = (set.inputsCut > 0 ? " ✂in" : "") + (set.targetsCut > 0 ? " ✂out" : "")
                counts = String(format: "%4d %4d", example.inputIDs.count, example.targetIDs.count) + cut
                fields += [("input_tokens", .int(example.inputIDs.count)), ("target_tokens", .int(example.targetIDs.count)),
                           ("input_cut", .bool(set.inputsCut > 0)), ("target_cut", .bool(set.targetsCut > 0))]
            }
            let mark = held.contains(index) ? "v" : " "
            lines.append(String(format: "%4d %@ ", index + 1, mark) + counts + "  " + Self.clip(pair.input, 48) + " → " + Self.clip(pair.output, 24))
            entries.append(.object(fields))
        }
        let header = session.model == nil ? "   # v  input → output" : "   # v  in  out  input → output"
        var outcome = pairsSummary(([header] + lines).joined(separator: "\n")
            + "\n(v = held out for eval; token counts are of the verbalized input and of the target with EOS)")
        outcome.fields.append(("pairs", .array(entries)))
        return outcome
    }

    private func pairsSummary(_ text: String) -> CommandOutcome {
        let pairs = session.tuning.pairs
        let human = text + (text.contains("\n") ? "" : " — \(pairs.training.count) for training, \(pairs.validation.count) held out")
        return CommandOutcome(human: human, fields: [("count", .int(pairs.count)), ("validation", .int(pairs.validation.count))])
    }

    /// The example builder for the current verbalizer and token limits.
    func exampleBuilder() throws -> ExampleBuilder {
        let settings = session.settings
        return ExampleBuilder(verbalizer: try Verbalizer(template: settings.string("verbalizer")),
                              limits: ExampleLimits(maxInputTokens: settings.int("max_input_tokens"),
                                                    maxOutputTokens: settings.int("max_output_tokens")))
    }

    static func clip(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "↵")
        return flat.count <= width ? flat : String(flat.prefix(width - 1)) + "…"
    }
}
