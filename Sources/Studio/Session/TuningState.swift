import LanguageModel
import PromptTuning

/// The prompt-tuning half of a session: training pairs, the prompt vector and (with training)
/// the optimizer state and loss history.
public struct TuningState {
    /// Training and held-out pairs.
    public var pairs = PairSet()
    /// The current prompt vector, if `init` (or `load prompt`) made one.
    public var prompt: PromptVector?

    /// Creates an empty state.
    public init() {}

    /// Called when a new base model replaces the old one: a prompt vector of another width no
    /// longer fits, so it goes (pairs stay).
    mutating func modelChanged(to config: LlamaConfig) {
        if let prompt, prompt.width != config.width { self.prompt = nil }
    }

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
