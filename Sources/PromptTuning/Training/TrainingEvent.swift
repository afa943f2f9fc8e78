/// One applied update, for progress displays.
public struct StepProgress: Sendable, Equatable {
    /// The session-wide step number (1-based; counts skipped updates too).
    public var step: Int
    /// This step's place within the current `train` call (1-based).
    public var index: Int
    /// Steps this `train` call will take.
    public var total: Int
    /// The loss before this update (the forward that produced its gradient).
    public var loss: Float
    /// Mean loss of the last (up to) 10 applied updates.
    public var runningMean: Float
    /// Wall-clock seconds per step so far in this call (display only; no result depends on it).
    public var secondsPerStep: Double
    /// Estimated seconds left in this call.
    public var etaSeconds: Double
    /// The epoch this step belongs to (1-based).
    public var epoch: Int
}

/// An update that was not applied because something was not finite.
public struct SkippedUpdate: Sendable, Equatable, CustomStringConvertible {
    /// The session-wide step number.
    public var step: Int
    /// The pair that gave a non-finite loss, when one can be named.
    public var pairIndex: Int?
    /// Where that pair came from.
    public var location: PairLocation?
    /// What was not finite.
    public var reason: String

    /// One line for the user.
    public var description: String {
        var text = "step \(step) skipped: \(reason)"
        if let pairIndex {
            text += " at pair \(pairIndex + 1)"
            if let location { text += " (\(location))" }
        }
        return text + "; the last good prompt is kept"
    }
}

/// What the trainer reports while it runs.
public enum TrainingEvent: Sendable, Equatable {
    /// An update was applied.
    case step(StepProgress)
    /// An update was skipped (NaN/Inf guard).
    case skipped(SkippedUpdate)
}

/// One entry of the loss history.
public struct LossRecord: Sendable, Codable, Equatable {
    /// Session-wide step number.
    public var step: Int
    /// The loss before that update.
    public var loss: Float
}

/// What a `train` call did.
public struct TrainingSummary: Sendable, Equatable {
    /// Updates applied.
    public var applied: Int
    /// Updates skipped by the NaN/Inf guard.
    public var skipped: Int
    /// The call ended early because `shouldStop` returned true.
    public var stopped: Bool
    /// Loss before the first applied update of this call.
    public var firstLoss: Float?
    /// Loss before the last applied update of this call.
    public var lastLoss: Float?
}
