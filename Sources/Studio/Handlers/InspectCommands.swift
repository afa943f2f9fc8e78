import Foundation
import LanguageModel
import PromptTuning
import Terminal

// MARK: - nearest, drift

extension Session {
    /// The embedding table with its row norms, built on first use and kept for the model's
    /// lifetime (`install(model:)` drops it). Control tokens are never offered as neighbours.
    func embeddingIndex() throws -> EmbeddingIndex {
        let model = try requireModel()
        if let embeddingIndexStorage { return embeddingIndexStorage }
        let table = try EmbeddingTable(values: model.weights.tokenEmbedding, vocab: model.config.vocab, width: model.config.width)
        let controls = Set((0..<Int32(model.config.vocab)).filter { model.tokenizer.isControl($0) })
        let made = EmbeddingIndex(table: table, excluded: controls)
        embeddingIndexStorage = made
        return made
    }

    /// The current prompt vector, or the error every inspection of it reports.
    func requirePrompt() throws -> PromptVector {
        guard let prompt = tuning.prompt else {
            throw CommandFailure("there is no prompt vector yet; create one with init \"text\", init random or init vocab")
        }
        return prompt
    }

    /// The vector training started from: the one `init` made, or — after `load prompt` of a
    /// ptune adapter initialized from text or vocabulary — the embeddings of its source tokens,
    /// which is exactly what init copied. Otherwise a clear error.
    func initialVector(for prompt: PromptVector) throws -> (vector: PromptVector, rebuilt: Bool) {
        if let initial = tuning.initialPrompt, initial.rows == prompt.rows, initial.width == prompt.width {
            return (initial, false)
        }
        let index = try embeddingIndex()
        if prompt.sourceTokenIDs.count == prompt.rows, prompt.width == index.width,
           prompt.sourceTokenIDs.allSatisfy({ $0 >= 0 && Int($0) < index.vocab }) {
            var values: [Float] = []
            values.reserveCapacity(prompt.rows * prompt.width)
            for id in prompt.sourceTokenIDs { values.append(contentsOf: index.embedding(id)) }
            return (PromptVector(rows: prompt.rows, width: prompt.width, values: values,
                                 sourceTokenIDs: prompt.sourceTokenIDs, initDescription: prompt.initDescription), true)
        }
        throw CommandFailure("there is no initial vector to measure from: this prompt vector was loaded with 'load prompt' "
            + "and its adapter does not say where training started (a PEFT adapter stores only the trained values, "
            + "and a randomly initialized one cannot be rebuilt); run init to start a vector whose drift is tracked")
    }
}

extension Interpreter {
    /// `nearest [k]`: each virtual token's k nearest vocabulary tokens by cosine similarity
    /// (one (N, V) matrix product), with the token it was initialized from.
    func nearest(_ count: Int?) throws -> CommandOutcome {
        let model = try session.requireModel()
        let prompt = try session.requirePrompt()
        let index = try session.embeddingIndex()
        let k = max(1, min(count ?? 5, index.vocab))
        let neighbours = try index.nearest(prompt.values, rows: prompt.rows, k: k)
        let sources = prompt.sourceTokenIDs.count == prompt.rows ? prompt.sourceTokenIDs : []
        let tokenizer = model.tokenizer

        var rows: [[String]] = []
        var entries: [JSONValue] = []
        for (r, list) in neighbours.enumerated() {
            let initID = sources.isEmpty ? nil : sources[r]
            rows.append([String(r), initID.map { tokenizer.displayPiece($0) } ?? "(random)",
                         list.map { ($0.id == initID ? "*" : "") + tokenizer.displayPiece($0.id) + String(format: " %.2f", $0.cosine) }
                             .joined(separator: "  ")])
            entries.append(.object([
                ("index", .int(r)), ("init", initID.map { .string(tokenizer.decode([$0])) } ?? .null),
                ("init_id", initID.map { .int(Int($0)) } ?? .null),
                ("neighbours", .array(list.map { .object([("id", .int(Int($0.id))), ("token", .string(tokenizer.decode([$0.id]))),
                                                           ("cosine", .float($0.cosine))]) })),
            ]))
        }
        let headline = "nearest \(k) vocabulary token\(k == 1 ? "" : "s") of each of the \(prompt.rows) virtual tokens by cosine similarity, step \(session.tuning.step)"
            + (sources.isEmpty ? "" : "  (* = the token it was initialized from)")
        let table = TableRenderer(style: TerminalStyle(enabled: console.color))
            .render(headers: ["#", "init", "nearest (cosine)"], rows: rows, alignments: [.right, .left, .left])
        return CommandOutcome(human: headline + "\n" + table,
                              fields: [("k", .int(k)), ("step", .int(session.tuning.step)), ("tokens", .array(entries))])
    }

