import Foundation
import LanguageModel
import PTScript

// MARK: - load, show model

extension Interpreter {
    /// `load` / `load "model.gguf"`: reads a GGUF model and swaps it in only when all of it loaded.
    func load(path: String?) throws -> CommandOutcome {
        let file: String
        if let path {
            file = session.resolve(path)
            guard FileManager.default.fileExists(atPath: file) else {
                throw CommandFailure("model file '\(path)' does not exist")
            }
        } else {
            file = ModelCache.defaultModelPath
            guard FileManager.default.fileExists(atPath: file) else {
                throw CommandFailure(
                    "the default model is not in the model cache (\(file)); fetch it with Scripts/fetch-model")
            }
        }
        console.note("loading \(URL(fileURLWithPath: file).lastPathComponent) …")
        let model = try LoadedModel(path: file)
        session.install(model: model)
        let c = model.config
        let human = "loaded \(model.name): \(c.architecture), \(c.layers) layers, width \(c.width), "
            + "\(c.heads) heads (\(c.kvHeads) kv), vocab \(c.vocab), "
            + "\(Self.millions(c.parameterCount)) parameters in \(String(format: "%.2f", model.loadSeconds)) s"
        return CommandOutcome(human: human, fields: [("model", modelJSON(model))])
    }

    /// `show model`: the loaded model's shape and file.
    func showModel() throws -> CommandOutcome {
        let model = try session.requireModel()
        let c = model.config
        let rows: [(String, String)] = [
            ("name", model.name), ("file", model.path),
            ("size", String(format: "%.1f MB", Double(model.fileSize) / 1e6)),
            ("architecture", c.architecture), ("layers", "\(c.layers)"), ("embedding", "\(c.width)"),
            ("heads", "\(c.heads) query, \(c.kvHeads) key/value, head size \(c.headSize)"),
            ("feed-forward", "\(c.ffnWidth)"), ("vocabulary", "\(c.vocab)"),
            ("context", "\(c.contextLength)"), ("rope theta", "\(c.ropeTheta)"),
            ("output head", c.tiedOutput ? "tied to the token embeddings" : "separate"),
            ("parameters", Self.millions(c.parameterCount)),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        let human = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n")
        return CommandOutcome(human: human, fields: [("model", modelJSON(model))])
    }

    /// The `model` object of the output contract.
    func modelJSON(_ model: LoadedModel) -> JSONValue {
        let c = model.config
        return .object([
            ("architecture", .string(c.architecture)), ("layers", .int(c.layers)), ("embedding", .int(c.width)),
            ("heads", .int(c.heads)), ("kv_heads", .int(c.kvHeads)), ("vocab", .int(c.vocab)),
            ("parameters", .int(c.parameterCount)), ("name", .string(model.name)), ("file", .string(model.path)),
            ("load_seconds", .number(model.loadSeconds)),
        ])
    }

    static func millions(_ n: Int) -> String { String(format: "%.1fM", Double(n) / 1e6) }
}
