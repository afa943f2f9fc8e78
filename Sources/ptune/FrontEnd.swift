import Foundation
import PTScript
import Studio
import Terminal

/// Builds the session, console and interpreter for one process, and runs them the way each
/// entry point needs: inline text, a file, a check, or the interactive loop.
struct FrontEnd {
    let console: Console
    let interpreter: Interpreter
    let colorErrors: Bool

    init(options: GlobalOptions) {
        let colorAllowed = !options.noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        colorErrors = colorAllowed && isatty(STDERR_FILENO) == 1
        console = Console(mode: options.json ? .json : .human, color: colorErrors)
        interpreter = Interpreter(session: Session(), console: console)
    }

    /// `ptune -e '…'`.
    func runText(_ text: String, name: String) -> Interpreter.Outcome {
        Interrupts.install(terminateOutsideWork: true)
        return interpreter.run(text, name: name)
    }

    /// `ptune check FILE…`: every diagnostic of every file; true when none is an error.
    func check(_ paths: [String]) -> Bool {
        var ok = true
        let renderer = DiagnosticRenderer(colors: colorErrors)
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                FileHandle.standardError.write(Data("ptune: cannot read '\(path)'\n".utf8))
                ok = false
                continue
            }
            let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var context = CheckContext()
            context.fileExists = { @Sendable file in
                let full = file.hasPrefix("/") ? file : base + "/" + file
                return FileManager.default.fileExists(atPath: NSString(string: full).expandingTildeInPath)
            }
            let checked = Checker.check(text, name: path, context: context)
            if checked.hasErrors { ok = false }
            for diagnostic in checked.diagnostics {
                if console.mode == .json {
                    let d = diagnostic.jsonObject
                    console.json(.object([
                        ("file", .string(path)), ("line", .int(d.line)), ("column", .int(d.column)),
                        ("severity", .string(d.severity)), ("id", .string(d.id)), ("message", .string(d.message)),
                    ]))
                } else {
                    FileHandle.standardError.write(Data((renderer.render(diagnostic, in: checked.script.source) + "\n").utf8))
                }
            }
        }
        return ok
    }

    /// The interactive loop (libedit on a terminal, plain lines from a pipe).
    func repl() {
        REPL(interpreter: interpreter, console: console, color: colorErrors).run()
    }
}

/// A failure already reported on stderr; exits with status 1.
enum ExitCodeError: Error { case failure }
