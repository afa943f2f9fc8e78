import Foundation
import LanguageModel
import PromptTuning
import Terminal

// MARK: - compare

extension Interpreter {
    /// `compare "input"`: the seed's argument in one command — the same verbalized input answered
    /// by the base model alone, with the init text as a hard prompt (prompt engineering), and with
    /// the tuned prompt vector (prompt tuning), each with how likely the model found its answer.
    func compare(_ input: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("compare needs a prompt vector to compare with; create one with init \"text\" (and train it)")
        }
        let verbalized = try verbalize(input)
        let ids = model.tokenizer.encode(verbalized)
        guard !ids.isEmpty else { throw CommandFailure("the verbalized input tokenizes to nothing") }
        guard let tunedRows = session.tuning.promptRows(model: model, inputIDs: ids) else {
            throw CommandFailure("the prompt vector's width \(prompt.width) does not match the model's \(model.config.width)")
        }

        // The hard prompt is the init text's tokens followed by the input's: the same tokens the
        // vector was copied from at step 0 (when the text filled the rows without repeat or cut).
        let hardIDs = prompt.initText.map { model.tokenizer.encode($0) } ?? []
        struct Run { let key: String; let title: String; let answer: Answer?; let prefix: String? }
        func answer(_ input: GenerationPrompt, _ which: String) throws -> Answer {
            let answer = try generateAnswer(input, streaming: false)
            if answer.result.stopReason == .interrupted { throw CommandFailure("compare was interrupted while answering with \(which)") }
            return answer
        }
        var runs: [Run] = []
        runs.append(Run(key: "base", title: "base model alone", answer: try answer(.tokens(ids), "the base model"), prefix: nil))
        if !hardIDs.isEmpty, let text = prompt.initText {
            runs.append(Run(key: "hard_prompt", title: "init text as a hard prompt",
                            answer: try answer(.tokens(hardIDs + ids), "the init text"), prefix: text))
        } else {
            runs.append(Run(key: "hard_prompt", title: "init text as a hard prompt", answer: nil, prefix: nil))
        }
        runs.append(Run(key: "tuned", title: "tuned prompt vector (\(prompt.rows) virtual tokens, step \(session.tuning.step))",
                        answer: try answer(.embeddings(tunedRows), "the prompt vector"), prefix: nil))

        let greedy = session.settings.string("decoding") == "greedy"
        var lines = ["compare \"\(verbalized)\"" + (greedy ? " (greedy decoding)" : " (sampled decoding, seed \(session.settings.int("seed")))")]
        let rows: [[String]] = runs.map { run in
            guard let answer = run.answer else {
                return [run.title, "(no init text: the vector was made by \(prompt.peftInitName == "RANDOM" ? "random" : "vocab") init)", "", "", ""]
            }
            let shown = answer.text.replacingOccurrences(of: "\n", with: "↵")
            return [run.title + (run.prefix.map { ": \"\($0)\"" } ?? ""), shown,
                    Self.percent(answer.probability), String(format: "%.3f", answer.meanLogprob), String(answer.logprobs.count)]
        }
        lines.append(TableRenderer(style: TerminalStyle(enabled: console.color)).render(
            headers: ["prompt", "answer", "p(answer)", "mean log p", "tokens"], rows: rows,
            alignments: [.left, .left, .right, .right, .right]))
        lines.append("p(answer) = the product of the answer tokens' probabilities under the model (softmax at temperature 1), "
                     + "end-of-sequence included when the answer stopped there; mean log p = its log divided by the token count")

        let answers: [JSONValue] = runs.map { run in
            var fields: [(String, JSONValue)] = [("prompt", .string(run.key))]
            if let prefix = run.prefix { fields.append(("prefix", .string(prefix))) }
            if run.key == "tuned" { fields += [("virtual_tokens", .int(prompt.rows)), ("step", .int(session.tuning.step))] }
            guard let answer = run.answer else { return .object(fields + [("text", .null)]) }
            return .object(fields + [
                ("text", .string(answer.text)), ("ids", .ints(answer.result.ids)),
                ("stop", .string(answer.result.stopReason.rawValue)),
                ("probability", .number(answer.probability)), ("mean_logprob", .number(answer.meanLogprob)),
                ("logprobs", .array(answer.logprobs.map { .number($0) })),
            ])
        }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [
            ("input", .string(input)), ("verbalized", .string(verbalized)),
            ("probability", .string("product of the answer tokens' probabilities, end-of-sequence included when generation stopped there")),
            ("answers", .array(answers)),
        ])
    }

    /// A probability for people: "62.1%", or "3.2e-05%" when tiny.
    private static func percent(_ p: Double) -> String {
        p >= 0.001 ? String(format: "%.1f%%", p * 100) : String(format: "%.1e%%", p * 100)
    }
}
