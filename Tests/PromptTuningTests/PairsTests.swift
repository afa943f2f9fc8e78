import Foundation
import Testing
@testable import PromptTuning
import PTuneTestSupport

/// Reads a fixture from `Tests/Fixtures/pairs`, naming it by its file name in messages.
private func load(_ name: String) throws(PairsError) -> [TrainingPair] {
    try PairReader.read(contentsOf: Fixtures.url("pairs/" + name), name: name)
}

/// The error a load throws, or nil when it succeeds.
private func loadError(_ name: String) -> PairsError? {
    do {
        _ = try load(name)
        return nil
    } catch {
        return error
    }
}

@Suite("Pairs files")
struct PairsTests {
    @Test func jsonlSkipsBlankLinesAndExtraKeys() throws {
        let pairs = try load("valid.jsonl")
        #expect(pairs.map(\.input) == ["I loved it.", "Cold soup, rude waiter.", "Unicode: café — 日本語 ✓"])
        #expect(pairs.map(\.output) == ["positive", "negative", "positive"])
        #expect(pairs.map { $0.location?.line } == [1, 2, 4])
        #expect(pairs[0].location?.description == "valid.jsonl:1")
    }

    @Test func jsonArrayKeepsElementLines() throws {
        let pairs = try load("valid.json")
        #expect(pairs.count == 3)
        #expect(pairs[1].input == "Braces } and ] inside strings, and an escaped \" quote")
        #expect(pairs.map { $0.location?.line } == [2, 3, 8])
    }

    @Test func csvAnyColumnOrderQuotingAndMultilineFields() throws {
        let pairs = try load("valid.csv")
        #expect(pairs.map(\.input) == ["I loved it.", "Cold soup, rude waiter.", "She said \"wow\"\nand left."])
        #expect(pairs.map(\.output) == ["positive", "negative", "positive"])
        #expect(pairs.map { $0.location?.line } == [2, 3, 4])
    }

    @Test func csvWithCRLFLineEndings() throws {
        let pairs = try load("crlf.csv")
        #expect(pairs == [
            TrainingPair(input: "a, b", output: "yes", location: PairLocation(file: "crlf.csv", line: 2)),
            TrainingPair(input: "c", output: "no", location: PairLocation(file: "crlf.csv", line: 3)),
        ])
    }

    @Test(arguments: [
        ("empty.jsonl", "empty.jsonl: no pairs found, expected at least one {\"input\": …, \"output\": …} record"),
        ("blank.json", "blank.json: no pairs found, expected at least one {\"input\": …, \"output\": …} record"),
        ("bad-line7.jsonl", "bad-line7.jsonl:7: expected a JSON object with \"input\" and \"output\" strings, found an object without \"output\""),
        ("bad-number.jsonl", "bad-number.jsonl:2: expected a JSON object with \"input\" and \"output\" strings, found \"output\" as a number"),
        ("bad-element.json", "bad-element.json:3: expected a JSON object with \"input\" and \"output\" strings, found a string"),
        ("bad-unclosed.json", "bad-unclosed.json:2: expected a JSON object, found invalid JSON (the array is not closed with ']')"),
        ("bad-columns.csv", "bad-columns.csv:1: expected CSV header columns 'input' and 'output', missing 'input' and 'output' (found columns 'text', 'label')"),
        ("bad-quote.csv", "bad-quote.csv:3: invalid CSV: a quoted field is not closed before the end of the file"),
        ("bad-fields.csv", "bad-fields.csv:3: invalid CSV: expected at least 2 fields, found 1"),
    ])
    func brokenFilesNameFileAndLine(name: String, message: String) {
        let error = loadError(name)
        #expect(error?.description == message, "got \(String(describing: error))")
    }

    @Test func invalidJSONLineIsReported() {
        let error = loadError("bad-syntax.jsonl")
        guard case let .invalidJSON(file, line, _)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(file == "bad-syntax.jsonl" && line == 2)
    }

    @Test func missingFileIsUnreadable() {
        let error = loadError("no-such-file.jsonl")
        guard case .unreadable(let file, _)? = error else {
            Issue.record("expected unreadable, got \(String(describing: error))")
            return
        }
        #expect(file == "no-such-file.jsonl")
    }

    @Test func hundredThousandLines() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-pairs-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = ""
        text.reserveCapacity(4_000_000)
        for i in 0..<100_000 { text += "{\"input\": \"review number \(i)\", \"output\": \"\(i % 2 == 0 ? "positive" : "negative")\"}\n" }
        try text.write(to: url, atomically: false, encoding: .utf8)
        let pairs = try PairReader.read(contentsOf: url, name: "big.jsonl")
        #expect(pairs.count == 100_000)
        #expect(pairs[99_999].input == "review number 99999")
        #expect(pairs[99_999].location?.line == 100_000)
    }
}

@Suite("Pair sets")
struct PairSetTests {
    private func pairs(_ count: Int) -> [TrainingPair] {
        (0..<count).map { TrainingPair(input: "in \($0)", output: "out \($0)") }
    }

    @Test func splitIsSeededAndKeepsOrder() throws {
        var a = PairSet(pairs(20)), b = PairSet(pairs(20)), c = PairSet(pairs(20))
        try a.split(fraction: 0.25, seed: 7)
        try b.split(fraction: 0.25, seed: 7)
        try c.split(fraction: 0.25, seed: 8)
        #expect(a.validation.count == 5 && a.training.count == 15)
        #expect(a.validationIndices == b.validationIndices)
        #expect(a.validationIndices != c.validationIndices)
        #expect(a.validationIndices == a.validationIndices.sorted())
        #expect(Set(a.training.map(\.input)).isDisjoint(with: a.validation.map(\.input)))
        try a.split(fraction: 0, seed: 7)
        #expect(a.training.count == 20 && a.validation.isEmpty)
    }

    @Test func splitKeepsOneOnEachSide() throws {
        var set = PairSet(pairs(3))
        try set.split(fraction: 0.01, seed: 1)
        #expect(set.validation.count == 1)
        try set.split(fraction: 0.99, seed: 1)
        #expect(set.training.count == 1)
        #expect(throws: PairSetError.invalidFraction(1.5)) { try set.split(fraction: 1.5, seed: 1) }
        var single = PairSet(pairs(1))
        #expect(throws: PairSetError.tooFewPairs(count: 1)) { try single.split(fraction: 0.5, seed: 1) }
    }

    @Test func contentHashIsStableAndSensitive() throws {
        let base = PairSet(pairs(4))
        #expect(base.contentHash == PairSet(pairs(4)).contentHash)
        #expect(base.contentHash.hasPrefix("fnv1a64:") && base.contentHash.count == 24)
        // Independent of locations, dependent on text and split.
        let located = PairSet(pairs(4).map { TrainingPair(input: $0.input, output: $0.output, location: PairLocation(file: "x", line: 9)) })
        #expect(located.contentHash == base.contentHash)
        var changed = pairs(4)
        changed[2].output += "!"
        #expect(PairSet(changed).contentHash != base.contentHash)
        var split = base
        try split.split(fraction: 0.5, seed: 3)
        #expect(split.contentHash != base.contentHash)
        // Length prefixes: moving a character between fields changes the hash.
        let ab = PairSet([TrainingPair(input: "ab", output: "c")]), abc = PairSet([TrainingPair(input: "a", output: "bc")])
        #expect(ab.contentHash != abc.contentHash)
        // FNV-1a 64 of nothing is its offset basis; pins the algorithm.
        #expect(FNV1a64().hex == "cbf29ce484222325")
    }
}
