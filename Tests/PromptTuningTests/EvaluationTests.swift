import Testing
@testable import PromptTuning

@Suite("Evaluation")
struct EvaluationTests {
    @Test func normalizationAndExactMatch() {
        #expect(Evaluation.normalize("  Hello\t  WORLD \n") == "hello world")
        #expect(Evaluation.exactMatch(" Positive ", "positive"))
        #expect(!Evaluation.exactMatch("positive.", "positive"))
    }

    @Test func rougeLByHand() {
        // pred "the cat sat on the mat" (6), ref "the cat is on the mat" (6): LCS "the cat on the mat" = 5.
        // P = R = 5/6, F1 = 5/6.
        #expect(abs(Evaluation.rougeL("the cat sat on the mat", "The cat is on the mat") - 5.0 / 6.0) < 1e-12)
        // pred "a b c d" (4), ref "b d" (2): LCS 2, P = 0.5, R = 1, F1 = 2·0.5·1/1.5 = 2/3.
        #expect(abs(Evaluation.rougeL("a b c d", "b d") - 2.0 / 3.0) < 1e-12)
        #expect(Evaluation.rougeL("x y", "z") == 0)
        #expect(Evaluation.rougeL("", "") == 1)
        #expect(Evaluation.rougeL("", "a") == 0)
        #expect(Evaluation.lcsLength(Array("ABCBDAB"), Array("BDCABA")) == 4)
    }

    @Test func accuracyForALabelSet() {
        let report = Evaluation.score(predictions: ["positive", " Negative.", "positive, clearly", "neutral", ""],
                                      references: ["positive", "negative", "positive", "negative", "positive"])
        #expect(report.metric == .accuracy)
        #expect(report.labels == ["negative", "positive"])
        #expect(report.perExample == [1, 1, 1, 0, 0])
        #expect(abs(report.value - 0.6) < 1e-12)
        #expect(abs(report.exactMatch - 0.2) < 1e-12)  // only the first is an exact match
    }

    @Test func rougeForFreeText() {
        let references = (0..<11).map { "answer number \($0)" }
        var predictions = references
        predictions[0] = "answer"  // LCS 1: P = 1, R = 1/3, F1 = 0.5
        let report = Evaluation.score(predictions: predictions, references: references)
        #expect(report.metric == .rougeL && report.labels.isEmpty)
        #expect(abs(report.perExample[0] - 0.5) < 1e-12)
        #expect(abs(report.value - 10.5 / 11) < 1e-12)
        #expect(abs(report.exactMatch - 10.0 / 11) < 1e-12)
    }
}
