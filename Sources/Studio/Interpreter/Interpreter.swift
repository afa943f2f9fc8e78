import Foundation
import PTScript
import Terminal

/// Runs ptune source text against a session: the one `run(source)` behind the REPL, `ptune run`,
/// `-e` and `run "file"` (Crafting Interpreters). Checks everything first; a source with errors
/// does not start. Each command's failure is reported with its location and later commands run.
public final class Interpreter {
    /// The session commands act on.
    public let session: Session
    /// Where output goes.
    public let console: Console
    /// Draws diagnostics for a terminal.
    let renderer: DiagnosticRenderer

    /// How one `run` ended.
    public struct Outcome: Sendable, Equatable {
        /// Commands that ran and succeeded.
        public var succeeded = 0
        /// Commands that ran and failed.
        public var failed = 0
        /// True when checking found errors and nothing ran.
        public var rejected = false
        /// True when the source needs more lines (an open string) — the REPL asks for them.
        public var incomplete = false
        /// True when a `quit` ran.
        public var quit = false
        /// True when nothing failed and nothing was rejected.
        public var ok: Bool { failed == 0 && !rejected }
    }

    /// Creates an interpreter over a session.
    public init(session: Session, console: Console) {
        self.session = session
        self.console = console
        self.renderer = DiagnosticRenderer(colors: console.color)
    }

    /// The checker's view of this session: a REPL line after `load` may `ask` without its own `load`.
    public func checkContext(fileChecks: Bool) -> CheckContext {
        var context = CheckContext(modelLoaded: session.model != nil, knownSnapshots: session.tuning.snapshots.names)
        // `init "text"` longer than an explicit num_virtual_tokens is cut: the checker can say so
        // only with the loaded model's tokenizer.
        if let tokenizer = session.model?.tokenizer {
            context.tokenCount = { @Sendable text in tokenizer.encode(text).count }
        }
        context.virtualTokens = session.settings.changed.contains { $0.0.name == "num_virtual_tokens" }
            ? session.settings.int("num_virtual_tokens") : nil
        if fileChecks {
            let base = session.baseDirectory
            context.fileExists = { @Sendable path in
                let full = path.hasPrefix("/") ? path : base + "/" + path
                return FileManager.default.fileExists(atPath: NSString(string: full).expandingTildeInPath)
            }
        }
        return context
    }

    /// Parses, checks and runs `text`. With `allowIncomplete`, an unfinished string or statement
    /// returns `.incomplete` instead of an error (the REPL then reads a continuation line).
    @discardableResult
    public func run(_ text: String, name: String = "<input>", allowIncomplete: Bool = false) -> Outcome {
        let checked = Checker.check(text, name: name, context: checkContext(fileChecks: false))
        var outcome = Outcome()
        if allowIncomplete && checked.isIncomplete {
            outcome.incomplete = true
            return outcome
        }
        report(checked.diagnostics.filter { $0.severity != .error }, in: checked.script)
        if checked.hasErrors {
            report(checked.diagnostics.filter { $0.severity == .error }, in: checked.script)
            outcome.rejected = true
            return outcome
        }
        for statement in checked.commands {
            if Interrupts.isRequested { break }
            let ok = execute(statement, in: checked.script.source, outcome: &outcome)
            if ok { outcome.succeeded += 1 } else { outcome.failed += 1 }
            if outcome.quit { break }
        }
        return outcome
    }

    // MARK: - One command

    /// Runs one checked command and prints its result; false when it failed.
    func execute(_ statement: CommandStatement, in source: SourceFile, outcome: inout Outcome) -> Bool {
        let name = statement.spec.name
        do {
            let result = try perform(statement.command, statement: statement)
            if !result.human.isEmpty { console.line(result.human) }
            console.json(.object([("command", .string(name)), ("ok", true)] + result.fields))
            if result.quits { outcome.quit = true }
            noteExecuted(statement, in: source, failure: nil)
            return true
        } catch {
            let failure = CommandFailure(error)
            let diagnostic = Diagnostic(.commandFailed(failure.message), at: statement.range)
            fail(name, diagnostic, in: source)
            noteExecuted(statement, in: source, failure: failure.message)
            return false
        }
    }

    /// Reports diagnostics: rendered on stderr for people, one JSON object each in JSON mode.
    func report(_ diagnostics: [Diagnostic], in script: Script) {
        for diagnostic in diagnostics {
            if console.mode == .json && diagnostic.severity == .error {
                let command = commandName(at: diagnostic.range, in: script)
                console.json(errorObject(command, diagnostic))
            } else {
                console.errorStream(renderer.render(diagnostic, in: script.source) + "\n")
            }
        }
    }

    private func fail(_ command: String, _ diagnostic: Diagnostic, in source: SourceFile) {
        if console.mode == .json {
            console.json(errorObject(command, diagnostic))
        } else {
            console.errorStream(renderer.render(diagnostic, in: source) + "\n")
        }
    }

    private func errorObject(_ command: String, _ diagnostic: Diagnostic) -> JSONValue {
        let json = diagnostic.jsonObject
        return .object([
            ("command", .string(command)), ("ok", false),
            ("error", .object([
                ("message", .string(json.message)), ("line", .int(json.line)), ("column", .int(json.column)),
                ("id", .string(json.id)), ("severity", .string(json.severity)),
            ])),
        ])
    }

    /// The command word of the statement that holds a diagnostic (for JSON error objects).
    private func commandName(at range: SourceRange, in script: Script?) -> String {
        let offset = range.start.utf8Offset
        let statement = script?.statements.first {
            $0.range.start.utf8Offset <= offset && offset <= max($0.range.end.utf8Offset, $0.range.start.utf8Offset)
        }
        return statement?.name ?? ""
    }
}
