// MARK: - Resolved commands
//
// What the Studio executes: one case per command form, with typed payloads. A `Command` only
// exists for a statement that passed every check.

/// How `train` counts.
public enum TrainingUnit: String, Sendable, Equatable, CaseIterable {
    /// Optimizer updates (each one accumulate_steps batches).
    case updates
    /// Full passes over the training pairs.
    case epochs
}

/// What `plot` draws.
public enum PlotSeries: String, Sendable, Equatable, CaseIterable {
    /// Training loss per update.
    case loss
    /// Distance of the prompt vector from its initial value per update.
    case drift
    /// Norm of each virtual token's row.
    case norms
    /// Learning rate per update.
    case lr
}

/// One command form with typed arguments.
public enum Command: Sendable, Equatable {
    /// `load` (the default model) or `load "model.gguf"`.
    case load(path: String?)
    /// `load prompt "dir"`: a saved prompt vector (PEFT adapter directory).
    case loadPrompt(dir: String)
    /// `pairs "data.jsonl"`: read training pairs from a file.
    case pairsFile(path: String)
    /// `pairs add "input" -> "output"`.
    case pairsAdd(input: String, output: String)
    /// `pairs`: list the pairs.
    case pairsList
    /// `pairs clear`.
    case pairsClear
    /// `pairs split 0.2`: hold out a fraction for evaluation.
    case pairsSplit(fraction: Double)
    /// `init "text"`.
    case initText(String)
    /// `init random [n]`.
    case initRandom(count: Int?)
    /// `init vocab [n]`.
    case initVocab(count: Int?)
    /// `init`: show the current prompt vector (rows, source tokens, norm).
    case initShow
    /// `train 50` or `train 3 epochs`; `train` alone runs num_epochs epochs.
    case train(count: Int?, unit: TrainingUnit)
    /// `ask "input"`.
    case ask(input: String)
    /// `compare "input"`: tuned and untuned answers side by side.
    case compare(input: String)
    /// `eval`.
    case eval
    /// `preview`.
    case preview
    /// `set key value`.
    case set(key: SettingSpec, value: SettingValue)
    /// `show settings`.
    case showSettings
    /// `show model`.
    case showModel
    /// `tokens "text"`, or `tokens "text" verbalized` (the verbalizer applied first).
    case tokens(text: String, verbalized: Bool = false)
    /// `next "text" [k]`.
    case next(text: String, count: Int?)
    /// `nearest [k]`.
    case nearest(count: Int?)
    /// `drift`.
    case drift
    /// `map` or `map to "map.svg"`.
    case map(output: String?)
    /// `plot loss` or `plot loss to "loss.svg"`.
    case plot(series: PlotSeries, output: String?)
    /// `snapshot "a"`.
    case snapshot(name: String)
    /// `snapshots`.
    case snapshots
    /// `restore "a"`.
    case restore(name: String)
    /// `diff "a" "b"`, or `diff "a"` against the current vector.
    case diff(String, String?)
    /// `undo`.
    case undo
    /// `save prompt "dir"`.
    case savePrompt(dir: String)
    /// `record "session.ptscript"`.
    case record(path: String)
    /// `record stop`.
    case recordStop
    /// `history`.
    case history
    /// `history save "file.ptscript"`.
    case historySave(path: String)
    /// `run "other.ptscript"`.
    case run(path: String)
    /// `help` or `help topic`.
    case help(topic: String?)
    /// `quit`.
    case quit
}

/// A checked statement ready to execute: the command, its statement and source range.
public struct CommandStatement: Sendable, Equatable {
    /// The typed command.
    public let command: Command
    /// The catalog entry it came from.
    public let spec: CommandSpec
    /// The statement as parsed (comments included, for step-through).
    public let statement: Statement
    /// The statement's range.
    public var range: SourceRange { statement.range }

    /// Statements compare by command and position.
    public static func == (a: CommandStatement, b: CommandStatement) -> Bool {
        a.command == b.command && a.statement == b.statement
    }
}
