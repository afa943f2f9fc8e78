import Foundation
import PTScript
import Studio
import Terminal

/// `ptune run --step lesson.ptscript`: each command is shown with the comment lines above it (the
/// lesson's narration; `## …` lines as headings) and runs when the person presses Enter. `s` skips
/// it, `q` ends the lesson, `r` opens the REPL at this point and `continue` comes back. When stdin
/// is not a terminal (a pipe, a test) nothing waits: the narration is shown and every command runs.
struct StepThrough {
    let interpreter: Interpreter
    let console: Console
    let color: Bool

    /// What the person chose for one command.
    enum Choice { case run, skip, quit, openREPL }

    func run(_ checked: CheckedScript) -> Interpreter.Outcome {
        let interactive = isatty(STDIN_FILENO) == 1
        let style = TerminalStyle(enabled: color && console.mode == .human && isatty(STDOUT_FILENO) == 1)
        let keys = PlainLineReader(fileDescriptor: STDIN_FILENO, promptOutput: StandardStreamWriter.standardError)
        let source = checked.script.source
        var outcome = Interpreter.Outcome.nothingRan

        for command in checked.commands {
            if Interrupts.isRequested { break }
            show(command.statement.leadingComments, style: style)
            let commandLine = style.cyan(REPL.prompt) + source.text(in: command.range)
            say(commandLine)
            var choice = Choice.run
            while interactive {
                choice = ask(keys)
                guard choice == .openREPL else { break }
                say(style.dim("REPL at this step: the session is as the lesson left it; 'continue' goes back."))
                let ending = REPL(interpreter: interpreter, console: console, color: color, leaveWord: "continue").run()
                Interrupts.install(terminateOutsideWork: true)
                if ending == .quit { choice = .quit; break }
                say(commandLine)
            }
            switch choice {
            case .quit:
                outcome.quit = true
                return outcome
            case .skip:
                say(style.dim("(skipped)"))
                continue
            case .run, .openREPL:
                outcome.add(interpreter.execute(command, of: checked))
            }
            if outcome.quit { return outcome }
        }
        // Comments after the last command close the lesson.
        let lastLine = checked.commands.last?.statement.range.end.line ?? 0
        show(checked.script.comments.filter { $0.range.start.line > lastLine }, style: style)
        return outcome
    }

    // MARK: - Showing

    /// Narration lines; `## text` is a heading, the replay header's fact lines are left out.
    private func show(_ comments: [Comment], style: TerminalStyle) {
        let shown = comments.filter { !ReplayHeader.isFactLine($0.text) }
        guard !shown.isEmpty else { return }
        say("")
        for comment in shown {
            if comment.text.hasPrefix("#") {
                let heading = comment.text.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
                say(style.bold(style.underline(heading)))
            } else {
                say(comment.text.isEmpty ? "" : "  " + comment.text)
            }
        }
    }

    /// A line for the person: stdout in human mode; stderr in JSON mode, which keeps stdout for JSON.
    private func say(_ text: String) {
        if console.mode == .human { console.line(text) } else { console.note(text) }
    }

    // MARK: - Asking

    private func ask(_ keys: PlainLineReader) -> Choice {
        while true {
            switch keys.readLine(prompt: "  [Enter] run · s skip · r REPL · q quit › ") {
            case .endOfInput, .interrupted:
                return .quit
            case .line(let raw):
                switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
                case "": return .run
                case "s", "skip": return .skip
                case "q", "quit": return .quit
                case "r", "repl": return .openREPL
                default: console.note("  Enter runs the command; s skips it, r opens the REPL, q ends the lesson")
                }
            }
        }
    }
}
