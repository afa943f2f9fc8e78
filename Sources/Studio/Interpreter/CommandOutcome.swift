/// What a handler produced: human text (already streamed parts excluded) and the fields of the
/// command's JSON object (after `command` and `ok`).
public struct CommandOutcome: Sendable {
    /// Text printed for a person in human mode; empty when the handler streamed its output.
    public var human: String
    /// The JSON fields, in order.
    public var fields: [(String, JSONValue)]
    /// True for `quit`: the interpreter stops after this command.
    public var quits: Bool

    /// Creates an outcome.
    public init(human: String = "", fields: [(String, JSONValue)] = [], quits: Bool = false) {
        self.human = human
        self.fields = fields
        self.quits = quits
    }
}
