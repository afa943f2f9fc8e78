import Foundation
import Numerics
import Testing
import LanguageModel

// V = vocabulary.

/// Draws `n` tokens from `logits` and returns how often each id came up.
private func histogram(_ sampler: inout Sampler, _ logits: [Float], draws n: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: logits.count)
    logits.withUnsafeBufferPointer { row in
        for _ in 0..<n { counts[Int(sampler.sample(row))] += 1 }
    }
    return counts
}

/// softmax(logits / temperature) in Double.
private func softmax(_ logits: [Float], temperature: Double = 1) -> [Double] {
    let m = Double(logits.max()!)
    let e = logits.map { Foundation.exp((Double($0) - m) / temperature) }
    let z = e.reduce(0, +)
    return e.map { $0 / z }
}

/// Random logits: (V), uniform in ±scale.
private func randomLogits(_ v: Int, seed: UInt64, scale: Float = 4) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<v).map { _ in (rng.nextFloat() * 2 - 1) * scale }
}

@Suite("Sampler")
struct SamplerTests {
    @Test("greedy picks the argmax, the lower id on ties")
    func greedyIsArgmax() {
        var sampler = Sampler.greedy
        for seed in 0..<20 as Range<UInt64> {
            let logits = randomLogits(500, seed: seed)
            let expected = logits.indices.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
            let got = logits.withUnsafeBufferPointer { sampler.sample($0) }
            #expect(Int(got) == expected, "seed \(seed): expected \(expected), got \(got)")
        }
        let tied: [Float] = [1, 3, 2, 3, 3, -1]
        #expect(tied.withUnsafeBufferPointer { sampler.sample($0) } == 1)
        let withNaN: [Float] = [.nan, 0.5, 2, .nan]
        #expect(withNaN.withUnsafeBufferPointer { sampler.sample($0) } == 2)
    }

    @Test("top-k = 1 and a tiny top-p are greedy at any temperature")
    func degenerateFiltersAreGreedy() {
        var topK = Sampler(temperature: 1.5, topK: 1, seed: 7)
        var topP = Sampler(temperature: 1.5, topP: 1e-6, seed: 7)
        for seed in 0..<20 as Range<UInt64> {
            var logits = randomLogits(1000, seed: 100 + seed, scale: 1)
            if seed % 5 == 0 { logits[17] = logits.max()!; logits[400] = logits[17] }  // exact ties
            let greedy = logits.withUnsafeBufferPointer { Sampler.argmax($0) }
            let k = logits.withUnsafeBufferPointer { topK.sample($0) }
            let p = logits.withUnsafeBufferPointer { topP.sample($0) }
            #expect(k == greedy, "seed \(seed): top-k=1 gave \(k), argmax \(greedy)")
            #expect(p == greedy, "seed \(seed): top-p tiny gave \(p), argmax \(greedy)")
        }
    }

    @Test("the same seed gives the same sequence; another seed a different one")
    func seedDeterminesSequence() {
        let rows = (0..<64).map { randomLogits(300, seed: 1000 + UInt64($0), scale: 2) }
        func run(seed: UInt64, topK: Int, topP: Float) -> [Int32] {
            var sampler = Sampler(temperature: 0.9, topK: topK, topP: topP, seed: seed)
            return rows.map { row in row.withUnsafeBufferPointer { sampler.sample($0) } }
        }
        for (k, p) in [(0, 1), (40, 1), (0, 0.9), (40, 0.9), (300, 0.95)] as [(Int, Float)] {
            let a = run(seed: 42, topK: k, topP: p), b = run(seed: 42, topK: k, topP: p)
            let c = run(seed: 43, topK: k, topP: p)
            #expect(a == b, "top-k \(k) top-p \(p): same seed gave different sequences")
            #expect(a != c, "top-k \(k) top-p \(p): seeds 42 and 43 gave the same 64 tokens")
        }
    }

    @Test("temperature draws follow softmax(logits / T)", arguments: [1.0, 0.5, 2.0] as [Float])
    func distributionFollowsSoftmax(temperature: Float) {
        let logits: [Float] = [0.5, 1.5, -0.3, 1.0, 0.0]
        var sampler = Sampler(temperature: temperature, seed: 3)
        let draws = 40_000
        let counts = histogram(&sampler, logits, draws: draws)
        let expected = softmax(logits, temperature: Double(temperature))
        for i in logits.indices {
            let frequency = Double(counts[i]) / Double(draws)
            // 4 standard deviations of a binomial frequency.
            let tolerance = 4 * (expected[i] * (1 - expected[i]) / Double(draws)).squareRoot()
            #expect(abs(frequency - expected[i]) < tolerance,
                    "T \(temperature) id \(i): expected \(expected[i]), got \(frequency)")
        }
    }

    @Test("top-k draws only the k best, in renormalized proportion")
    func topKRestrictsAndRenormalizes() {
        let logits: [Float] = [0.1, 2.0, 1.0, -1.0, 1.5, 0.3]
        var sampler = Sampler(temperature: 1, topK: 3, seed: 11)
        let draws = 30_000
        let counts = histogram(&sampler, logits, draws: draws)
        let kept = [1, 4, 2]
        #expect(counts[0] == 0 && counts[3] == 0 && counts[5] == 0, "drew outside the top 3: \(counts)")
        let mass = kept.map { Foundation.exp(Double(logits[$0])) }.reduce(0, +)
        for id in kept {
            let expected = Foundation.exp(Double(logits[id])) / mass
            let frequency = Double(counts[id]) / Double(draws)
            #expect(abs(frequency - expected) < 0.015, "id \(id): expected \(expected), got \(frequency)")
        }
    }

    @Test("top-p keeps the smallest best-first set reaching p")
    func topPKeepsNucleus() {
        // Probabilities 0.5, 0.3, 0.15, 0.05 (in a scrambled id order).
        let probabilities: [Double] = [0.15, 0.5, 0.05, 0.3]
        let logits = probabilities.map { Float(Foundation.log($0)) }
        var sampler = Sampler(temperature: 1, topP: 0.7, seed: 5)
        let draws = 20_000
        let counts = histogram(&sampler, logits, draws: draws)
        #expect(counts[0] == 0 && counts[2] == 0, "drew outside the nucleus {1, 3}: \(counts)")
        let frequency = Double(counts[1]) / Double(draws)
        #expect(abs(frequency - 0.625) < 0.015, "id 1: expected 0.625 (= 0.5 / 0.8), got \(frequency)")
    }

    @Test("top-p on a large vocabulary draws only from the exact nucleus")
    func topPLargeVocabularyMatchesFullSort() {
        let logits = randomLogits(2000, seed: 99, scale: 6)
        let p = softmax(logits)
        let sorted = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        var running = 0.0
        var nucleus = Set<Int>()
        for id in sorted {
            nucleus.insert(id)
            running += p[id]
            if running >= 0.8 { break }
        }
        var sampler = Sampler(temperature: 1, topP: 0.8, seed: 8)
        let counts = histogram(&sampler, logits, draws: 1500)
        let outside = counts.indices.filter { counts[$0] > 0 && !nucleus.contains($0) }
        #expect(outside.isEmpty, "drew \(outside.count) ids outside the \(nucleus.count)-token nucleus, first \(outside.first ?? -1)")
        #expect(counts.filter { $0 > 0 }.count > nucleus.count / 4, "too few distinct ids drawn")
    }
}
