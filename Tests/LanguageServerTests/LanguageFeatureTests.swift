import Foundation
import Testing
@testable import LanguageServer

// MARK: - Completion, hover, signature help, symbols, semantic tokens, formatting — over the wire

@Suite("Language features")
struct LanguageFeatureTests {
    private let uri = "untitled:features.ptscript"

    private func started(_ text: String) throws -> TestServer {
        let server = TestServer()
        try server.initialize()
        try server.open(uri, text)
        return server
    }

    @Test func completionOffersCommandsWithCatalogDetail() throws {
        let server = try started("load\nask \"😀\"; tr")
        let result = try #require(try server.request("textDocument/completion", TestServer.position(uri, 1, 12))["result"] as? JSONObject)
        let items = try #require(result["items"] as? [JSONObject])
        #expect(items.map { $0["label"] as? String } == ["train"])
        let train = items[0]
        #expect(train["kind"] as? Int == CompletionItemKind.keyword.rawValue)
        #expect(train["detail"] as? String == "Tune the prompt vector on the training pairs")
        let edit = try #require(train["textEdit"] as? JSONObject)
        #expect(rangeTuple(edit["range"]) == [1, 10, 1, 12])
        #expect(edit["newText"] as? String == "train")
        #expect(try server.shutdown() == 0)
    }

    @Test func completionOffersSettingsAndValues() throws {
        let server = try started("set learn\nset decoding ")
        let keys = try #require((try server.request("textDocument/completion", TestServer.position(uri, 0, 9))["result"] as? JSONObject)?["items"] as? [JSONObject])
        #expect(keys.map { $0["label"] as? String } == ["learning_rate"])
        #expect(keys.first?["kind"] as? Int == CompletionItemKind.property.rawValue)
        #expect((keys.first?["detail"] as? String)?.contains("default 0.3") == true)
        let values = try #require((try server.request("textDocument/completion", TestServer.position(uri, 1, 13))["result"] as? JSONObject)?["items"] as? [JSONObject])
        #expect(values.map { $0["label"] as? String } == ["greedy", "sample"])
        #expect(values.first?["kind"] as? Int == CompletionItemKind.value.rawValue)
        #expect(try server.shutdown() == 0)
    }

    @Test func hoverShowsCatalogHelpForCommandsAndSettings() throws {
        let server = try started("load\ntrain 50\nset lr 0.3\n")
        let command = try #require(try server.request("textDocument/hover", TestServer.position(uri, 1, 2))["result"] as? JSONObject)
        let commandText = try #require((command["contents"] as? JSONObject)?["value"] as? String)
        #expect(commandText.contains("**train**") && commandText.contains("train <count> [updates|epochs]"), "\(commandText)")
        #expect(commandText.contains("`learning_rate` = `0.3`"), "settings read with defaults: \(commandText)")
        #expect(rangeTuple(command["range"]) == [1, 0, 1, 5])

        let setting = try #require(try server.request("textDocument/hover", TestServer.position(uri, 2, 5))["result"] as? JSONObject)
        let settingText = try #require((setting["contents"] as? JSONObject)?["value"] as? String)
        #expect(settingText.contains("**learning_rate**") && settingText.contains("default `0.3`"), "\(settingText)")
        #expect(settingText.contains("recommended: [1e-05, 0.5]") || settingText.contains("recommended:"), "\(settingText)")
        #expect(settingText.contains("allowed:"), "\(settingText)")

        let count = try #require(try server.request("textDocument/hover", TestServer.position(uri, 1, 7))["result"] as? JSONObject)
        let countText = try #require((count["contents"] as? JSONObject)?["value"] as? String)
        #expect(countText.contains("`<count>`") && countText.contains("at least 1"), "\(countText)")

        // Blank space has nothing to say.
        #expect(try server.request("textDocument/hover", TestServer.position(uri, 3, 0))["result"] is NSNull)
        #expect(try server.shutdown() == 0)
    }

    @Test func signatureHelpFollowsTheArguments() throws {
        let server = try started("load\ntrain 5 \npairs add \"a\" \nplot loss ")
        let train = try #require(try server.request("textDocument/signatureHelp", TestServer.position(uri, 1, 8))["result"] as? JSONObject)
        let signatures = try #require(train["signatures"] as? [JSONObject])
        #expect(signatures.map { $0["label"] as? String } == ["train", "train <count> [updates|epochs]"])
        #expect(train["activeSignature"] as? Int == 1)
        #expect(train["activeParameter"] as? Int == 1)
        let parameters = try #require(signatures[1]["parameters"] as? [JSONObject])
        #expect(parameters.map { $0["label"] as? [Int] } == [[6, 13], [14, 30]])

        let pairs = try #require(try server.request("textDocument/signatureHelp", TestServer.position(uri, 2, 14))["result"] as? JSONObject)
        let pairsLabels = (pairs["signatures"] as? [JSONObject])?.map { $0["label"] as? String }
        let active = try #require(pairs["activeSignature"] as? Int)
        #expect(pairsLabels?[active] == "pairs add \"<input>\" -> \"<output>\"")
        #expect(pairs["activeParameter"] as? Int == 2)

        // Typing the count itself: the count is the active parameter.
        let typing = try #require(try server.request("textDocument/signatureHelp", TestServer.position(uri, 1, 7))["result"] as? JSONObject)
        #expect(typing["activeParameter"] as? Int == 0)
        // On the command word there is no signature yet.
        #expect(try server.request("textDocument/signatureHelp", TestServer.position(uri, 1, 3))["result"] is NSNull)
        #expect(try server.shutdown() == 0)
    }

