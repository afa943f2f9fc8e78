import Testing
@testable import PTScript

// MARK: - The .ptscript corpus
//
// Each file in Tests/Fixtures/scripts states its expected diagnostics in comments:
//   # error: 3:1: unknown command 'trian'
//   # warning: 20:19: learning_rate 0.9 is outside the recommended range …
// and optionally the check context:
//   # context: model-loaded | snapshots a b | files path1 path2 | tokens-are-words | virtual-tokens 8
// One parameterized test parses and checks each file and compares the full list.

enum Corpus {
    static let directory: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }  // …/Tests
        return path + "/Fixtures/scripts"
    }()

    static let files: [String] = {
        var names: [String] = []
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".ptscript") { names.append(name) }
        }
        return names.sorted()
    }()

    static func read(_ name: String) -> String? {
        guard let file = fopen(directory + "/" + name, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Expected diagnostics (`severity: line:col: message`) and the context from the file's comments.
    static func expectations(_ text: String) -> (expected: [String], context: CheckContext) {
        var expected: [String] = []
        var context = CheckContext()
        var files: Set<String>?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw).trimmingSpaces()
            for severity in ["error", "warning"] where line.hasPrefix("# \(severity): ") {
                expected.append(severity + ": " + line.dropFirst(severity.count + 4))
            }
            guard line.hasPrefix("# context: ") else { continue }
            let words = line.dropFirst("# context: ".count).split(separator: " ").map(String.init)
            switch words.first {
            case "model-loaded": context.modelLoaded = true
            case "snapshots": context.knownSnapshots += words.dropFirst()
            case "files": files = Set(words.dropFirst())
            // A fake tokenizer for the init-text check: one token per space-separated word.
            case "tokens-are-words": context.tokenCount = { text in text.split(separator: " ").count }
            case "virtual-tokens": context.virtualTokens = words.dropFirst().first.flatMap { Int($0) }
            default: break
            }
        }
        if let files { context.fileExists = { files.contains($0) } }
        return (expected, context)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Script corpus")
struct ScriptCorpusTests {
    @Test("corpus is present")
    func corpusIsPresent() {
        #expect(Corpus.files.count >= 8, "found \(Corpus.files) in \(Corpus.directory)")
    }

    @Test("each script produces exactly its expected diagnostics", arguments: Corpus.files)
    func script(_ name: String) throws {
        let text = try #require(Corpus.read(name))
        let (expected, context) = Corpus.expectations(text)
        let checked = Checker.check(text, name: name, context: context)
        let got = checked.diagnostics.map { "\($0.severity.rawValue): \($0.range.start): \($0.text)" }
        #expect(got == expected, """
            \(name): expected
              \(expected.joined(separator: "\n  "))
            got
              \(got.joined(separator: "\n  "))
            """)
        if expected.isEmpty {
            #expect(checked.commands.count == checked.script.statements.count, "every statement of \(name) resolves")
        }
    }

    @Test("the corpus exercises every diagnostic kind")
    func coversCatalog() throws {
        var seen: Set<String> = []
        for name in Corpus.files {
            let text = try #require(Corpus.read(name))
            let (_, context) = Corpus.expectations(text)
            seen.formUnion(Checker.check(text, context: context).diagnostics.map(\.id))
        }
        let missing = DiagnosticKind.allCases.filter { !$0.isRunTime && !seen.contains($0.id) }.map { "\($0.id) \($0)" }
        #expect(missing.isEmpty, "no corpus case for: \(missing)")
    }
}
