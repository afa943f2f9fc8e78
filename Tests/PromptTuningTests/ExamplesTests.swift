import Testing
@testable import PromptTuning

@Suite("Verbalizer and examples")
struct ExamplesTests {
    let chars = CharacterTokenizer()

    @Test func verbalizerFillsTemplate() throws {
        #expect(Verbalizer.standard.verbalize("so good") == "Input: so good Output:")
        let custom = try Verbalizer(template: "Review: {{input}}\nSentiment ({{input}}):")
        #expect(custom.verbalize("x") == "Review: x\nSentiment (x):")
        #expect(throws: VerbalizerError.missingPlaceholder(template: "Input: {input}")) {
            try Verbalizer(template: "Input: {input}")
        }
    }

    @Test func examplesMatchGoldenTokenization() throws {
        let golden = try GoldenPromptTuning()
        let pairs = golden.examples.map { TrainingPair(input: $0.input, output: $0.output) }
        let set = try ExampleBuilder().build(pairs, tokenizer: golden.tokenizer)
        #expect(set.inputsCut == 0 && set.targetsCut == 0)
        #expect(set.targetTokenCount == golden.labelledTokens)
        for (example, expected) in zip(set.examples, golden.examples) {
            #expect(example.ids == expected.ids, "pair \(example.pairIndex)")
            let labels = [Int32](repeating: -100, count: example.inputIDs.count) + example.targetIDs
            #expect(labels == expected.labels, "pair \(example.pairIndex)")
        }
    }

    @Test func inputIsCutInsideTheTemplate() throws {
        let builder = ExampleBuilder(limits: ExampleLimits(maxInputTokens: 20))
        // "Input: " (7) + input + " Output:" (8): 5 input characters fit in 20 tokens.
        let (ids, cut) = try builder.inputIDs(for: "abcdefghij", tokenizer: chars)
        #expect(cut)
        #expect(chars.decode(ids) == "Input: abcde Output:")
        let (short, shortCut) = try builder.inputIDs(for: "abc", tokenizer: chars)
        #expect(!shortCut && chars.decode(short) == "Input: abc Output:")
        let tight = ExampleBuilder(limits: ExampleLimits(maxInputTokens: 10))
        #expect(throws: ExampleError.templateTooLong(maxInputTokens: 10, templateTokens: 15)) {
            try tight.inputIDs(for: "abc", tokenizer: chars)
        }
    }

    @Test func targetIsCutWithEOSKept() throws {
        let builder = ExampleBuilder(limits: ExampleLimits(maxOutputTokens: 3))
        let (ids, cut) = try builder.targetIDs(for: "positive", tokenizer: chars)
        #expect(cut && ids == chars.encode(" p") + [2])
        let set = try builder.build([TrainingPair(input: "a", output: "o"), TrainingPair(input: "b", output: "no!")],
                                    tokenizer: chars)
        #expect(set.targetsCut == 1 && set.inputsCut == 0)
        #expect(set.examples[0].targetIDs == chars.encode(" o") + [2])
        let zero = ExampleBuilder(limits: ExampleLimits(maxOutputTokens: 0))
        #expect(throws: ExampleError.invalidLimit(name: "max_output_tokens", value: 0)) {
            try zero.targetIDs(for: "x", tokenizer: chars)
        }
    }

    @Test func cutInputDropsBrokenCharacters() {
        #expect(ExampleBuilder.dropBrokenTail("caf\u{FFFD}\u{FFFD}") == "caf")
        #expect(ExampleBuilder.dropBrokenTail("café") == "café")
    }
}
