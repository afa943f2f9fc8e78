import PTScript

extension Interpreter {
    /// Runs one checked command on the session. Each case calls the handler of its command group
    /// (Handlers/); every handler either returns an outcome or throws without changing the session.
    func perform(_ command: Command, statement: CommandStatement) throws -> CommandOutcome {
        switch command {
        case .load(let path): return try load(path: path)
        case .showModel: return try showModel()
        case .showSettings: return showSettings()
        case .set(let key, let value): return try set(key, value)
        case .tokens(let text): return try tokens(text)
        case .next(let text, let count): return try next(text, count: count)
        case .ask(let input): return try ask(input)
        case .help(let topic): return help(topic)
        case .quit: return CommandOutcome(quits: true)
        default:
            throw CommandFailure("'\(statement.spec.name)' is declared in the language but not available in this build of ptune yet")
        }
    }
}
