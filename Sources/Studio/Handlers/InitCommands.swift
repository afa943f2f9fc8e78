import PromptTuning

// MARK: - init

extension Interpreter {
    /// `init "text"`: rows from the text's token embeddings. Without `num_virtual_tokens` set, the
    /// vector has one row per token; with it, the ids are repeated or cut as HF PEFT does.
    func initText(_ text: String) throws -> CommandOutcome {
        let model = try session.requireModel()
        let ids = model.tokenizer.encode(text)
        guard !ids.isEmpty else { throw CommandFailure("the init text tokenizes to nothing; give it some words") }
        let n = virtualTokenCount(explicit: nil) ?? ids.count
        let (prompt, report) = try PromptInitialization.fromText(text, ids: ids, virtualTokens: n, table: try embeddingTable(model))
        return install(prompt, note: report.summary)
    }

    /// `init random [n]`: uniform values in [-0.5, 0.5] (Lester et al.), seeded.
    func initRandom(_ count: Int?) throws -> CommandOutcome {
        let model = try session.requireModel()
        let n = virtualTokenCount(explicit: count) ?? session.settings.int("num_virtual_tokens")
        let prompt = try PromptInitialization.random(virtualTokens: n, width: model.config.width,
                                                     seed: UInt64(session.settings.int("seed")))
        return install(prompt, note: "\(n) rows uniform in [-0.5, 0.5], seed \(session.settings.int("seed"))")
    }

    /// `init vocab [n]`: rows copied from embeddings of sampled frequent tokens.
    func initVocab(_ count: Int?) throws -> CommandOutcome {
        let model = try session.requireModel()
        let n = virtualTokenCount(explicit: count) ?? session.settings.int("num_virtual_tokens")
        let specials = Set((0..<Int32(model.config.vocab)).filter { model.tokenizer.isControl($0) })
        let prompt = try PromptInitialization.vocabulary(virtualTokens: n, table: try embeddingTable(model), specialIDs: specials,
                                                         seed: UInt64(session.settings.int("seed")))
        return install(prompt, note: "\(n) rows copied from embeddings of tokens sampled from the \(PromptInitialization.vocabularyPoolSize) lowest-id ordinary tokens")
    }

    /// `init`: shows the current vector.
    func initShow() throws -> CommandOutcome {
        guard let prompt = session.tuning.prompt else {
            throw CommandFailure("there is no prompt vector yet; create one with init \"text\", init random or init vocab")
        }
        return describe(prompt, headline: "prompt vector: \(prompt.rows) × \(prompt.width), step \(session.tuning.step)")
    }

    // MARK: - Helpers

    /// The row count: the explicit argument, else `num_virtual_tokens` when the user set it.
    private func virtualTokenCount(explicit: Int?) -> Int? {
        if let explicit { return explicit }
        return session.settings.changed.contains { $0.0.name == "num_virtual_tokens" }
            ? session.settings.int("num_virtual_tokens") : nil
    }

    private func embeddingTable(_ model: LoadedModel) throws -> EmbeddingTable {
        try EmbeddingTable(values: model.weights.tokenEmbedding, vocab: model.config.vocab, width: model.config.width)
    }

    private func install(_ prompt: PromptVector, note: String) -> CommandOutcome {
        session.tuning.reset(prompt: prompt)
        return describe(prompt, headline: "prompt vector: \(prompt.rows) × \(prompt.width) — \(note)")
    }

    /// n, source tokens and norm, in words and as the `init` JSON object.
    func describe(_ prompt: PromptVector, headline: String) -> CommandOutcome {
        var lines = [headline, String(format: "norm %.4f", prompt.norm)]
        if let model = session.model, !prompt.sourceTokenIDs.isEmpty {
            let pieces = prompt.sourceTokenIDs.map { model.tokenizer.displayPiece($0) }
            lines.append("source tokens: " + pieces.joined(separator: " · "))
        }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [
            ("virtual_tokens", .int(prompt.rows)), ("source_ids", .ints(prompt.sourceTokenIDs)),
            ("norm", .number(prompt.norm)), ("init", .string(prompt.initDescription)),
        ])
    }
}
