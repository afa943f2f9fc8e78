// MARK: - Checker
//
// Turns statements into typed commands using the catalog, and reports everything wrong before
// anything runs: per statement (unknown command, argument shape, values and ranges) and across
// the script (no `load` before a model command, unknown snapshots, missing files, code after
// `quit`). Every statement is checked, so independent errors are all reported in one pass.

/// Checks parsed scripts against the command catalog.
public enum Checker {
    /// Parses and checks source text.
    public static func check(_ text: String, name: String = "<input>", context: CheckContext = CheckContext()) -> CheckedScript {
        check(Parser.parse(SourceFile(name: name, text: text)), context: context)
    }

    /// Checks a parsed script.
    public static func check(_ script: Script, context: CheckContext = CheckContext()) -> CheckedScript {
        check(script, context: context, threads: nil)
    }

    /// `check(_:context:)` resolving statements on `threads` threads (nil: decided by length);
    /// the result never depends on it.
    static func check(_ script: Script, context: CheckContext, threads: Int?) -> CheckedScript {
        var state = ScriptState(context: context, source: script.source)
        var commands: [CommandStatement] = []
        commands.reserveCapacity(script.statements.count)  // no regrowth copies in a long script
        var diagnostics = script.diagnostics
        let resolutions = StatementResolution.resolveAll(script.statements, threads: threads)
        for index in script.statements.indices {
            let (command, found) = state.check(script.statements[index], resolutions[index])
            diagnostics += found
            if let command { commands.append(command) }
        }
        return CheckedScript(script: script, commands: commands, diagnostics: diagnostics.sortedByLocation())
    }
}

// MARK: - Script-level state

/// What earlier statements established: a model, snapshots, written files, a `quit`.
private struct ScriptState {
    let context: CheckContext
    let source: SourceFile
    var modelLoaded: Bool
    var reportedMissingModel = false
    var snapshots: [String]
    var writtenPaths: Set<String> = []
    var quitRange: SourceRange?
    var reportedUnreachable = false
    var virtualTokens: Int?

    init(context: CheckContext, source: SourceFile) {
        self.context = context
        self.source = source
        self.modelLoaded = context.modelLoaded
        self.snapshots = context.knownSnapshots
        self.virtualTokens = context.virtualTokens
    }

    /// The script-level half of checking `statement`, in script order, given its context-free
    /// `resolution` (see `StatementResolution`).
    mutating func check(_ statement: Statement, _ resolution: StatementResolution) -> (CommandStatement?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        if let quitRange, !reportedUnreachable {
            reportedUnreachable = true
            diagnostics.append(Diagnostic(.unreachableAfterQuit(), at: statement.range,
                                          notes: [DiagnosticNote(.quitIsHere(), at: quitRange)]))
        }
        if case .unknownCommand(let unknown) = resolution.outcome {
            diagnostics.append(unknown)
            return (nil, diagnostics)
        }
        guard let spec = resolution.spec else { return (nil, diagnostics) }
        if spec.name == "quit", quitRange == nil { quitRange = statement.range }
        // A `load` of a model establishes one even when its arguments are wrong, so one typo
        // does not also flag every later command.
        // A `run "file"` may load one too; what it does is checked when it runs.
        defer {
            if spec.name == "load", statement.arguments.first?.value != .word("prompt") { modelLoaded = true }
            if spec.name == "run" { modelLoaded = true }
        }
        switch resolution.outcome {
        case .unknownCommand, .malformed:
            return (nil, diagnostics)
        case .unmatched(_, let found):
            return (nil, diagnostics + found)
        case .resolved(_, let form, let bindings, let arguments, let found):
            diagnostics += found
            diagnostics += checkScriptLevel(statement, form: form, bindings: bindings)
            guard !diagnostics.hasErrors, let command = form.make(arguments) else { return (nil, diagnostics) }
            diagnostics += track(command, statement)
            return (CommandStatement(command: command, spec: spec, statement: statement), diagnostics)
        }
    }

    // MARK: Settings that later checks depend on

    // `set num_virtual_tokens N` makes later `init "text"` cut the text to N tokens. As in the
    // Studio (which asks whether the setting differs from its default), setting the default
    // value again counts as not set.
    private mutating func track(_ command: Command, _ statement: Statement) -> [Diagnostic] {
        switch command {
        case .set(let key, .integer(let n)) where key.name == "num_virtual_tokens":
            virtualTokens = key.defaultValue == .integer(n) ? nil : n
            return []
        case .initText(let text):
            guard let limit = virtualTokens, let count = context.tokenCount?(text), count > limit,
                  let argument = statement.arguments.first else { return [] }
            return [Diagnostic(.initTextCut(tokens: count, limit: limit), at: argument.range)]
        default:
            return []
        }
    }

    // MARK: Script-level checks

    private mutating func checkScriptLevel(_ statement: Statement, form: CommandForm, bindings: [Binding]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        if form.requiresModel, !modelLoaded, !reportedMissingModel {
            reportedMissingModel = true
            let lineStart = source.location(at: source.lineStarts[statement.range.start.line - 1])
            diagnostics.append(Diagnostic(
                .modelNotLoaded(command: statement.name), at: statement.nameRange,
                fixIts: [FixIt(message: NoteMessage.addLoad().text,
                               range: SourceRange(start: lineStart, end: lineStart), replacement: "load\n")]))
        }
        var defined: [String] = []
        for binding in bindings {
            guard case .string(_, let role) = binding.parameter, case .string(let value) = binding.argument.value else { continue }
            switch role {
            case .text:
                break
            case .snapshot(defines: true):
                defined.append(value)
            case .snapshot(defines: false):
                if !snapshots.contains(value) { diagnostics.append(unknownSnapshot(value, at: binding.argument.range)) }
            case .path(let path) where path.reads:
                if let exists = context.fileExists, !writtenPaths.contains(value), !exists(value) {
                    diagnostics.append(Diagnostic(.missingFile(path: value, isDirectory: path.isDirectory),
                                                  at: binding.argument.range))
                }
            case .path:
                writtenPaths.insert(value)
            }
        }
        snapshots += defined.filter { !snapshots.contains($0) }
        return diagnostics
    }

    private func unknownSnapshot(_ name: String, at range: SourceRange) -> Diagnostic {
        let fixIts = Suggestions.closest(to: name, in: snapshots).map {
            [FixIt(message: NoteMessage.didYouMean($0).text, range: range, replacement: "\"\($0)\"")]
        } ?? []
        return Diagnostic(.unknownSnapshot(name), at: range,
                          notes: [DiagnosticNote(.knownSnapshots(snapshots))], fixIts: fixIts)
    }
}
