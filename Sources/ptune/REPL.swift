import Foundation
import PTScript
import Studio
import Terminal

/// The read–check–run loop. Each line is checked before it runs; an open string or statement
/// continues on the next line; lines pasted from a transcript lose their `ptune> ` prompt.
struct REPL {
    let interpreter: Interpreter
    let console: Console
    let color: Bool
    /// A word that leaves this REPL and returns to what opened it (`continue` in a step-through).
    var leaveWord: String? = nil
    /// The snapshot names completion offers inside `restore "…"` and `diff "…"`: the session's, as
    /// the checker sees them (`Interpreter.checkContext`), so both always agree.
    var snapshotNames: () -> [String]

    /// How a REPL session ended.
    enum Ending { case quit, endOfInput, left }

    static let prompt = "ptune> "
    static let continuation = "   ... "

    init(interpreter: Interpreter, console: Console, color: Bool, leaveWord: String? = nil) {
        self.interpreter = interpreter
        self.console = console
        self.color = color
        self.leaveWord = leaveWord
        self.snapshotNames = { interpreter.checkContext(fileChecks: false).knownSnapshots }
    }

    @discardableResult
    func run() -> Ending {
        Interrupts.install()
        let snapshots = snapshotNames
        let editor = LineEditorFactory.make(
            historyPath: Studio.ModelCache.historyPath,
            completion: { line, cursor in REPL.complete(line, cursor, snapshots: snapshots()) },
            highlighter: color ? { REPL.highlight($0) } : nil)
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive && console.mode == .human {
            console.note("ptune — prompt tuning studio. 'help' lists commands, 'quit' or ^D leaves.")
        }
        var buffer = ""
        var ending = Ending.endOfInput
        loop: while true {
            let prompt = buffer.isEmpty ? paint(Self.prompt) : paint(Self.continuation)
            switch editor.readLine(prompt: prompt) {
            case .interrupted:
                buffer = ""
                Interrupts.clear()
                continue
            case .endOfInput:
                if !buffer.isEmpty { interpreter.run(buffer, name: "<repl>") }
                break loop
            case .line(let raw):
                // From here on a ^C is aimed at this line's work (whileRunning keeps it); anything
                // older (a signal sent while the prompt was up) is not.
                Interrupts.clear()
                let line = Self.stripPastedPrompt(raw)
                buffer += buffer.isEmpty ? line : "\n" + line
                if buffer.trimmingCharacters(in: .whitespaces).isEmpty { buffer = ""; continue }
                if let leaveWord, buffer.trimmingCharacters(in: .whitespaces) == leaveWord { ending = .left; break loop }
                let outcome = interpreter.run(buffer, name: "<repl>", allowIncomplete: true)
                if outcome.incomplete { continue }
                editor.addHistory(buffer)
                editor.saveHistory()
                buffer = ""
                Interrupts.clear()
                if outcome.quit { ending = .quit; break loop }
            }
        }
        editor.saveHistory()
        return ending
    }

    /// A line copied from a transcript starts with the prompt; drop it.
    static func stripPastedPrompt(_ line: String) -> String {
        for prefix in [prompt, continuation, "ptune>"] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        return line
    }

    private func paint(_ text: String) -> String {
        color ? "\u{1B}[1;36m" + text + "\u{1B}[0m" : text
    }

    /// Tab completion from the command catalog, with the session's snapshot names.
    static func complete(_ line: String, _ cursor: Int, snapshots: [String] = []) -> (replaceFromUTF8: Int, candidates: [String]) {
        let context = CompletionContext(snapshots: snapshots, listDirectory: { @Sendable directory in
            let path = directory.isEmpty ? "." : NSString(string: directory).expandingTildeInPath
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.sorted().map { name in
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                return DirectoryEntry(name: name, isDirectory: isDirectory.boolValue)
            }
        })
        let result = Completer.complete(text: line, cursorUTF8Offset: cursor, context: context)
        return (result.replacementStart, result.candidates.map(\.text))
    }

    // MARK: - Colour

    /// The accepted line re-echoed with colour: a known command word bold, an unknown one red,
    /// strings green, numbers yellow, connectors and comments dim.
    static func highlight(_ line: String) -> String {
        let source = SourceFile(text: line)
        let tokens = Lexer.tokenize(source).tokens
        var out = ""
        var written = 0
        var atStatementStart = true
        func append(upTo offset: Int) { out += source.text(written, offset); written = offset }
        func paint(_ token: Token, _ style: String) {
            append(upTo: token.range.start.utf8Offset)
            out += style + token.lexeme + "\u{1B}[0m"
            written = token.range.end.utf8Offset
        }
        for token in tokens {
            for comment in token.leadingComments {
                append(upTo: comment.range.start.utf8Offset)
                out += "\u{1B}[2m" + source.text(in: comment.range) + "\u{1B}[0m"
                written = comment.range.end.utf8Offset
            }
            switch token.kind {
            case .word where atStatementStart:
                paint(token, Commands.named(token.lexeme) == nil ? "\u{1B}[31m" : "\u{1B}[1m")
            case .string: paint(token, "\u{1B}[32m")
            case .number: paint(token, "\u{1B}[33m")
            case .arrow: paint(token, "\u{1B}[2m")
            case .invalid: paint(token, "\u{1B}[31m")
            default: break
            }
            atStatementStart = token.kind == .semicolon || token.kind == .newline
        }
        append(upTo: source.utf8.count)
        return out
    }
}
