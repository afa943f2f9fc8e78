import Testing
@testable import PTScript

// MARK: - `?`, the short name of `help`
//
// `?` is a word to the lexer and an alias in the catalog, so the checker, completion, help and
// the LSP (which all look commands up through `Commands.named`) know it without special cases.

@Suite("? for help")
struct HelpShorthandTests {
    @Test("`?` lexes as a one-character word, also glued to the next word")
    func lexes() {
        let tokens = Lexer.tokenize(SourceFile(text: "? train\n?init")).tokens
        #expect(tokens.map(\.kind) == [.word, .word, .newline, .word, .word, .eof])
        #expect(tokens.map(\.lexeme) == ["?", "train", "\n", "?", "init", ""])
    }

    @Test("`?` and `? topic` check as help")
    func checks() {
        let checked = Checker.check("?\n? train\n? lr\n? settings")
        #expect(checked.diagnostics.isEmpty, "\(checked.diagnostics)")
        #expect(checked.commands.map(\.command) == [.help(topic: nil), .help(topic: "train"), .help(topic: "lr"), .help(topic: "settings")])
        #expect(checked.commands.allSatisfy { $0.spec.name == "help" })
        let typo = Checker.check("? trian")
        #expect(typo.diagnostics.map(\.id) == [DiagnosticKind.unknownHelpTopic.id])
        #expect(typo.diagnostics.first?.fixIts.first?.replacement == "train")
    }

    @Test("completion offers `?` as a command and help topics after it")
    func completes() {
        let atStart = Completer.complete(text: "?", cursorUTF8Offset: 1, context: CompletionContext())
        #expect(atStart.candidates.map(\.text) == ["?"])
        #expect(atStart.candidates.first?.detail == Commands.named("help")?.summary)
        let topic = Completer.complete(text: "? tra", cursorUTF8Offset: 5, context: CompletionContext())
        #expect(topic.candidates.map(\.text) == ["train"])
        #expect(topic.replacementStart == 2)
    }

    @Test("help mentions the shorthand; `help ?` explains help")
    func documented() throws {
        #expect(HelpRenderer.overview().contains("'?' is short for 'help'"))
        let help = try #require(HelpRenderer.topic("?"))
        #expect(help.hasPrefix("help — "))
        #expect(help.contains("Also written: ?"))
        #expect(HelpRenderer.markdown().contains("Also written `?`."))
    }

    @Test("command help lists each argument with what it accepts")
    func arguments() throws {
        let train = try #require(HelpRenderer.command("train"))
        #expect(train.contains("Arguments:\n  <count>   a whole number, at least 1"), "\(train)")
        let load = try #require(HelpRenderer.command("load"))
        #expect(load.contains("\"<path>\"") && load.contains("a file to read (.gguf)"), "\(load)")
        #expect(load.contains("a directory to read"), "\(load)")
        let set = try #require(HelpRenderer.command("set"))
        #expect(set.contains("<setting>") && set.contains("<value>"))
        #expect(HelpRenderer.argumentLines(try #require(Commands.named("quit"))).isEmpty)
    }
}
