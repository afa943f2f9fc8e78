import PromptTuning

/// Everything `restore` and `undo` put back: the prompt vector, where it started, the optimizer
/// state (moments, step, shuffling position) and the per-step history. Pairs and settings are not
/// part of it: they belong to the session, not to one vector.
public struct TuningCheckpoint: Sendable, Equatable {
    /// The prompt vector, if there was one.
    public var prompt: PromptVector?
    /// The vector `init` made (drift is measured from it).
    public var initialPrompt: PromptVector?
    /// Optimizer state and step count.
    public var training: TrainingState?
    /// Per-step history.
    public var history: TrainingHistory

    /// Updates made on the vector.
    public var step: Int { training?.step ?? 0 }
}

/// A named checkpoint (`snapshot "name"`), with the settings in force when it was taken so
/// `snapshots` can say what differs now.
public struct Snapshot: Sendable {
    /// The name given by the user.
    public var name: String
    /// The saved state.
    public var checkpoint: TuningCheckpoint
    /// The settings when it was taken.
    public var settings: SettingsStore
}

/// One entry of the undo stack: the state before a command and what that command was.
public struct UndoEntry: Sendable {
    /// The command that changed the state, in words ("train 20", "init random 8").
    public var action: String
    /// The state before it.
    public var checkpoint: TuningCheckpoint
}

/// The session's named snapshots (in the order taken) and its bounded undo stack.
public struct SnapshotStore: Sendable {
    /// How many undo steps are kept; older ones are forgotten first.
    public static let undoLimit = 20

    /// Snapshots in the order they were (last) taken.
    public private(set) var snapshots: [Snapshot] = []
    /// Undo entries, newest last.
    public private(set) var undoStack: [UndoEntry] = []

    /// An empty store.
    public init() {}

    /// The snapshot called `name`, if any.
    public func snapshot(named name: String) -> Snapshot? { snapshots.first { $0.name == name } }

    /// Names of all snapshots.
    public var names: [String] { snapshots.map(\.name) }

    /// Keeps `snapshot`, replacing one of the same name (which then moves to the end).
    public mutating func keep(_ snapshot: Snapshot) {
        snapshots.removeAll { $0.name == snapshot.name }
        snapshots.append(snapshot)
    }

    /// Pushes an undo entry, dropping the oldest beyond `undoLimit`.
    public mutating func pushUndo(_ entry: UndoEntry) {
        undoStack.append(entry)
        if undoStack.count > Self.undoLimit { undoStack.removeFirst(undoStack.count - Self.undoLimit) }
    }

    /// Removes and returns the newest undo entry.
    public mutating func popUndo() -> UndoEntry? { undoStack.popLast() }

    /// Drops snapshots and undo entries whose vector does not have `width` columns (a new model).
    mutating func keepOnly(width: Int) {
        func fits(_ c: TuningCheckpoint) -> Bool { c.prompt.map { $0.width == width } ?? true }
        snapshots.removeAll { !fits($0.checkpoint) }
        undoStack.removeAll { !fits($0.checkpoint) }
    }
}
