import PTScript

extension Interpreter {
    /// Runs one checked command on the session. Each case calls the handler of its command group
    /// (Handlers/); every handler either returns an outcome or throws without changing the session.
    func perform(_ command: Command, statement: CommandStatement) throws -> CommandOutcome {
        switch command {
        // Model and text
        case .load(let path): return try load(path: path)
        case .showModel: return try showModel()
        case .tokens(let text, let verbalized): return try tokens(text, verbalized: verbalized)
        case .next(let text, let count): return try next(text, count: count)
        case .ask(let input): return try ask(input)
        // Pairs
        case .pairsFile(let path): return try pairsFile(path)
        case .pairsAdd(let input, let output): return pairsAdd(input: input, output: output)
        case .pairsList: return try pairsList()
        case .pairsClear: return pairsClear()
        case .pairsSplit(let fraction): return try pairsSplit(fraction)
        // Prompt vector and training
        case .initText(let text): return try initText(text)
        case .initRandom(let count): return try initRandom(count)
        case .initVocab(let count): return try initVocab(count)
        case .initShow: return try initShow()
        case .train(let count, let unit): return try train(count: count, unit: unit)
        case .eval: return try eval()
        case .savePrompt(let dir): return try savePrompt(dir)
        case .loadPrompt(let dir): return try loadPrompt(dir)
        // Session
        case .set(let key, let value): return try set(key, value)
        case .showSettings: return showSettings()
        case .help(let topic): return help(topic)
        case .quit: return CommandOutcome(quits: true)
        // Commands of later milestones add their cases above this line, one group per handler file.
        // Scripts: recording, history, scripts that run scripts
        case .record(let path): return try record(path)
        case .recordStop: return try recordStop()
        case .history: return historyList()
        case .historySave(let path): return try historySave(path)
        case .run(let path): return try runScript(path)
        // Teaching views
        case .nearest(let count): return try nearest(count)
        case .drift: return try drift()
        case .map(let output): return try map(to: output)
        case .compare(let input): return try compare(input)
        // Teaching views: plots, snapshots, preview (the live lens runs inside train)
        case .plot(let series, let output): return try plot(series, to: output)
        case .snapshot(let name): return try snapshot(name)
        case .snapshots: return listSnapshots()
        case .restore(let name): return try restore(name)
        case .diff(let a, let b): return try diff(a, b)
        case .undo: return try undo()
        case .preview: return try preview()
        default:
            throw CommandFailure("'\(statement.spec.name)' is part of the language but not available in this build of ptune yet")
        }
    }
}
