// Drives the libedit editor through a pseudo-terminal, pressing real keys.
import Foundation
import Testing
@testable import Terminal

@Suite("LibEditLineEditor through a pty", .serialized)
struct LibEditLineEditorTests {
    /// A completion provider over a fixed word list: completes the word before the cursor.
    static let words = ["train", "trace", "tokens", "load"]
    static func complete(_ line: String, _ cursor: Int) -> (replaceFromUTF8: Int, candidates: [String]) {
        let head = Array(line.utf8.prefix(cursor))
        let start = (head.lastIndex(of: UInt8(ascii: " ")).map { $0 + 1 }) ?? 0
        let word = String(decoding: head[start...], as: UTF8.self)
        return (start, words.filter { $0.hasPrefix(word) })
    }

    func makeEditor(_ pty: PseudoTerminal, history: String? = nil) throws -> LibEditLineEditor {
        try #require(
            LibEditLineEditor(
                historyPath: history, completion: Self.complete,
                inputDescriptor: pty.slave, outputDescriptor: pty.slave, errorDescriptor: pty.slave))
    }

    @Test func acceptsATypedLineAndShowsThePrompt() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        let read = BackgroundRead(editor, prompt: "ptune> ")
        pty.readUntil { $0.contains("ptune> ") }
        #expect(pty.waitForRawMode())
        pty.type("ask \"héllo\"\r")
        #expect(read.wait() == .line("ask \"héllo\""))
    }

    @Test func tabInsertsCommonPrefixThenCompletesTheWord() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("tr\t")  // train / trace → "tra"
        pty.readUntil { $0.contains("tra") }
        pty.type("i\t")  // only "train" → "train "
        pty.readUntil { $0.hasSuffix("n ") }  // libedit redraws only the changed tail
        pty.type("5\r")
        #expect(read.wait() == .line("train 5"))
    }

    @Test func secondTabListsTheCandidates() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("t\t")  // tokens / train / trace share only "t": nothing to insert, beep
        pty.type("\t")  // second Tab lists
        let shown = pty.readUntil { $0.contains("tokens") && $0.contains("trace") }
        #expect(shown.contains("train") && shown.contains("trace") && shown.contains("tokens"), "got \(shown.debugDescription)")
        pty.type("o\t\r")
        #expect(read.wait() == .line("tokens "))
    }

    @Test func controlCDiscardsTheLineAndReportsInterrupted() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("half typed")
        pty.readUntil { $0.contains("half typed") }
        pty.type("\u{03}")
        let r = read.wait()
        #expect(r == .interrupted)
        // the editor stays usable: the next line reads normally
        let next = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("ok\r")
        #expect(next.wait() == .line("ok"))
    }

    @Test func controlDOnAnEmptyLineEndsInput() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("\u{04}")
        #expect(read.wait() == .endOfInput)
    }

    @Test func upArrowSearchesHistoryByPrefix() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        for line in ["train 5", "load", "tokens \"x\""] { editor.addHistory(line) }
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("tr")
        pty.readUntil { $0.contains("tr") }
        pty.type("\u{1B}[A\r")  // newest entry starting with "tr"
        #expect(read.wait() == .line("train 5"))
    }

    @Test func controlRFindsAnEarlierLine() throws {
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty)
        for line in ["pairs \"a.jsonl\"", "train 5", "load"] { editor.addHistory(line) }
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("\u{12}jsonl")
        pty.readUntil { $0.contains("a.jsonl") }
        pty.type("\r")
        #expect(read.wait() == .line("pairs \"a.jsonl\""))
    }

    @Test func historyPersistsAcrossEditors() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ptune-history-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let pty = try PseudoTerminal()
            let editor = try makeEditor(pty, history: path)
            editor.addHistory("load")
            editor.addHistory("load")
            editor.addHistory("train 3")
            editor.saveHistory()
        }
        let pty = try PseudoTerminal()
        let editor = try makeEditor(pty, history: path)
        #expect(editor.history.entries == ["load", "train 3"])
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("\u{1B}[A\u{1B}[A\r")
        #expect(read.wait() == .line("load"))
    }

    @Test func acceptedLineIsRedrawnWithTheHighlighterAndInterruptEchoesCaret() throws {
        let pty = try PseudoTerminal()
        let editor = try #require(
            LibEditLineEditor(
                historyPath: nil, highlighter: { "<" + $0 + ">" },
                inputDescriptor: pty.slave, outputDescriptor: pty.slave, errorDescriptor: pty.slave))
        let read = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("load\r")
        #expect(read.wait() == .line("load"))
        let shown = pty.readUntil { $0.contains("<load>") }
        #expect(shown.contains("\u{1B}[1A\r> <load>\u{1B}[K"), "got \(shown.debugDescription)")

        let second = BackgroundRead(editor, prompt: "> ")
        pty.readUntil { $0.contains("> ") }
        #expect(pty.waitForRawMode())
        pty.type("abc\u{1B}[D\u{1B}[D\u{03}")  // cursor back two places, then ^C
        #expect(second.wait() == .interrupted)
        let after = pty.readUntil { $0.contains("^C") }
        #expect(after.contains("bc^C"), "the rest of the line is echoed before ^C: \(after.debugDescription)")
    }
}
