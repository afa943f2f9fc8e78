import Foundation
import LanguageModel
import Numerics
import PTScript
import Terminal

// MARK: - tokens, next, ask

extension Interpreter {
    /// `tokens "text"`: the text's token ids and pieces.
    func tokens(_ text: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        let ids = model.tokenizer.encode(text)
        let pieces = ids.map { model.tokenizer.piece($0) }
        var lines = ["\(ids.count) token\(ids.count == 1 ? "" : "s")"]
        for (id, _) in zip(ids, pieces) {
            lines.append(String(format: "%7d  ", Int(id)) + model.tokenizer.displayPiece(id))
        }
        return CommandOutcome(human: lines.joined(separator: "\n"),
                              fields: [("ids", .ints(ids)), ("pieces", .array(pieces.map { .string($0) }))])
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
        let settings = session.settings
        let verbalized = try verbalize(input)
        let ids = model.tokenizer.encode(verbalized)
        let prompt = session.tuning.promptRows(model: model, inputIDs: ids)
        guard !ids.isEmpty || prompt != nil else {
            throw CommandFailure("the verbalized input tokenizes to nothing")
        }
        session.applyThreads()
        var sampler = settings.string("decoding") == "greedy"
            ? Sampler.greedy
            : Sampler(temperature: Float(settings.float("temperature")), topK: settings.int("top_k"),
                      topP: Float(settings.float("top_p")), seed: UInt64(settings.int("seed")))
        let generator = try session.generator()
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        let stops: Set<Int32> = model.tokenizer.eos.map { [$0] } ?? []
        let result = try Interrupts.whileRunning {
            try generator.generate(
                prompt: prompt.map { .embeddings($0) } ?? .tokens(ids),
                maxTokens: settings.int("max_output_tokens"), stopAt: stops, sampler: &sampler,
                shouldStop: { Interrupts.isRequested },
                onToken: { console.stream(decoder.append($0)) })
        }
        console.stream(decoder.finish() + "\n")
        Interrupts.clear()
        let answerIDs = result.ids.filter { !stops.contains($0) }
        let text = model.tokenizer.decode(answerIDs)
        let t = result.timing
        if result.stopReason == .interrupted { console.note("(interrupted)") }
        return CommandOutcome(fields: [
            ("text", .string(text)), ("ids", .ints(result.ids)),
            ("stop", .string(result.stopReason.rawValue)),
            ("timing", .object([
                ("prompt_tokens", .int(t.promptTokens)), ("prefill_ms", .number(t.prefillMilliseconds)),
                ("generated_tokens", .int(t.generatedTokens)), ("decode_ms", .number(t.decodeMilliseconds)),
            ])),
        ])
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
