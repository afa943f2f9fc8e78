import Numerics
import Testing
import LanguageModel

// T = positions, C = width, V = vocab.

/// The tiny model of the brief: 2 layers, width 16, 4 heads over 2 kv heads of size 4, ffn 24, vocab 64.
private func tinyConfig(context: Int = 32) -> LlamaConfig {
    LlamaConfig(layers: 2, width: 16, heads: 4, kvHeads: 2, headSize: 4, ffnWidth: 24, vocab: 64,
                contextLength: context, ropeTheta: 10_000, rmsEps: 1e-5, tiedOutput: true)
}

private let tinyWeights = LlamaWeights.random(config: tinyConfig(), seed: 2024)
private let tokens: [Int32] = [5, 17, 63, 0, 42, 8, 8, 31, 2, 50, 19, 7]
private let tolerance = 1e-5

/// Expects `got` (V) to match `expected` (V) within `tolerance`, naming the position on failure.
private func expectClose(_ got: UnsafeBufferPointer<Float>, _ expected: [Double], _ what: String) {
    #expect(got.count == expected.count, "\(what): \(got.count) logits, expected \(expected.count)")
    let (maxDiff, firstBad) = logitDifference(got, expected, tolerance: tolerance)
    #expect(firstBad == nil, "\(what): max diff \(maxDiff), first bad index \(firstBad ?? -1)")
}

@Suite("Generation: inference session and KV cache")
struct GenerationSessionTests {
    @Test("prefill of the whole sequence matches the naive forward's last row")
    func prefillMatchesNaive() throws {
        let expected = NaiveForward.logits(weights: tinyWeights, embeddings: NaiveForward.embed(tinyWeights, tokens))
        let session = InferenceSession(weights: tinyWeights)
        expectClose(try session.prefill(tokens: tokens), expected[tokens.count - 1], "prefill(all)")
        #expect(session.position == tokens.count)
    }

    @Test("prefill(prefix) then step(…) gives the naive logits at every later position",
          arguments: [1, 4, 11])
    func stepsMatchNaive(prefix: Int) throws {
        let expected = NaiveForward.logits(weights: tinyWeights, embeddings: NaiveForward.embed(tinyWeights, tokens))
        let session = InferenceSession(weights: tinyWeights, initialCapacity: 2)  // forces growth
        expectClose(try session.prefill(tokens: Array(tokens[..<prefix])), expected[prefix - 1], "prefill(\(prefix))")
        for position in prefix..<tokens.count {
            expectClose(try session.step(token: tokens[position]), expected[position], "step at position \(position)")
        }
        // And the whole-prompt prefill agrees with the stepped result at the end.
        let fresh = InferenceSession(weights: tinyWeights)
        let whole = Array(try fresh.prefill(tokens: tokens))
        let stepped = Array(session.logits)
        #expect(whole.indices.allSatisfy { abs(whole[$0] - stepped[$0]) <= Float(tolerance) })
    }

    @Test("stepped logits equal the batched training forward (LlamaModel) at every position")
    func stepsMatchTrainingForward() throws {
        let model = LlamaModel(weights: tinyWeights)
        let inputs = model.embed(tokens)
        let arena = ActivationArena(config: tinyWeights.config, batch: 1, length: tokens.count, outputs: tokens.count)
        let all = inputs.withUnsafeBufferPointer { x in
            model.forward(inputs: x, batch: 1, length: tokens.count, lengths: [tokens.count],
                          outputPositions: tokens.indices.map { (0, $0) }, activations: arena)
        }  // (T, V)
        let v = tinyWeights.config.vocab
        let session = InferenceSession(weights: tinyWeights)
        expectClose(try session.prefill(tokens: [tokens[0]]), all[0..<v].map(Double.init), "position 0")
        for position in 1..<tokens.count {
            expectClose(try session.step(token: tokens[position]),
                        all[(position * v)..<((position + 1) * v)].map(Double.init), "position \(position)")
        }
    }

    @Test("chunked prefill equals a one-chunk prefill")
    func chunkedPrefill() throws {
        let one = InferenceSession(weights: tinyWeights, chunkRows: 128)
        let chunked = InferenceSession(weights: tinyWeights, initialCapacity: 1, chunkRows: 5)
        let a = Array(try one.prefill(tokens: tokens))
        let b = try chunked.prefill(tokens: tokens)
        expectClose(b, a.map(Double.init), "chunks of 5")
        let rowByRow = InferenceSession(weights: tinyWeights, initialCapacity: 1, chunkRows: 1)
        expectClose(try rowByRow.prefill(tokens: tokens), a.map(Double.init), "chunks of 1")
    }

    @Test("embedding rows that are not tokens (virtual tokens) run at positions 0..<n")
    func virtualTokenRows() throws {
        var rng = SeededRNG(seed: 9)
        let virtual = (0..<(3 * 16)).map { _ in rng.nextFloat() * 2 - 1 }  // (3, C)
        let rows = virtual + NaiveForward.embed(tinyWeights, Array(tokens[..<6]))
        let expected = NaiveForward.logits(weights: tinyWeights, embeddings: rows + NaiveForward.embed(tinyWeights, [tokens[6]]))
        let session = InferenceSession(weights: tinyWeights)
        expectClose(try session.prefill(embeddings: rows), expected[8], "prefill(virtual + 6 tokens)")
        expectClose(try session.step(token: tokens[6]), expected[9], "step after virtual rows")
    }

    @Test("rewind recomputes the same logits from a kept prefix")
    func rewindKeepsPrefix() throws {
        let session = InferenceSession(weights: tinyWeights)
        try session.prefill(tokens: Array(tokens[..<5]))
        let first = Array(try session.step(token: tokens[5]))
        try session.step(token: 3)
        session.rewind(to: 5)
        let again = Array(try session.step(token: tokens[5]))
        #expect(first == again, "rewind then step differs")
    }

    @Test("inputs longer than the context are errors, never overruns")
    func contextLimit() throws {
        let weights = LlamaWeights.random(config: tinyConfig(context: 8), seed: 1)
        let session = InferenceSession(weights: weights, initialCapacity: 3)
        #expect(throws: GenerationError.contextOverflow(needed: 9, limit: 8)) {
            try session.prefill(tokens: [Int32](repeating: 4, count: 9))
        }
        #expect(session.position == 0)
        try session.prefill(tokens: [Int32](repeating: 4, count: 8))
        #expect(session.cache.capacity == 8)
        #expect(throws: GenerationError.contextOverflow(needed: 9, limit: 8)) { try session.step(token: 1) }
        #expect(throws: GenerationError.tokenOutOfRange(id: 64, vocab: 64)) { try session.step(token: 64) }
        #expect(throws: GenerationError.emptyPrompt) { try session.prefill(tokens: []) }
        #expect(throws: GenerationError.embeddingShape(count: 20, rows: 2, width: 16)) {
            try [Float](repeating: 0, count: 20).withUnsafeBufferPointer { try session.prefill(embeddings: $0, count: 2) }
        }
    }
}
