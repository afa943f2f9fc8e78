import LanguageModel
import PromptTuning

/// The prompt-tuning half of a session: training pairs, the prompt vector and where it started,
/// the trainer's state (optimizer moments, step, loss history), the per-step history for plots,
/// the snapshots and undo stack, and the data files read.
public struct TuningState {
    /// Training and held-out pairs.
    public var pairs = PairSet()
    /// The current prompt vector, if `init` (or `load prompt`) made one.
    public var prompt: PromptVector?
    /// The vector as `init` made it (drift and the teaching views measure from here).
    public var initialPrompt: PromptVector?
    /// Optimizer state, step count and loss history; nil until the first `train` after `init`.
    public var training: TrainingState?
    /// Per-update loss, learning rate, drift, row norms and vectors since the vector started.
    public var history = TrainingHistory()
    /// Named snapshots and the undo stack.
    public var snapshots = SnapshotStore()
    /// Content hashes of the pair files read, by path (for replay headers).
    public var dataFiles: [String: String] = [:]

    /// Creates an empty state.
    public init() {}

    /// Called when a new base model replaces the old one: a prompt vector of another width no
    /// longer fits, so it goes with its training state, and so do snapshots and undo entries of
    /// that width (pairs stay).
    mutating func modelChanged(to config: LlamaConfig) {
        if let prompt, prompt.width != config.width { apply(TuningCheckpoint(prompt: nil, initialPrompt: nil, training: nil, history: TrainingHistory())) }
        snapshots.keepOnly(width: config.width)
    }

    /// A new prompt vector (from `init`): training starts over from it. The replaced state goes
    /// on the undo stack.
    mutating func reset(prompt: PromptVector?, training: TrainingState? = nil) {
        let action = prompt.map { "init \($0.initDescription)" } ?? "init"
        replace(with: TuningCheckpoint(prompt: prompt, initialPrompt: prompt, training: training, history: TrainingHistory()),
                action: action)
    }

    /// Replaces the vector, optimizer state and history, keeping the old ones for `undo`.
    mutating func replace(with checkpoint: TuningCheckpoint, action: String) {
        snapshots.pushUndo(UndoEntry(action: action, checkpoint: self.checkpoint))
        apply(checkpoint)
    }

    /// The vector, optimizer state and history as one value (for snapshots and undo).
    public var checkpoint: TuningCheckpoint {
        TuningCheckpoint(prompt: prompt, initialPrompt: initialPrompt, training: training, history: history)
    }

    /// Puts a checkpoint back (no undo entry).
    mutating func apply(_ checkpoint: TuningCheckpoint) {
        prompt = checkpoint.prompt
        initialPrompt = checkpoint.initialPrompt
        training = checkpoint.training
        history = checkpoint.history
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
