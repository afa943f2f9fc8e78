import Foundation
import LanguageModel
import Numerics
import PTScript
import Terminal

// MARK: - tokens, next, ask (and the generation path `compare` shares)

extension Interpreter {
    /// `tokens "text"`: one row per token — readable piece, id and the L2 norm of the embedding
    /// row the id selects (text → tokens → ids → vectors). With `verbalized`, the text goes through
    /// the verbalizer first and rows are numbered after the virtual tokens, as the model reads them.
    func tokens(_ text: String, verbalized: Bool) throws -> CommandOutcome {
        let model = try session.requireModel()
        let shown = verbalized ? try verbalize(text) : text
        let ids = model.tokenizer.encode(shown)
        let pieces = ids.map { model.tokenizer.piece($0) }
        let index = try session.embeddingIndex()
        let norms = ids.map { Double(index.norms[Int($0)]) }
        let virtual = verbalized ? (session.tuning.prompt?.rows ?? 0) : 0

        var lines: [String] = []
        let count = "\(ids.count) token\(ids.count == 1 ? "" : "s")"
        if verbalized {
            lines.append("the model reads \"\(shown)\"")
            lines.append(virtual > 0
                ? "after \(virtual) virtual token\(virtual == 1 ? "" : "s") (the prompt vector, positions 0–\(virtual - 1)): \(count) at positions \(virtual)–\(virtual + ids.count - 1)"
                : "no prompt vector yet, so nothing comes first: \(count)")
        } else {
            lines.append("\(count); each id selects a row of the \(model.config.vocab) × \(model.config.width) embedding table")
        }
        let rows = ids.indices.map { i in
            [String(virtual + i), model.tokenizer.displayPiece(ids[i]), String(ids[i]), String(format: "%.4f", norms[i])]
        }
        if !rows.isEmpty {
            lines.append(TableRenderer(style: TerminalStyle(enabled: console.color))
                .render(headers: [verbalized ? "pos" : "#", "token", "id", "‖embedding‖"], rows: rows,
                        alignments: [.right, .left, .right, .right]))
        }
        var fields: [(String, JSONValue)] = [("ids", .ints(ids)), ("pieces", .array(pieces.map { .string($0) })),
                                             ("norms", .array(norms.map { .number($0) }))]
        if verbalized { fields += [("text", .string(shown)), ("virtual_tokens", .int(virtual))] }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: fields)
    }

    /// `next "text" [k]`: the k most likely next tokens with their log-probabilities.
    func next(_ text: String, count: Int?) throws -> CommandOutcome {
        let model = try session.requireModel()
        let k = max(1, min(count ?? 10, model.config.vocab))
        let ids = model.tokenizer.encode(text)
        guard !ids.isEmpty else { throw CommandFailure("the text tokenizes to nothing; give at least one character") }
        session.applyThreads()
        let generator = try session.generator()
        generator.session.reset()
        let logits = try generator.session.prefill(tokens: ids)
        let top = TopTokens.best(k, of: logits)
        var lines: [String] = []
        var entries: [JSONValue] = []
        for (id, logprob) in top {
            let shown = model.tokenizer.displayPiece(id)
            lines.append(String(format: "%7d  %8.4f  %6.2f%%  ", Int(id), logprob, exp(Double(logprob)) * 100) + shown)
            entries.append(.object([("id", .int(Int(id))), ("token", .string(model.tokenizer.decode([id]))),
                                    ("logprob", .float(logprob))]))
        }
        return CommandOutcome(human: "     id   logprob    prob  token\n" + lines.joined(separator: "\n"),
                              fields: [("top", .array(entries))])
    }

    /// `ask "input"`: verbalizes the input, prepends the prompt vector when there is one, and
    /// generates, streaming tokens as they come.
    func ask(_ input: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        let ids = model.tokenizer.encode(try verbalize(input))
        let prompt = session.tuning.promptRows(model: model, inputIDs: ids)
        guard !ids.isEmpty || prompt != nil else {
            throw CommandFailure("the verbalized input tokenizes to nothing")
        }
        let answer = try generateAnswer(prompt.map { .embeddings($0) } ?? .tokens(ids), streaming: true)
        let t = answer.result.timing
        if answer.result.stopReason == .interrupted { console.note("(interrupted)") }
        return CommandOutcome(fields: [
            ("text", .string(answer.text)), ("ids", .ints(answer.result.ids)),
            ("stop", .string(answer.result.stopReason.rawValue)),
            ("timing", .object([
                ("prompt_tokens", .int(t.promptTokens)), ("prefill_ms", .number(t.prefillMilliseconds)),
                ("generated_tokens", .int(t.generatedTokens)), ("decode_ms", .number(t.decodeMilliseconds)),
            ])),
        ])
    }

    /// One generated answer and how likely the model found it.
    struct Answer {
        /// Ids as generated (the stop token last when generation ended there).
        var result: GenerationResult
        /// The answer's text (stop token left out).
        var text: String
        /// log p of each generated id (stop token included) under the model at temperature 1.
        var logprobs: [Double]

        /// The product of the tokens' probabilities.
        var probability: Double { exp(logprobs.reduce(0, +)) }
        /// The mean log-probability per token (0 for an empty answer).
        var meanLogprob: Double { logprobs.isEmpty ? 0 : logprobs.reduce(0, +) / Double(logprobs.count) }
    }

    /// The generation path shared by `ask` and `compare`: decoding settings, the session's
    /// generator, stop at end-of-sequence, ^C, and the log-probability of every chosen token (read
    /// from the logits it was chosen from). With `streaming`, text is printed as it comes.
    func generateAnswer(_ prompt: GenerationPrompt, streaming: Bool) throws -> Answer {
        let model = try session.requireModel()
        let settings = session.settings
        session.applyThreads()
        var sampler = settings.string("decoding") == "greedy"
            ? Sampler.greedy
            : Sampler(temperature: Float(settings.float("temperature")), topK: settings.int("top_k"),
                      topP: Float(settings.float("top_p")), seed: UInt64(settings.int("seed")))
        let generator = try session.generator()
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        let stops: Set<Int32> = model.tokenizer.eos.map { [$0] } ?? []
        var logprobs: [Double] = []
        let result = try Interrupts.whileRunning {
            try generator.generate(
                prompt: prompt,
                maxTokens: settings.int("max_output_tokens"), stopAt: stops, sampler: &sampler,
                shouldStop: { Interrupts.isRequested },
                onToken: { id in
                    // The session's logits are still the row this token was drawn from.
                    logprobs.append(LogSoftmax.value(of: id, in: generator.session.logits))
                    if streaming { console.stream(decoder.append(id)) }
                })
        }
        if result.stopReason == .eos, let stop = result.ids.last {
            logprobs.append(LogSoftmax.value(of: stop, in: generator.session.logits))
        }
        if streaming { console.stream(decoder.finish() + "\n") }
        Interrupts.clear()
        let text = model.tokenizer.decode(result.ids.filter { !stops.contains($0) })
        return Answer(result: result, text: text, logprobs: logprobs)
    }

    /// The input placed in the `verbalizer` template.
    func verbalize(_ input: String) throws -> String {
        let template = session.settings.string("verbalizer")
        guard template.contains("{{input}}") else {
            throw CommandFailure("the verbalizer has no {{input}} placeholder: \"\(template)\"")
        }
        return template.replacingOccurrences(of: "{{input}}", with: input)
    }
}

