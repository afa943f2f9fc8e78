import Foundation
import PTScript
import Testing

/// What FuzzPTScript found: a line of a few thousand bytes full of invalid characters (NULs) gave
/// one diagnostic per character, and each rendered the whole line again, with a column found by
/// counting from the line's start — quadratic, 2–3 s for a 2 KB input under the fuzzer. Snippets of
/// long lines are now a window around the diagnostic, and the lexer no longer recounts a line to
/// place an invalid token. These tests pin the shapes, not a time. The two inputs are kept in
/// Tests/Fixtures/fuzz-regressions, not in the fuzz seed corpus: at ~0.3 s an execution in the
/// fuzz build, libFuzzer's mutations of them took most of the CI smoke's 10 s (671 executions
/// against 3,527 without them).
@Suite("Diagnostics on long lines: windowed snippets, visible control characters")
struct LongLineRenderingTests {
    /// Everything the fuzz target does with a text, returning the rendered diagnostics.
    func pipeline(_ text: String) -> (diagnostics: [Diagnostic], rendered: String) {
        let source = SourceFile(name: "f.ptscript", text: text)
        _ = Lexer.tokenize(source)
        let checked = Checker.check(Parser.parse(source), context: CheckContext(modelLoaded: false))
        let rendered = DiagnosticRenderer().render(checked.diagnostics, in: source)
        _ = Parser.isIncomplete(text)
        _ = Completer.complete(text: text, cursorUTF8Offset: text.utf8.count / 2, context: CompletionContext(snapshots: []))
        return (checked.diagnostics, rendered)
    }

    @Test("a long line of invalid bytes renders in size linear in its diagnostics")
    func manyDiagnosticsOnOneLine() {
        let text = "ask " + String(repeating: "\u{0}x\u{0}\u{0} ", count: 1_000) + "\n"  // 5 KB, one line
        let (diagnostics, rendered) = pipeline(text)
        #expect(diagnostics.count >= 1_000)
        // each diagnostic: a header, a window of at most ~160 bytes (+ "…" markers) and a caret line
        let perDiagnostic = Double(rendered.utf8.count) / Double(diagnostics.count)
        #expect(perDiagnostic < 700, "\(perDiagnostic) bytes per diagnostic: the whole line is repeated")
        #expect(!rendered.contains("\u{0}"), "a raw NUL reached the output")
    }

    @Test("the inputs the fuzzer reported render in bounded size", arguments: [1, 2])
    func fuzzInputs(number: Int) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/fuzz-regressions/long-line-of-invalid-bytes-\(number).bin")
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let (diagnostics, rendered) = pipeline(text)
        #expect(!diagnostics.isEmpty)
        #expect(Double(rendered.utf8.count) / Double(diagnostics.count) < 700)
    }

    @Test("a long line shows a window around the diagnostic, the caret under it, the true column in the header")
    func windowedSnippet() {
        let words = String(repeating: "word ", count: 60)  // 300 bytes before the bad character
        let text = "ask " + words + "@ " + words + "\n"
        let (diagnostics, rendered) = pipeline(text)
        let at = try! #require(diagnostics.first { $0.range.start.column == 4 + 300 + 1 })
        let lines = DiagnosticRenderer().render(at, in: SourceFile(name: "f.ptscript", text: text)).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("f.ptscript:1:305: error:"))
        let shown = String(lines[1]), caret = String(lines[2])
        #expect(shown.contains("…"))
        #expect(shown.utf8.count < 220, "the whole \(text.utf8.count)-byte line was shown")
        // the caret's column in the caret line is the '@' column in the shown line
        let shownScalars = Array(shown.unicodeScalars), caretScalars = Array(caret.unicodeScalars)
        let caretColumn = try! #require(caretScalars.firstIndex(of: "^"))
        #expect(shownScalars[caretColumn] == "@", "caret under '\(shownScalars[caretColumn])'")
        #expect(rendered.contains("f.ptscript:1:305"))
    }

    @Test("short lines are shown whole, with control characters as their pictures")
    func controlCharacters() {
        let text = "ask \u{1B}[31m \u{0}\n"
        let (_, rendered) = pipeline(text)
        #expect(!rendered.contains("\u{1B}"), "an escape from the script reached the terminal")
        #expect(rendered.contains("ask ␛[31m ␀"))
        // the caret still lines up: one picture per control character
        let lines = rendered.split(separator: "\n")
        if let snippet = lines.firstIndex(where: { $0.contains("ask ␛") }) {
            let shown = Array(lines[snippet].unicodeScalars), caret = Array(lines[snippet + 1].unicodeScalars)
            let column = try! #require(caret.firstIndex(of: "^"))
            #expect(shown[column] == "␛")
        }
    }
}

@Suite("Diagnostic messages that quote the script")
struct QuotedControlCharacterTests {
    @Test("a message quoting a string with escape sequences prints them as pictures")
    func headerHasNoRawControlCharacters() {
        let text = "set decoding \"\u{1B}[31mred\"\nshow \"\u{1B}[2J\tx\"\nload \"a\u{1B}]0;title\u{07}b.gguf\" extra\n"
        let source = SourceFile(name: "f.ptscript", text: text)
        let checked = Checker.check(Parser.parse(source), context: CheckContext(modelLoaded: false))
        #expect(checked.diagnostics.count == 3)
        let rendered = DiagnosticRenderer().render(checked.diagnostics, in: source)
        #expect(!rendered.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F },
                "a raw control character reached the output: \(rendered.debugDescription)")
        // the header still quotes the value, pictured
        #expect(rendered.contains("found string \"\u{241B}[31mred\""))
        #expect(rendered.contains("found string \"\u{241B}[2J\u{2409}x\""))
    }
}