    @Test func documentSymbolsOutlineTheFlowUnderHeadings() throws {
        let text = """
            ## Setup
            load
            pairs "data.jsonl"
            pairs split 0.2
            init "Classify:"
            set learning_rate 0.3
            train 50
            ## Try it
            ask "hello"; ask "bye"
            """
        let server = try started(text)
        let symbols = try #require(try server.request("textDocument/documentSymbol", #"{"textDocument":{"uri":"\#(uri)"}}"#)["result"] as? [JSONObject])
        #expect(symbols.map { $0["name"] as? String } == ["Setup", "Try it"])
        #expect(symbols.map { $0["kind"] as? Int } == [SymbolKind.namespace.rawValue, SymbolKind.namespace.rawValue])
        let stages = try #require(symbols[0]["children"] as? [JSONObject])
        #expect(stages.map { $0["name"] as? String } == ["Model", "Pairs", "Prompt vector", "Settings and session", "Training"])
        let pairs = try #require(stages[1]["children"] as? [JSONObject])
        #expect(pairs.map { $0["name"] as? String } == ["pairs \"data.jsonl\"", "pairs split 0.2"])
        #expect(pairs.map { $0["detail"] as? String } == ["add the pairs in a JSONL, JSON or CSV file", "hold out a fraction of the pairs for eval"])
        #expect(rangeTuple(stages[1]["range"]) == [2, 0, 3, 15])
        let asking = try #require((symbols[1]["children"] as? [JSONObject])?.first)
        #expect(asking["name"] as? String == "Asking")
        #expect((asking["children"] as? [JSONObject])?.count == 2)
        #expect(rangeTuple(symbols[1]["range"]) == [7, 0, 8, 22])
        #expect(try server.shutdown() == 0)
    }

    @Test func semanticTokensClassifyEveryPart() throws {
        let server = try started("set lr 0.3 # c\ntrain 3 epochs\npairs add \"😀\" -> \"b\"\n")
        let data = try #require((try server.request("textDocument/semanticTokens/full", #"{"textDocument":{"uri":"\#(uri)"}}"#)["result"] as? JSONObject)?["data"] as? [Int])
        // Decode the relative encoding back to (line, start, length, type).
        var absolute: [[Int]] = []
        var line = 0, start = 0
        for index in stride(from: 0, to: data.count, by: 5) {
            line += data[index]
            start = data[index] == 0 ? start + data[index + 1] : data[index + 1]
            absolute.append([line, start, data[index + 2], data[index + 3]])
        }
        let (kw, str, num, com, op, prop, member) = (0, 1, 2, 3, 4, 5, 6)
        #expect(absolute == [
            [0, 0, 3, kw], [0, 4, 2, prop], [0, 7, 3, num], [0, 11, 3, com],
            [1, 0, 5, kw], [1, 6, 1, num], [1, 8, 6, member],
            [2, 0, 5, kw], [2, 6, 3, member], [2, 10, 4, str], [2, 15, 2, op], [2, 18, 3, str],
        ])
        #expect(try server.shutdown() == 0)
    }

    @Test func formattingGivesTheCanonicalLayoutAndIsIdempotent() throws {
        let messy = "  load ;  pairs \"a.jsonl\"   # data  \n\n\n\ntrain    5\t\npairs add \"x\" ->\n   \"y\"\n\n"
        let canonical = "load\npairs \"a.jsonl\" # data\n\ntrain 5\npairs add \"x\" -> \"y\"\n"
        let server = try started(messy)
        let edits = try #require(try server.request("textDocument/formatting", #"{"textDocument":{"uri":"\#(uri)"},"options":{"tabSize":4,"insertSpaces":true}}"#)["result"] as? [JSONObject])
        try #require(edits.count == 1)
        #expect(edits[0]["newText"] as? String == canonical)
        #expect(rangeTuple(edits[0]["range"]) == [0, 0, 8, 0])

        server.notify("textDocument/didChange", #"{"textDocument":{"uri":"\#(uri)","version":2},"contentChanges":[{"text":\#(TestServer.quote(canonical))}]}"#)
        _ = try server.diagnostics(for: uri)
        let again = try #require(try server.request("textDocument/formatting", #"{"textDocument":{"uri":"\#(uri)"},"options":{"tabSize":2,"insertSpaces":true}}"#)["result"] as? [JSONObject])
        #expect(again.isEmpty, "a canonical document needs no edits: \(again)")
        #expect(try server.shutdown() == 0)
    }
}