    /// `drift`: per virtual token, its norm, its distance and cosine to the initial vector, and
    /// where its init token now ranks among its neighbours.
    func drift() throws -> CommandOutcome {
        let model = try session.requireModel()
        let prompt = try session.requirePrompt()
        let (initial, rebuilt) = try session.initialVector(for: prompt)
        let index = try session.embeddingIndex()
        let report = try Drift.measure(current: prompt, initial: initial, index: index)
        let tokenizer = model.tokenizer

        let rows = report.map { d in
            [String(d.index), d.initToken.map { tokenizer.displayPiece($0) } ?? "(random)",
             String(format: "%.4f", d.norm), String(format: "%.4f", d.initialNorm), String(format: "%.4f", d.distance),
             String(format: "%.4f", d.cosine), d.initRank.map(String.init) ?? "–",
             tokenizer.displayPiece(d.nearest.id) + String(format: " %.2f", d.nearest.cosine)]
        }
        let total = VectorMath.distance(prompt.values[...], initial.values[...])
        var lines = [String(format: "drift after %d update%@: ‖P − P₀‖ = %.4f over %d virtual tokens",
                            session.tuning.step, session.tuning.step == 1 ? "" : "s", total, prompt.rows)]
        if rebuilt { lines.append("(initial vector rebuilt from the embeddings of the source tokens the adapter lists)") }
        lines.append(TableRenderer(style: TerminalStyle(enabled: console.color)).render(
            headers: ["#", "init", "‖p‖", "‖p₀‖", "‖p − p₀‖", "cos(p, p₀)", "init rank", "nearest now"], rows: rows,
            alignments: [.right, .left, .right, .right, .right, .right, .right, .left]))
        let ranked = report.compactMap(\.initRank)
        if !ranked.isEmpty {
            let kept = ranked.filter { $0 == 1 }.count
            lines.append("\(kept) of \(ranked.count) virtual tokens still have their init token as nearest word")
        }
        let entries: [JSONValue] = report.map { d in
            .object([
                ("index", .int(d.index)), ("init", d.initToken.map { .string(tokenizer.decode([$0])) } ?? .null),
                ("init_id", d.initToken.map { .int(Int($0)) } ?? .null),
                ("norm", .number(d.norm)), ("initial_norm", .number(d.initialNorm)),
                ("distance", .number(d.distance)), ("cosine", .number(d.cosine)),
                ("init_rank", d.initRank.map { .int($0) } ?? .null),
                ("init_cosine", d.initCosine.map { .float($0) } ?? .null),
                ("nearest", .object([("id", .int(Int(d.nearest.id))), ("token", .string(tokenizer.decode([d.nearest.id]))),
                                     ("cosine", .float(d.nearest.cosine))])),
            ])
        }
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [
            ("step", .int(session.tuning.step)), ("distance", .number(total)), ("rebuilt_initial", .bool(rebuilt)),
            ("tokens", .array(entries)),
        ])
    }
}

// MARK: - map

extension Interpreter {
    /// How many vocabulary tokens `map` samples.
    static let mapSampleSize = 2_000

