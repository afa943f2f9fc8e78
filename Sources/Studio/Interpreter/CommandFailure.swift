/// The one error a handler throws when a checked command cannot run: a one-line message for a
/// person. The interpreter attaches the statement's location and turns it into a diagnostic
/// (`PT0050`), so nothing formats an error where it is detected.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    /// The message, e.g. "file 'data.jsonl' does not exist".
    public let message: String

    /// Creates a failure with a message.
    public init(_ message: String) { self.message = message }

    /// Wraps any error: typed errors from lower modules already print one clear line.
    public init(_ error: any Error) {
        if let failure = error as? CommandFailure { self = failure; return }
        self.message = String(describing: error)
    }

    public var description: String { message }
}
