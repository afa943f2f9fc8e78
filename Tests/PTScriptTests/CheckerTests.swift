import Testing
@testable import PTScript

// MARK: - Checker: typed commands and fix-its

@Suite("Checker")
struct CheckerTests {
    private func commands(_ text: String) -> [Command] {
        let checked = Checker.check(text, context: CheckContext(modelLoaded: true, knownSnapshots: ["a", "b"]))
        #expect(checked.diagnostics.isEmpty, "\(checked.diagnostics)")
        return checked.commands.map(\.command)
    }

    @Test("forms resolve to typed commands")
    func typed() throws {
        let lr = try #require(Settings.named("learning_rate"))
        let shuffle = try #require(Settings.named("shuffle"))
        #expect(commands("""
            load; load "m.gguf"; load prompt "d"
            pairs "p.jsonl"; pairs add "x" -> "y"; pairs; pairs clear; pairs split 0.25
            init "t"; init random; init vocab 8; init
            train; train 50; train 3 epochs; train 7 updates
            set lr 0.03; set shuffle off
            next "t"; next "t" 3; nearest; map to "m.svg"; plot norms; plot loss to "l.svg"
            diff "a" "b"; diff "a"; help; help lr; record stop; history save "h.ptscript"
            """) == [
                .load(path: nil), .load(path: "m.gguf"), .loadPrompt(dir: "d"),
                .pairsFile(path: "p.jsonl"), .pairsAdd(input: "x", output: "y"), .pairsList, .pairsClear, .pairsSplit(fraction: 0.25),
                .initText("t"), .initRandom(count: nil), .initVocab(count: 8), .initShow,
                .train(count: nil, unit: .epochs), .train(count: 50, unit: .updates), .train(count: 3, unit: .epochs),
                .train(count: 7, unit: .updates),
                .set(key: lr, value: .float(0.03)), .set(key: shuffle, value: .bool(false)),
                .next(text: "t", count: nil), .next(text: "t", count: 3), .nearest(count: nil), .map(output: "m.svg"),
                .plot(series: .norms, output: nil), .plot(series: .loss, output: "l.svg"),
                .diff("a", "b"), .diff("a", nil), .help(topic: nil), .help(topic: "lr"), .recordStop,
                .historySave(path: "h.ptscript"),
            ])
    }

    @Test("integer settings accept whole numbers only; float settings accept both")
    func settingTypes() throws {
        let batch = try #require(Settings.named("batch_size"))
        #expect(commands("set batch_size 8") == [.set(key: batch, value: .integer(8))])
        let decay = try #require(Settings.named("weight_decay"))
        #expect(commands("set weight_decay 0") == [.set(key: decay, value: .float(0))])
    }

    @Test("statements with errors are left out; warnings keep the command")
    func partial() {
        let checked = Checker.check("load\ntrian 5\nset lr 0.9\nask \"x\"")
        #expect(checked.hasErrors)
        #expect(checked.commands.map(\.spec.name) == ["load", "set", "ask"])
        #expect(checked.diagnostics.map(\.id) == ["PT0020", "PT0033"])
    }

    @Test("fix-its carry suggestions")
    func fixIts() throws {
        let checked = Checker.check("load\ntrian 5\nset learning_rat 0.3\npairs clera\nlearning_rate 0.1")
        let replacements = checked.diagnostics.map { $0.fixIts.first?.replacement }
        #expect(replacements == ["train", "learning_rate", "clear", "set learning_rate"])
        let model = Checker.check("ask \"x\"").diagnostics[0]
        #expect(model.fixIts.first?.replacement == "load\n")
        #expect(model.fixIts.first?.range.start.utf8Offset == 0)
    }

    @Test("modelLoaded in the context silences the load check")
    func replContext() {
        #expect(Checker.check("train 5").diagnostics.map(\.id) == ["PT0041"])
        #expect(Checker.check("train 5", context: CheckContext(modelLoaded: true)).diagnostics.isEmpty)
    }

    @Test("suggestions: transpositions, prefixes, and nothing for far words")
    func suggestions() {
        #expect(Suggestions.distance("trian", "train") == 1)
        #expect(Suggestions.closest(to: "trian", in: Commands.allNames) == "train")
        #expect(Suggestions.closest(to: "snapshto", in: Commands.allNames) == "snapshot")
        #expect(Suggestions.closest(to: "learn", in: Settings.allNames) == "learning_rate")
        #expect(Suggestions.closest(to: "zebra", in: Commands.allNames) == nil)
    }

    @Test("diagnostics render with source line, underline and help")
    func render() {
        let checked = Checker.check("load\ntrian 50\n", name: "s.ptscript")
        let text = DiagnosticRenderer().render(checked.diagnostics[0], in: checked.script.source)
        #expect(text == """
            s.ptscript:2:1: error: unknown command 'trian' [PT0020]
               2 | trian 50
                 | ^~~~~
                 = help: did you mean 'train'?
            """)
        let colored = DiagnosticRenderer(colors: true).render(checked.diagnostics[0], in: checked.script.source)
        #expect(colored.contains("\u{1B}[1;31merror:"))
    }

    @Test("notes with ranges render their own location")
    func renderNote() {
        let checked = Checker.check("quit\nload", name: "q")
        let text = DiagnosticRenderer().render(checked.diagnostics, in: checked.script.source)
        #expect(text.contains("q:2:1: warning: statement after 'quit' is never run [PT0040]"))
        #expect(text.contains("q:1:1: note: 'quit' is here"))
    }

    @Test("JSON form")
    func json() {
        let diagnostic = Checker.check("load\n  trian").diagnostics[0]
        #expect(diagnostic.jsonObject == DiagnosticJSON(message: "unknown command 'trian'", line: 2, column: 3,
                                                        id: "PT0020", severity: "error"))
    }
}

@Suite("Suggestions for short words")
struct ShortSuggestionTests {
    @Test("a dropped letter in a three-letter word still finds the keyword")
    func clr() {
        let diagnostic = Checker.check("pairs clr").diagnostics[0]
        #expect(diagnostic.fixIts.map(\.replacement) == ["clear"])
    }

    // MARK: - init text against num_virtual_tokens

    @Test("init text longer than an explicit num_virtual_tokens warns only when a counter is given")
    func initTextCut() {
        let script = "set num_virtual_tokens 3\ninit \"a b c d\""
        let counting = CheckContext(modelLoaded: true, tokenCount: { $0.split(separator: " ").count })
        let warned = Checker.check(script, context: counting)
        #expect(warned.diagnostics.map(\.id) == [DiagnosticKind.initTextCut.id])
        #expect(warned.diagnostics.first?.severity == .warning)
        #expect(warned.diagnostics.first?.range.start.description == "2:6")
        #expect(warned.commands.count == 2, "a warning does not stop the script")
        // No tokenizer (no model loaded in the REPL, or `ptune check`): nothing to say.
        #expect(Checker.check(script, context: CheckContext(modelLoaded: true)).diagnostics.isEmpty)
        // A counter that cannot count (nil) is the same as none.
        #expect(Checker.check(script, context: CheckContext(modelLoaded: true, tokenCount: { _ in nil })).diagnostics.isEmpty)
        // Without an explicit num_virtual_tokens, init makes one row per token: nothing is cut.
        #expect(Checker.check("init \"a b c d\"", context: counting).diagnostics.isEmpty)
        // Exactly as long as the count: nothing is cut.
        #expect(Checker.check("set num_virtual_tokens 4\ninit \"a b c d\"", context: counting).diagnostics.isEmpty)
    }
}
