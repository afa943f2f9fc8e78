import Foundation
import PTScript
import Testing
@testable import LanguageServer

// MARK: - The formatter over the script corpus: idempotent, meaning-preserving

@Suite("Formatter")
struct FormatterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let corpus: [URL] = {
        let folders = ["Tests/Fixtures/scripts", "Docs/examples"].map { root.appendingPathComponent($0) }
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "ptscript" }
        }.sorted { $0.path < $1.path }
    }()

    @Test func corpusIsPresent() {
        #expect(Self.corpus.count >= 5, "found \(Self.corpus.map(\.lastPathComponent))")
    }

    @Test(arguments: corpus)
    func formattingIsIdempotentAndKeepsTheStatements(_ file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let source = SourceFile(name: file.lastPathComponent, text: text)
        guard let once = ScriptFormatter.format(source) else {
            #expect(!Parser.parse(source).diagnostics.isEmpty, "only scripts with syntax errors are left alone")
            return
        }
        let twice = ScriptFormatter.format(SourceFile(text: once))
        #expect(twice == once, "\(file.lastPathComponent): formatting the formatted text changed it")
        let before = Parser.parse(source), after = Parser.parse(once)
        #expect(before.statements.map(\.name) == after.statements.map(\.name))
        #expect(before.statements.map { $0.arguments.map(\.value) } == after.statements.map { $0.arguments.map(\.value) })
        #expect(before.comments.map(\.text) == after.comments.map(\.text))
        #expect(!once.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasSuffix(" ") })
    }

    @Test func scriptsWithSyntaxErrorsAreNotFormatted() {
        #expect(ScriptFormatter.format(SourceFile(text: "ask \"open string\n  train 5")) == nil)
    }

    @Test func emptyAndCommentOnlyTexts() {
        #expect(ScriptFormatter.format(SourceFile(text: "")) == "")
        #expect(ScriptFormatter.format(SourceFile(text: "\n\n   \n")) == "")
        #expect(ScriptFormatter.format(SourceFile(text: "   # only a comment   \n\n\n# another")) == "# only a comment\n\n# another\n")
    }
}
