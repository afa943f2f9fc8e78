import Foundation
import Testing
@testable import LanguageServer

// MARK: - publishDiagnostics on open, change and close; UTF-16 ranges

@Suite("Diagnostics")
struct DiagnosticsTests {
    private let uri = "untitled:diagnostics.ptscript"

    @Test func aTypoIsPublishedOnOpenWithItsFixIt() throws {
        let server = TestServer()
        try server.initialize()
        let diagnostics = try server.open(uri, "load\ntrian 5\n")
        try #require(diagnostics.count == 1, "\(diagnostics)")
        let diagnostic = diagnostics[0]
        #expect(diagnostic["code"] as? String == "PT0020")
        #expect(diagnostic["severity"] as? Int == 1)
        #expect(diagnostic["source"] as? String == "ptune")
        #expect(rangeTuple(diagnostic["range"]) == [1, 0, 1, 5])
        let message = try #require(diagnostic["message"] as? String)
        #expect(message.contains("unknown command 'trian'") && message.contains("did you mean 'train'?"), "\(message)")
        #expect(try server.shutdown() == 0)
    }

    @Test func emojiAndCJKBeforeAnErrorStillGiveTheRightRange() throws {
        let server = TestServer()
        try server.initialize()
        let line = "ask \"😀😀 日本\" ; trian 5"
        let diagnostics = try server.open(uri, "# 🎉 中文 comment\nload\n" + line + "\n")
        try #require(diagnostics.count == 1, "\(diagnostics)")
        // 😀 is two UTF-16 units (four UTF-8 bytes), 日 and 本 one each (three bytes each).
        let expectedStart = line.components(separatedBy: "trian")[0].utf16.count
        #expect(expectedStart == 16)
        #expect(rangeTuple(diagnostics[0]["range"]) == [2, 16, 2, 21])
        #expect(try server.shutdown() == 0)
    }

    @Test func fullAndIncrementalChangesRepublish() throws {
        let server = TestServer()
        try server.initialize()
        #expect(try server.open(uri, "load\nask \"😀\"; trian 5\n").map { rangeTuple($0["range"]) } == [[1, 10, 1, 15]])

        // Incremental: fix the typo by replacing its range.
        server.notify("textDocument/didChange", #"""
            {"textDocument":{"uri":"\#(uri)","version":2},"contentChanges":[
              {"range":{"start":{"line":1,"character":10},"end":{"line":1,"character":15}},"text":"train"}]}
            """#)
        #expect(try server.diagnostics(for: uri).isEmpty)

        // Two changes in one notification apply in order: insert CJK inside the string, then
        // break the command again at its shifted position.
        server.notify("textDocument/didChange", #"""
            {"textDocument":{"uri":"\#(uri)","version":3},"contentChanges":[
              {"range":{"start":{"line":1,"character":7},"end":{"line":1,"character":7}},"text":"日本"},
              {"range":{"start":{"line":1,"character":12},"end":{"line":1,"character":17}},"text":"trian"}]}
            """#)
        let broken = try server.diagnostics(for: uri)
        #expect(broken.map { rangeTuple($0["range"]) } == [[1, 12, 1, 17]])
        #expect((broken.first?["message"] as? String)?.contains("'trian'") == true)

        // Full text replaces everything.
        server.notify("textDocument/didChange", #"""
            {"textDocument":{"uri":"\#(uri)","version":4},"contentChanges":[{"text":"frobnicate\n"}]}
            """#)
        #expect(try server.diagnostics(for: uri).map { rangeTuple($0["range"]) } == [[0, 0, 0, 10]])

        server.notify("textDocument/didClose", #"{"textDocument":{"uri":"\#(uri)"}}"#)
        #expect(try server.diagnostics(for: uri).isEmpty)
        #expect(try server.shutdown() == 0)
    }

    @Test func missingFilesAreWarningsRelativeToTheDocumentsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{\"input\":\"a\",\"output\":\"b\"}\n".utf8).write(to: folder.appendingPathComponent("present.jsonl"))
        let documentURI = folder.appendingPathComponent("script.ptscript").absoluteString

        let server = TestServer()
        try server.initialize()
        let diagnostics = try server.open(documentURI, "pairs \"present.jsonl\"\npairs \"missing.jsonl\"\n")
        try #require(diagnostics.count == 1, "\(diagnostics)")
        #expect(diagnostics[0]["code"] as? String == "PT0042")
        #expect(diagnostics[0]["severity"] as? Int == 2)
        #expect(rangeTuple(diagnostics[0]["range"]) == [1, 6, 1, 21])

        // The same text in an untitled buffer has no folder, so no file checks.
        #expect(try server.open("untitled:x", "pairs \"missing.jsonl\"\n").isEmpty)

        // Path completion lists the folder's files inside the string.
        let items = try #require((try server.request("textDocument/completion", TestServer.position(documentURI, 0, 10))["result"]
                                  as? JSONObject)?["items"] as? [JSONObject])
        #expect(items.map { $0["label"] as? String } == ["present.jsonl"])
        #expect(items.first?["kind"] as? Int == CompletionItemKind.file.rawValue)
        #expect(try server.shutdown() == 0)
    }

    @Test func positionsConvertBothWaysAroundSurrogatePairs() {
        let snapshot = DocumentSnapshot(uri: "u", version: 1, text: "a😀b\n日本x\n")
        let positions = snapshot.positions
        // UTF-8 offsets: a=0, 😀=1..4, b=5, \n=6, 日=7..9, 本=10..12, x=13
        let expected: [(Int, Position)] = [(0, .init(line: 0, character: 0)), (1, .init(line: 0, character: 1)),
                                           (5, .init(line: 0, character: 3)), (7, .init(line: 1, character: 0)),
                                           (13, .init(line: 1, character: 2)), (15, .init(line: 2, character: 0))]
        for (offset, position) in expected {
            #expect(positions.position(utf8Offset: offset) == position, "offset \(offset)")
            #expect(positions.utf8Offset(position) == offset, "position \(position)")
        }
        // Inside the surrogate pair → start of the emoji; past the line's end → the line's end.
        #expect(positions.utf8Offset(Position(line: 0, character: 2)) == 1)
        #expect(positions.utf8Offset(Position(line: 0, character: 99)) == 6)
        #expect(positions.utf8Offset(Position(line: 9, character: 0)) == 15)
    }
}
