import Testing
@testable import PromptTuning

@Suite("Batching")
struct BatchingTests {
    @Test func goldenBatchPaddingAndLabelPositions() throws {
        let golden = try GoldenPromptTuning()
        let pairs = golden.examples.map { TrainingPair(input: $0.input, output: $0.output) }
        let examples = try ExampleBuilder().build(pairs, tokenizer: golden.tokenizer).examples
        let n = golden.virtualTokens
        let batch = try Batching.batch(examples, virtualTokens: n, padID: 2)
        #expect(batch.rows == 12 && batch.length == golden.batchInputIDs[0].count)
        #expect(batch.sequenceLength == n + batch.length)
        for row in 0..<batch.rows {
            let tokens = Array(batch.tokens[row * batch.length ..< (row + 1) * batch.length])
            #expect(tokens == golden.batchInputIDs[row], "row \(row)")
        }
        // Golden labels are HF-style: label at token j is predicted from full position n + j - 1.
        var expected: [TargetPosition] = []
        for (row, labels) in golden.batchLabels.enumerated() {
            for (j, label) in labels.enumerated() where label != -100 {
                expected.append(TargetPosition(row: row, position: n + j - 1, label: label))
            }
        }
        #expect(batch.targets == expected)
        #expect(batch.targetTokenCount == golden.labelledTokens)
        #expect(batch.targetCounts == examples.map(\.targetIDs.count))
        #expect(batch.flatOutputPositions.first == n + examples[0].inputIDs.count - 1)
    }

    @Test func smallBatchByHand() throws {
        let a = TuningExample(inputIDs: [10, 11], targetIDs: [20, 2], pairIndex: 0)
        let b = TuningExample(inputIDs: [12], targetIDs: [21, 22, 2], pairIndex: 1)
        let batch = try Batching.batch([a, b], virtualTokens: 3, padID: 2)
        #expect(batch.tokens == [10, 11, 20, 2, 12, 21, 22, 2])
        #expect(batch.lengths == [4, 4])
        // a: token 2 (=20) from position 3+2-1 = 4, token 3 (=2) from 5; b: tokens 1,2,3 from 3,4,5.
        #expect(batch.targets.map(\.position) == [4, 5, 3, 4, 5])
        #expect(batch.targetRows == [0, 0, 1, 1, 1])
        #expect(batch.labels == [20, 2, 21, 22, 2])
        // Sequence length N + T = 7, so row 1 starts at flat index 7.
        #expect(batch.flatOutputPositions == [4, 5, 10, 11, 12])
        let c = TuningExample(inputIDs: [], targetIDs: [2], pairIndex: 4)
        #expect(throws: BatchingError.nothingBeforeTarget(pairIndex: 4)) {
            try Batching.batch([c], virtualTokens: 0, padID: 2)
        }
        #expect(try Batching.batch([c], virtualTokens: 1, padID: 2).targets == [TargetPosition(row: 0, position: 0, label: 2)])
        #expect(throws: BatchingError.noExamples) { try Batching.batch([], virtualTokens: 1, padID: 2) }
    }
}
