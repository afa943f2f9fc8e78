import LanguageModel
import PromptTuning

/// The prompt-tuning half of a session: training pairs, the prompt vector and where it started,
/// the trainer's state (optimizer moments, step, loss history) and the data files read.
public struct TuningState {
    /// Training and held-out pairs.
    public var pairs = PairSet()
    /// The current prompt vector, if `init` (or `load prompt`) made one.
    public var prompt: PromptVector?
    /// The vector as `init` made it (drift and the teaching views measure from here).
    public var initialPrompt: PromptVector?
    /// Optimizer state, step count and loss history; nil until the first `train` after `init`.
    public var training: TrainingState?
    /// Content hashes of the pair files read, by path (for replay headers).
    public var dataFiles: [String: String] = [:]

    /// Creates an empty state.
    public init() {}

    /// Called when a new base model replaces the old one: a prompt vector of another width no
    /// longer fits, so it goes with its training state (pairs stay).
    mutating func modelChanged(to config: LlamaConfig) {
        if let prompt, prompt.width != config.width { reset(prompt: nil) }
    }

    /// A new prompt vector (from `init` or a file): training starts over from it.
    mutating func reset(prompt: PromptVector?, training: TrainingState? = nil) {
        self.prompt = prompt
        self.initialPrompt = prompt
        self.training = training
    }

    /// Updates made on the current prompt vector.
    public var step: Int { training?.step ?? 0 }

    /// `[P ; E(ids)]` as flat rows (T, C) when there is a prompt vector; nil otherwise.
    func promptRows(model: LoadedModel, inputIDs: [Int32]) -> [Float]? {
        guard let prompt, prompt.width == model.config.width else { return nil }
        var rows = prompt.values
        rows.reserveCapacity(rows.count + inputIDs.count * prompt.width)
        let table = model.weights.tokenEmbedding
        for id in inputIDs {
            let start = Int(id) * prompt.width
            rows.append(contentsOf: table[start ..< start + prompt.width])
        }
        return rows
    }
}
