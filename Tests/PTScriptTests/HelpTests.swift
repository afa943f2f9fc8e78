import Testing
@testable import PTScript

// MARK: - Catalog completeness and help

@Suite("Catalog and help")
struct HelpTests {
    @Test("DESIGN's commands are all in the catalog")
    func allCommands() {
        let design = ["load", "pairs", "init", "train", "ask", "compare", "eval", "preview", "set", "show", "tokens",
                      "next", "nearest", "drift", "map", "plot", "snapshot", "snapshots", "restore", "diff", "undo",
                      "save", "record", "history", "run", "help", "quit"]
        #expect(Set(Commands.allNames) == Set(design))
        #expect(Commands.allNames.count == design.count)
    }

    @Test("every command has a summary, help, an example that checks clean, and help text", arguments: Commands.all.map(\.name))
    func commandHelp(_ name: String) throws {
        let spec = try #require(Commands.named(name))
        #expect(!spec.summary.isEmpty && !spec.help.isEmpty && !spec.example.isEmpty)
        #expect(spec.forms.allSatisfy { !$0.summary.isEmpty })
        #expect(spec.settingsRead.allSatisfy { Settings.named($0) != nil }, "\(spec.settingsRead)")
        let context = CheckContext(modelLoaded: true, knownSnapshots: ["before", "after", "after-50"])
        let checked = Checker.check(spec.example, context: context)
        #expect(checked.diagnostics.isEmpty, "example of \(name): \(checked.diagnostics)")
        let text = try #require(HelpRenderer.command(name))
        for usage in spec.usages { #expect(text.contains(usage)) }
        #expect(text.contains("Example:"))
    }

    @Test("every setting has a default of its type inside its ranges, help and a source", arguments: Settings.all.map(\.name))
    func settingHelp(_ name: String) throws {
        let spec = try #require(Settings.named(name))
        #expect(!spec.help.isEmpty && !spec.defaultSource.isEmpty)
        // The default, written as a user would, must check with no diagnostics at all.
        let checked = Checker.check("set \(spec.name) \(spec.defaultValue)")
        #expect(checked.diagnostics.isEmpty, "\(checked.diagnostics)")
        #expect(checked.commands.first?.command == .set(key: spec, value: spec.defaultValue))
        if spec.recommendedRange != nil { #expect(!spec.recommendedSource.isEmpty) }
        #expect(HelpRenderer.setting(name)?.contains("default \(spec.defaultValue)") == true)
    }

    @Test("watsonx defaults and ranges")
    func watsonx() throws {
        let lr = try #require(Settings.named("lr"))
        #expect(lr.defaultValue == .float(0.3))
        #expect(lr.recommendedRange?.description == "[0.00001, 0.5]")
        #expect(lr.hardRange?.description == "(0, 10]")
        #expect(Settings.named("batch_size")?.defaultValue == .integer(16))
        #expect(Settings.named("accumulate_steps")?.recommendedRange == .closed(1, 128))
        #expect(Settings.named("num_epochs")?.defaultValue == .integer(20))
        #expect(Settings.named("num_virtual_tokens")?.defaultValue == .integer(100))
        #expect(Settings.named("verbalizer")?.defaultValue == .string("Input: {{input}} Output:"))
    }

    @Test("overview lists every command; topics dispatch")
    func overview() {
        let text = HelpRenderer.overview()
        for name in Commands.allNames { #expect(text.contains("  \(name) ")) }
        #expect(HelpRenderer.topic("settings") == HelpRenderer.settings())
        #expect(HelpRenderer.topic("lr") == HelpRenderer.setting("learning_rate"))
        #expect(HelpRenderer.topic("trian") == nil)
        #expect(HelpRenderer.settings().contains("learning_rate"))
    }

    @Test("markdown reference covers commands, settings and diagnostics")
    func markdown() {
        let md = HelpRenderer.markdown()
        for spec in Commands.all { #expect(md.contains("#### `\(spec.name)`")) }
        for spec in Settings.all { #expect(md.contains("`\(spec.name)`")) }
        for kind in DiagnosticKind.allCases { #expect(md.contains("| \(kind.id) |")) }
    }

    @Test("diagnostic ids are unique")
    func uniqueIDs() {
        #expect(Set(DiagnosticKind.allCases.map(\.id)).count == DiagnosticKind.allCases.count)
    }
}
