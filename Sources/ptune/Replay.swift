import Foundation
import PTScript
import Studio
import Terminal

/// How `ptune run` replays a script: straight through, up to a line, or step by step.
struct ReplayOptions {
    /// Stop after the command on this line (1-based) and open the REPL.
    var until: Int?
    /// Open the REPL when the script ends.
    var repl = false
    /// Show each command with its comments and wait before running it.
    var step = false
}

extension FrontEnd {
    /// `ptune run FILE [--until LINE] [--repl] [--step]`: checks the script, warns about anything in
    /// its replay header that differs here, then runs it the way the options ask.
    func replay(_ path: String, options: ReplayOptions) throws -> Interpreter.Outcome {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "is not readable UTF-8 text" : "does not exist"
            FileHandle.standardError.write(Data("ptune: script '\(path)' \(reason)\n".utf8))
            throw ExitCodeError.failure
        }
        Interrupts.install(terminateOutsideWork: true)
        interpreter.beginScript(at: path)
        let checked = interpreter.checkScript(text, name: path)
        guard interpreter.reportDiagnostics(of: checked) else {
            console.note("ptune: \(path) has errors; nothing was run")
            var outcome = Interpreter.Outcome.nothingRan
            outcome.rejected = true
            return outcome
        }
        for warning in interpreter.replayWarnings(for: checked, scriptAt: path) {
            console.note("ptune: warning: \(warning)")
        }

        if options.step {
            let outcome = StepThrough(interpreter: interpreter, console: console, color: colorErrors).run(checked)
            if options.repl && !outcome.quit { openREPL() }
            return outcome
        }
        let stop = options.until ?? Int.max
        let (before, after) = (checked.commands.filter { $0.range.start.line <= stop },
                               checked.commands.filter { $0.range.start.line > stop })
        var outcome = runCommands(before, of: checked)
        if outcome.quit || Interrupts.isRequested { return outcome }
        if options.until != nil {
            console.note("stopped after line \(stop) of \(path)"
                + (after.isEmpty ? "" : "; 'continue' runs the remaining \(after.count) command\(after.count == 1 ? "" : "s")"))
            let ending = REPL(interpreter: interpreter, console: console, color: colorErrors,
                              leaveWord: after.isEmpty ? nil : "continue").run()
            guard ending == .left else { return outcome }
            outcome.add(runCommands(after, of: checked))
            if outcome.quit { return outcome }
        }
        if options.repl { openREPL() }
        return outcome
    }

    /// Runs commands in order until one quits or ^C stops the run.
    private func runCommands(_ commands: [CommandStatement], of checked: CheckedScript) -> Interpreter.Outcome {
        var outcome = Interpreter.Outcome.nothingRan
        for command in commands {
            if Interrupts.isRequested { break }
            outcome.add(interpreter.execute(command, of: checked))
            if outcome.quit { break }
        }
        return outcome
    }

    private func openREPL() {
        REPL(interpreter: interpreter, console: console, color: colorErrors).run()
    }
}
