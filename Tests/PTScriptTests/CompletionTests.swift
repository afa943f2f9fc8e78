import Testing
@testable import PTScript

// MARK: - Completion

@Suite("Completion")
struct CompletionTests {
    private static let files: [String: [DirectoryEntry]] = [
        ".": [DirectoryEntry(name: "Docs", isDirectory: true), DirectoryEntry(name: "data.jsonl", isDirectory: false),
              DirectoryEntry(name: "notes.txt", isDirectory: false), DirectoryEntry(name: ".hidden", isDirectory: false),
              DirectoryEntry(name: "run.ptscript", isDirectory: false)],
        "Docs/": [DirectoryEntry(name: "examples", isDirectory: true), DirectoryEntry(name: "extra.jsonl", isDirectory: false)],
    ]
    private let context = CompletionContext(snapshots: ["before", "after"], listDirectory: { files[$0] ?? [] })

    /// Completes at the `|` in `marked`.
    private func complete(_ marked: String) -> (texts: [String], replaced: String, result: CompletionResult) {
        let cursor = marked.utf8.firstIndex(of: UInt8(ascii: "|"))!
        let offset = marked.utf8.distance(from: marked.utf8.startIndex, to: cursor)
        let text = marked.replacingOccurrences("|", "")
        let result = Completer.complete(text: text, cursorUTF8Offset: offset, context: context)
        let bytes = Array(text.utf8)
        let replaced = String(decoding: bytes[result.replacementStart..<result.replacementEnd], as: UTF8.self)
        return (result.candidates.map(\.text), replaced, result)
    }

    @Test("command names at the start of a statement")
    func commands() {
        #expect(complete("tr|").texts == ["train"])
        #expect(complete("tr|").replaced == "tr")
        #expect(complete("s|").texts == ["snapshot", "snapshots", "set", "show", "save"])  // catalog order
        #expect(complete("load; sn|").texts == ["snapshot", "snapshots"])
        #expect(complete("|").texts.count == Commands.allWords.count)  // names, then `?`
        #expect(complete("|").result.candidates.first?.detail == Commands.all.first?.summary)
    }

    @Test("subcommands and keywords")
    func keywords() {
        #expect(complete("pairs |").texts == ["add", "clear", "split", "\"Docs/", "\"data.jsonl\""])
        #expect(complete("pairs c|").texts == ["clear"])
        #expect(complete("show |").texts == ["settings", "model"])
        #expect(complete("init |").texts == ["random", "vocab"])
        #expect(complete("plot |").texts == ["loss", "drift", "norms", "lr"])
        #expect(complete("plot loss |").texts == ["to"])
        #expect(complete("train 3 |").texts == ["updates", "epochs"])
        #expect(complete("pairs add \"a\" |").texts == ["->"])
        #expect(complete("record |").texts == ["stop", "\"Docs/", "\"data.jsonl\"", "\"notes.txt\"", "\"run.ptscript\""])
    }

    @Test("setting keys and values")
    func settings() {
        #expect(complete("set learn|").texts == ["learning_rate"])
        #expect(complete("set |").texts == Settings.all.map(\.name))
        #expect(complete("set decoding |").texts == ["greedy", "sample"])
        #expect(complete("set shuffle o|").texts == ["on", "off"])
        #expect(complete("set lr |").texts == ["0.3"])
        #expect(complete("set verbalizer |").texts == ["\"Input: {{input}} Output:\""])
        #expect(complete("help learning|").texts == ["learning_rate"])
    }

    @Test("paths inside strings, filtered by the command's file types")
    func paths() {
        #expect(complete("pairs \"|").texts == ["Docs/", "data.jsonl"])
        #expect(complete("pairs \"d|").texts == ["data.jsonl"])
        #expect(complete("pairs \"d|").replaced == "d")
        #expect(complete("pairs \"Docs/e|").texts == ["Docs/examples/", "Docs/extra.jsonl"])
        #expect(complete("run \"|").texts == ["Docs/", "run.ptscript"])
        #expect(complete("save prompt \"|").texts == ["Docs/"])
        #expect(complete("plot loss to \"|").texts == ["Docs/", "data.jsonl", "notes.txt", "run.ptscript"])
        #expect(complete("run |").texts == ["\"Docs/", "\"run.ptscript\""])
    }

    @Test("snapshot names from the session and from the text")
    func snapshots() {
        #expect(complete("restore \"|").texts == ["before", "after"])
        #expect(complete("snapshot \"mine\"\nrestore \"m|").texts == ["mine"])
        #expect(complete("diff \"before\" |").texts == ["\"before\"", "\"after\""])
    }

    @Test("nothing inside comments, numbers, text strings or after a closed string")
    func nothing() {
        #expect(complete("# tr|").texts.isEmpty)
        #expect(complete("train 5|").texts.isEmpty)
        #expect(complete("ask \"tr|").texts.isEmpty)
        #expect(complete("ask \"x\"|").texts.isEmpty)
        #expect(complete("frob |").texts.isEmpty)
    }

    @Test("a statement continued after a connector still completes")
    func continuation() {
        #expect(complete("plot loss to\n\"D|").texts == ["Docs/"])
    }

    @Test("offsets are clamped and never split a scalar")
    func clamping() {
        let text = "ask \"é\""
        for offset in -3...(text.utf8.count + 3) {
            let result = Completer.complete(text: text, cursorUTF8Offset: offset, context: context)
            #expect(result.replacementStart <= result.replacementEnd && result.replacementEnd <= text.utf8.count)
        }
    }
}
