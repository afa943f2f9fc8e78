import Numerics
import Testing
import LanguageModel

// T = positions, C = width, V = vocab.

private let config = LlamaConfig(layers: 2, width: 16, heads: 4, kvHeads: 2, headSize: 4, ffnWidth: 24,
                                  vocab: 64, contextLength: 24, ropeTheta: 10_000, rmsEps: 1e-5, tiedOutput: true)
// scale 3 makes logits spread enough that greedy choices are far from ties.
private let weights = LlamaWeights.random(config: config, seed: 77, scale: 3)
private let prompt: [Int32] = [3, 14, 15, 9, 26]

/// Greedy continuation by re-running the naive cache-free forward over the whole sequence each step.
private func naiveGreedy(_ prompt: [Int32], count: Int) -> [Int32] {
    var sequence = prompt
    for _ in 0..<count {
        let last = NaiveForward.logits(weights: weights, embeddings: NaiveForward.embed(weights, sequence)).last!
        let best = last.indices.max { last[$0] < last[$1] || (last[$0] == last[$1] && $0 > $1) }!
        sequence.append(Int32(best))
    }
    return Array(sequence[prompt.count...])
}

@Suite("Generation: streaming loop")
struct GenerationLoopTests {
    @Test("greedy generation equals a no-cache argmax loop and streams every token")
    func greedyMatchesNoCacheLoop() throws {
        let expected = naiveGreedy(prompt, count: 10)
        let generator = Generator(weights: weights)
        var sampler = Sampler.greedy
        var streamed: [Int32] = []
        let result = try generator.generate(prompt: .tokens(prompt), maxTokens: 10, sampler: &sampler,
                                            onToken: { streamed.append($0) })
        #expect(result.ids == expected, "expected \(expected), got \(result.ids)")
        #expect(streamed == result.ids)
        #expect(result.stopReason == .maxTokens)
        #expect(result.timing.promptTokens == prompt.count)
        #expect(result.timing.generatedTokens == 10 && result.timing.decodeSteps == 9)
        #expect(result.timing.prefillMilliseconds >= 0 && result.timing.decodeMilliseconds >= 0)
    }

    @Test("a stop token ends generation, is kept last, and is not streamed")
    func stopsAtStopToken() throws {
        let free = naiveGreedy(prompt, count: 8)
        let stop = free[3]
        let firstStop = free.firstIndex(of: stop)!
        var sampler = Sampler.greedy
        var streamed: [Int32] = []
        let result = try Generator(weights: weights).generate(
            prompt: .tokens(prompt), maxTokens: 8, stopAt: [stop], sampler: &sampler, onToken: { streamed.append($0) })
        #expect(result.stopReason == .eos)
        #expect(result.ids == Array(free[...firstStop]), "expected \(Array(free[...firstStop])), got \(result.ids)")
        #expect(result.contentIDs == streamed)
    }

    @Test("shouldStop interrupts between tokens")
    func interruption() throws {
        var sampler = Sampler.greedy
        var polls = 0
        let result = try Generator(weights: weights).generate(
            prompt: .tokens(prompt), maxTokens: 10, sampler: &sampler,
            shouldStop: { polls += 1; return polls > 4 })
        #expect(result.stopReason == .interrupted)
        #expect(result.ids.count == 4)
    }

    @Test("generation stops cleanly at the end of the context")
    func contextFull() throws {
        var sampler = Sampler.greedy
        let result = try Generator(weights: weights).generate(prompt: .tokens(prompt), maxTokens: 100, sampler: &sampler)
        #expect(result.stopReason == .contextFull)
        // The last token needs no forward pass, so one more than the free positions fits.
        #expect(result.ids.count == config.contextLength - prompt.count + 1)
    }

    @Test("an embedding prompt of token rows equals the token prompt; sampling is seed-deterministic")
    func embeddingPromptAndSeeds() throws {
        let generator = Generator(weights: weights)
        func run(_ p: GenerationPrompt, seed: UInt64) throws -> [Int32] {
            var sampler = Sampler(temperature: 1.2, topK: 20, topP: 0.95, seed: seed)
            return try generator.generate(prompt: p, maxTokens: 12, sampler: &sampler).ids
        }
        let rows = NaiveForward.embed(weights, prompt)
        let a = try run(.tokens(prompt), seed: 5), b = try run(.embeddings(rows), seed: 5)
        #expect(a == b, "ids prompt \(a) vs embedding prompt \(b)")
        #expect(try run(.tokens(prompt), seed: 5) == a)
        #expect(try run(.tokens(prompt), seed: 6) != a)
    }

    @Test("the decode benchmark runs its fixed workload")
    func benchmarkRuns() throws {
        let result = try DecodeBenchmark.run(weights: weights, promptTokens: 8, decodeTokens: 8)
        #expect(result.promptTokens == 8 && result.decodeTokens == 8)
        #expect(result.prefillTokensPerSecond > 0 && result.decodeTokensPerSecond > 0)
        #expect(throws: GenerationError.contextOverflow(needed: 25, limit: 24)) {
            try DecodeBenchmark.run(weights: weights, promptTokens: 16, decodeTokens: 9)
        }
    }
}
