import Foundation
import Testing

// MARK: - The REPL in a terminal
//
// Starts the built `ptune` under a pseudo-terminal (so it picks the libedit editor) and types:
// Tab completion of a command and of a setting key, prefix history on ↑, a continuation line for
// an open string, an error caret with "did you mean", ^C clearing a line, `?`, and quit. Each
// step waits for the prompt and for raw mode before typing, so no key races the editor.
// Assertions look at what the typed line *did* (its output), not at libedit's partial redraws.

@Suite("REPL under a pty", .serialized, .enabled(if: CLI.binary != nil))
struct REPLPtyTests {
    @Test("completion, history, continuation, error caret, ^C and quit in one session")
    func session() throws {
        let repl = try REPLSession(binary: CLI.binary!)
        #expect(repl.waitForPrompt(), "no prompt: \(repl.transcript.debugDescription)")

        // A command name: `sho` + Tab becomes `show `; the rest of the line is typed after it.
        repl.type("sho\tsettings\r")
        let shown = repl.expect("ptune> ")
        #expect(shown?.contains("learning_rate") == true, "show settings did not run: \(shown.debugDescription)")
        #expect(repl.waitForRawMode())

        // A setting key after `set`.
        repl.type("set learning_r\t0.01\r")
        #expect(repl.expect("learning_rate = 0.01") != nil, "got \(repl.transcript.debugDescription)")
        #expect(repl.waitForPrompt())

        // Something else, so plain ↑ would recall it rather than the `set` line.
        repl.type("? train\r")
        #expect(repl.expect("train — ") != nil, "'? train' shows help for train: \(repl.transcript.debugDescription)")
        #expect(repl.waitForPrompt())

        // `set` + ↑ searches back for a line starting with `set`.
        repl.type("set\u{1B}[A\r")
        #expect(repl.expect("learning_rate = 0.01") != nil, "↑ after 'set' recalls the set line: \(repl.transcript.debugDescription)")
        #expect(repl.waitForPrompt())

        // An open string continues on the next line.
        repl.type("set verbalizer \"Q: {{input}}\r")
        #expect(repl.waitForPrompt("   ... "), "no continuation prompt: \(repl.transcript.debugDescription)")
        repl.type(" A:\"\r")
        #expect(repl.expect("verbalizer = \"Q: {{input}}\\n A:\"") != nil, "got \(repl.transcript.debugDescription)")
        #expect(repl.waitForPrompt())

        // A typo: caret under the word, and the suggestion.
        repl.type("trian 5\r")
        let error = repl.expect("did you mean 'train'?")
        #expect(error?.contains("trian 5") == true && error?.contains("^~~~~") == true,
                "caret under 'trian': \(error.debugDescription)")
        #expect(repl.waitForPrompt())

        // ^C drops the half-typed line (an open string) and the REPL goes on: if the line were
        // kept, `quit` would land inside the string instead of ending the session.
        repl.type("ask \"never sent")
        repl.type("\u{03}")
        #expect(repl.expect("^C") != nil)
        #expect(repl.waitForPrompt())
        repl.type("quit\r")
        let status = repl.waitForExit()
        #expect(status == 0, "exit status \(status.map(String.init) ?? "none (still running)"): \(repl.transcript.debugDescription)")

        // The history outlives the session.
        let history = (try? String(contentsOfFile: repl.home + "/history", encoding: .utf8)) ?? ""
        #expect(history.contains("set learning_rate 0.01") && history.contains("show settings"), "history file: \(history.debugDescription)")
        #expect(!history.contains("never sent"), "an interrupted line is not history")
    }

    @Test("with colour allowed, the prompt and errors are coloured; NO_COLOR turns it off")
    func colours() throws {
        let coloured = try REPLSession(binary: CLI.binary!, color: true)
        #expect(coloured.waitForPrompt())
        coloured.type("trian 5\r")
        let error = coloured.expect("did you mean")
        #expect(error?.contains("\u{1B}[1;31merror:") == true, "red 'error:': \(error.debugDescription)")
        #expect(coloured.transcript.contains("\u{1B}[1;36mptune> "), "cyan prompt: \(coloured.transcript.debugDescription)")
        #expect(coloured.waitForPrompt())
        coloured.type("quit\r")
        #expect(coloured.waitForExit() == 0)

        let plain = try REPLSession(binary: CLI.binary!)
        #expect(plain.waitForPrompt())
        plain.type("trian 5\r")
        #expect(plain.waitForPrompt())
        plain.type("quit\r")
        #expect(plain.waitForExit() == 0)
        #expect(plain.transcript.contains("did you mean 'train'?"))
        #expect(!plain.transcript.contains("\u{1B}[1;31m") && !plain.transcript.contains("\u{1B}[1;36m"),
                "NO_COLOR: \(plain.transcript.debugDescription)")
    }
}