    /// `map` / `map to "map.svg"`: the word cloud on its first two principal components with
    /// each virtual token's start, path and current position.
    func map(to output: String?) throws -> CommandOutcome {
        let model = try session.requireModel()
        let prompt = try session.requirePrompt()
        let index = try session.embeddingIndex()
        let seed = UInt64(session.settings.int("seed"))
        let sample = EmbeddingMap.sampleVocabulary(count: Self.mapSampleSize, vocab: index.vocab, excluded: index.excluded, seed: seed)
        let history = try mapHistory(prompt)
        let map = try EmbeddingMap.build(index: index, sample: sample, history: history, rows: prompt.rows, seed: seed)
        let tokenizer = model.tokenizer
        let sources = prompt.sourceTokenIDs.count == prompt.rows ? prompt.sourceTokenIDs : []
        let explained = map.components.explained.map { $0 * 100 }
        let title = "prompt vector among \(sample.count) vocabulary embeddings, step \(session.tuning.step)"

        // Points: words (0), initial positions (1), the path between (2), positions now (3).
        var points = map.words.map { LabelledPoint(x: $0.x, y: $0.y, group: 0) }
        var paths: [ChartSeries] = []
        for track in map.tracks {
            let initLabel = sources.isEmpty ? nil : tokenizer.displayPiece(sources[track.index])
            if history.count > 1 {
                points.append(LabelledPoint(x: track.start.x, y: track.start.y, label: initLabel, group: 1))
                paths.append(ChartSeries(name: "v\(track.index)", points: track.path.map { ChartPoint(x: $0.x, y: $0.y) }))
            }
            points.append(LabelledPoint(x: track.end.x, y: track.end.y, label: "v\(track.index)", group: 3))
        }
        let groupNames = ["words", "at init", "path", "now"]
        let xLabel = String(format: "PC1 (%.1f%% of the variance)", explained[0])
        let yLabel = String(format: "PC2 (%.1f%%)", explained.count > 1 ? explained[1] : 0)

        var lines: [String] = []
        if let output {
            let svg = SVGChart.scatterPlot(points: points, groupNames: groupNames, title: title, xLabel: xLabel,
                                           yLabel: yLabel, paths: paths)
            try ViewFile.write(svg, to: URL(fileURLWithPath: session.resolve(output)))
            lines.append("wrote \(output): \(sample.count) words, \(prompt.rows) virtual tokens" + (paths.isEmpty ? "" : " with their paths"))
        } else {
            // The terminal plot draws each path as dots along its segments.
            var terminalPoints = points
            for path in paths { terminalPoints += Self.dotted(path.points, group: 2) }
            terminalPoints.sort { $0.group < $1.group }
            lines.append(ScatterPlot(points: terminalPoints, groupNames: groupNames, width: 78, height: 22,
                                     title: title, mode: .braille).render(style: TerminalStyle(enabled: console.color)))
            lines.append(xLabel + " → , " + yLabel + " ↑")
        }
        let norms = map.tracks.map(\.norm).sorted()
        let cosines = map.tracks.map { Double($0.nearestWordCosine) }.sorted()
        lines.append(String(format: "words: median norm %.3f · virtual tokens now: median norm %.3f, median cosine to their nearest word %.2f (a word's own is 1)",
                            map.medianWordNorm, norms[norms.count / 2], cosines[cosines.count / 2]))
        lines.append("(the plane fits the words and the prompt rows with equal weight, so prompt rows lean to the rim; the cosine is the projection-free test)")
        if history.count == 1 { lines.append("(no initial vector: only the current positions are shown)") }

        let entries: [JSONValue] = map.tracks.map { t in
            .object([("index", .int(t.index)), ("init", sources.isEmpty ? .null : .string(tokenizer.decode([sources[t.index]]))),
                     ("path", .array(t.path.map { .array([.number($0.x), .number($0.y)]) })),
                     ("norm", .number(t.norm)),
                     ("nearest", .object([("id", .int(Int(t.nearestWord))), ("token", .string(tokenizer.decode([t.nearestWord]))),
                                          ("cosine", .float(t.nearestWordCosine))]))])
        }
        var fields: [(String, JSONValue)] = []
        if let output { fields.append(("file", .string(output))) }
        fields += [
            ("step", .int(session.tuning.step)),
            ("explained", .array(map.components.explained.map { .number($0) })),
            ("median_word_norm", .number(map.medianWordNorm)),
            ("tokens", .array(entries)),
            ("words", .array(map.words.map { .array([.int(Int($0.id)), .number($0.x), .number($0.y)]) })),
        ]
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: fields)
    }

    /// The prompt rows over time, oldest first: the initial vector (when known) and the current
    /// one. history: each (N, C).
    private func mapHistory(_ prompt: PromptVector) throws -> [[Float]] {
        guard let initial = try? session.initialVector(for: prompt).vector else { return [prompt.values] }
        return [initial.values, prompt.values]
    }

    /// Points spaced along a polyline (excluding its ends), so a braille plot shows it as a trail.
    private static func dotted(_ path: [ChartPoint], group: Int, perSegment: Int = 12) -> [LabelledPoint] {
        guard path.count > 1 else { return [] }
        var dots: [LabelledPoint] = []
        for (a, b) in zip(path, path.dropFirst()) {
            for s in 1..<perSegment {
                let t = Double(s) / Double(perSegment)
                dots.append(LabelledPoint(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, group: group))
            }
        }
        return dots
    }
}
