import LanguageModel
import Numerics
import PTScript
import PromptTuning

/// Everything a ptune session holds: the base model, the settings, and (with the tuning
/// commands) the prompt vector, the pairs and the training history. Handlers change it only after
/// their work has succeeded, so a failed command leaves it as it was.
public final class Session {
    /// Current settings (catalog defaults until `set`).
    public var settings = SettingsStore()
    /// The loaded base model, if any.
    public internal(set) var model: LoadedModel?
    /// The decoding session for `ask`/`next`, built for the current model on first use.
    var generatorStorage: Generator?
    /// The frozen model as the trainer sees it, built once per model (its buffers are reused).
    var frozenStorage: FrozenLlama?
    /// The embedding table with its row norms, for `nearest`/`drift`/`map` (built once per model).
    var embeddingIndexStorage: EmbeddingIndex?
    /// Debug fault injection for tests (a NaN/∞ in `train`'s forward pass); nil, and unreachable from scripts.
    var nonFiniteInjection: NonFiniteInjection?
    /// Prompt-tuning state: prompt vector, pairs, optimizer, history.
    public var tuning = TuningState()
    /// Directory that relative paths in commands resolve against (the script's folder, or the cwd).
    public var baseDirectory: String
    /// Executed commands, the recording in progress and the scripts running (Session/SessionHistory).
    public internal(set) var scripting = ScriptingState()

    /// A fresh session with no model.
    public init(baseDirectory: String = FileManager.default.currentDirectoryPath) {
        self.baseDirectory = baseDirectory
    }

    /// The loaded model, or the error a command that needs one reports.
    func requireModel() throws -> LoadedModel {
        guard let model else {
            throw CommandFailure("no model is loaded; run 'load' first (the default model) or 'load \"file.gguf\"'")
        }
        return model
    }

    /// Replaces the base model; the generator and anything tied to the old model's shape go.
    func install(model: LoadedModel) {
        self.model = model
        generatorStorage = nil
        frozenStorage = nil
        embeddingIndexStorage = nil
        tuning.modelChanged(to: model.config)
    }

    /// The generator for the current model (built once per model: its KV cache is reused).
    func generator() throws -> Generator {
        let model = try requireModel()
        if let generatorStorage { return generatorStorage }
        let made = Generator(weights: model.weights, quantized: model.quantized)
        generatorStorage = made
        return made
    }

    /// The frozen model for training and evaluation losses.
    func frozenModel() throws -> FrozenLlama {
        let model = try requireModel()
        if let frozenStorage { return frozenStorage }
        let made = FrozenLlama(network: model.network)
        frozenStorage = made
        return made
    }

    /// Resolves a user path against the base directory (absolute and `~` paths as they are).
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
    }

    /// Applies the `threads` setting to BLAS (0 = one per core).
    func applyThreads() {
        let requested = settings.int("threads")
        let count = requested > 0 ? requested : ProcessInfo.processInfo.activeProcessorCount
        if ThreadCount.current != count { ThreadCount.set(count) }
    }
}

import Foundation