/// log-softmax of one entry of a logits row, in Double.
enum LogSoftmax {
    static func value(of id: Int32, in logits: UnsafeBufferPointer<Float>) -> Double {
        var maxLogit = -Float.infinity
        for v in logits where v > maxLogit { maxLogit = v }
        var sum = 0.0
        for v in logits { sum += exp(Double(v - maxLogit)) }
        return Double(logits[Int(id)] - maxLogit) - log(sum)
    }
}

/// The k largest logits as (id, log-probability), best first; ties go to the lower id.
enum TopTokens {
    static func best(_ k: Int, of logits: UnsafeBufferPointer<Float>) -> [(Int32, Float)] {
        var maxLogit = -Float.infinity
        for v in logits where v > maxLogit { maxLogit = v }
        var sum = 0.0
        for v in logits { sum += Double(expf(v - maxLogit)) }
        let logSumExp = maxLogit + Float(log(sum))
        var best: [(Int32, Float)] = []
        best.reserveCapacity(k + 1)
        for (i, v) in logits.enumerated() {
            if best.count == k, let last = best.last, v <= last.1 { continue }
            let position = best.firstIndex { v > $0.1 } ?? best.count
            best.insert((Int32(i), v), at: position)
            if best.count > k { best.removeLast() }
        }
        return best.map { ($0.0, $0.1 - logSumExp) }
    }
}
