import Testing
@testable import PromptTuning

@Suite("Prompt initialization")
struct PromptInitializationTests {
    /// A (V = 20, C = 3) table whose row i is (i, i + 0.5, -i).
    let table = try! EmbeddingTable(values: (0..<20).flatMap { i in [Float(i), Float(i) + 0.5, -Float(i)] }, vocab: 20, width: 3)

    @Test func textShorterIsRepeatedAndCut() throws {
        let (prompt, report) = try PromptInitialization.fromText("abc", ids: [4, 7, 9], virtualTokens: 8, table: table)
        #expect(prompt.sourceTokenIDs == [4, 7, 9, 4, 7, 9, 4, 7])
        #expect(report == TextInitializationReport(textTokens: 3, virtualTokens: 8, cut: false, repeats: 3))
        #expect(Array(prompt.row(3)) == [4, 4.5, -4])
        #expect(Array(prompt.row(7)) == [7, 7.5, -7])
        #expect(prompt.rows == 8 && prompt.width == 3)
    }

    @Test func textLongerKeepsFirstN() throws {
        let (prompt, report) = try PromptInitialization.fromText("long", ids: [1, 2, 3, 4, 5], virtualTokens: 2, table: table)
        #expect(prompt.sourceTokenIDs == [1, 2] && report.cut && report.repeats == 1)
        #expect(prompt.values == [1, 1.5, -1, 2, 2.5, -2])
        #expect(report.summary == "5 tokens cut to the first 2")
    }

    @Test func textErrors() {
        #expect(throws: InitializationError.emptyText) { try PromptInitialization.fromText("", ids: [], virtualTokens: 2, table: table) }
        #expect(throws: InitializationError.tokenOutOfRange(id: 20, vocab: 20)) {
            try PromptInitialization.fromText("x", ids: [20], virtualTokens: 2, table: table)
        }
        #expect(throws: InitializationError.virtualTokens(0)) { try PromptInitialization.fromText("x", ids: [1], virtualTokens: 0, table: table) }
        #expect(throws: InitializationError.tableShape(expected: 6, found: 5)) { try EmbeddingTable(values: [0, 0, 0, 0, 0], vocab: 2, width: 3) }
    }

    @Test func goldenInitTextIDsFitExactly() throws {
        let golden = try GoldenPromptTuning()
        let big = try EmbeddingTable(values: [Float](repeating: 0, count: 49_152), vocab: 49_152, width: 1)
        let (prompt, report) = try PromptInitialization.fromText("Classify the sentiment of this review:", ids: golden.initTextIDs,
                                                                 virtualTokens: golden.virtualTokens, table: big)
        #expect(prompt.sourceTokenIDs == golden.initTextIDs && !report.cut && report.repeats == 1)
    }

    @Test func randomIsUniformInRangeAndSeeded() throws {
        let a = try PromptInitialization.random(virtualTokens: 20, width: 50, seed: 5)
        let b = try PromptInitialization.random(virtualTokens: 20, width: 50, seed: 5)
        let c = try PromptInitialization.random(virtualTokens: 20, width: 50, seed: 6)
        #expect(a.values == b.values && a.values != c.values)
        #expect(a.values.allSatisfy { $0 >= -0.5 && $0 < 0.5 })
        let mean = a.values.reduce(0, +) / Float(a.values.count)
        #expect(abs(mean) < 0.05, "mean \(mean)")  // 1000 samples: standard error ≈ 0.009
        #expect(a.sourceTokenIDs.isEmpty)
    }

    @Test func vocabularySamplesDistinctNonSpecialLowIDs() throws {
        let special: Set<Int32> = [0, 1, 2]
        let prompt = try PromptInitialization.vocabulary(virtualTokens: 10, table: table, specialIDs: special, seed: 9)
        #expect(Set(prompt.sourceTokenIDs).count == 10)
        #expect(prompt.sourceTokenIDs.allSatisfy { !special.contains($0) && $0 < 20 })
        for (k, id) in prompt.sourceTokenIDs.enumerated() { #expect(Array(prompt.row(k)) == Array(table.row(id))) }
        let again = try PromptInitialization.vocabulary(virtualTokens: 10, table: table, specialIDs: special, seed: 9)
        #expect(again == prompt)
        // More virtual tokens than the pool (17 ids): every id used before any repeats.
        let many = try PromptInitialization.vocabulary(virtualTokens: 20, table: table, specialIDs: special, seed: 1)
        #expect(Set(many.sourceTokenIDs.prefix(17)).count == 17)
    }
}
