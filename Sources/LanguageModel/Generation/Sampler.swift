import Foundation
import Numerics

// V = vocabulary.

/// Picks the next token from a row of logits: greedy, or a draw at a temperature, optionally
/// restricted to the `topK` most likely tokens and then to the nucleus of mass `topP`.
///
/// Deterministic: every draw comes from the sampler's own `SeededRNG`, candidates are ordered by
/// logit (descending) with ties broken toward the lower id, and sums run in Double in that order.
/// Scratch buffers live in the sampler and are reused, so sampling a token allocates nothing
/// after the first call.
public struct Sampler: Sendable {
    /// Softmax temperature; 0 (or less) means greedy.
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP`; 1 keeps all.
    public var topP: Float
    /// The generator every draw comes from.
    public var rng: SeededRNG

    // weights: (V) unnormalized probabilities exp((logit - max) / temperature).
    private var weights: [Float] = []
    // order: candidate ids, best first.
    private var order: [Int32] = []

    /// Creates a sampler; the defaults sample from the full distribution at temperature 1.
    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = max(0, topK)
        self.topP = topP
        self.rng = SeededRNG(seed: seed)
    }

    /// Always the most likely token (ties toward the lower id).
    public static var greedy: Sampler { Sampler(temperature: 0) }

    /// Whether this sampler ignores its generator and takes the argmax.
    public var isGreedy: Bool { temperature <= 0 || topK == 1 }

    // MARK: - Sampling

    /// The next token for a row of logits. logits: (V).
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        precondition(!logits.isEmpty, "sampling from an empty logits row")
        if isGreedy { return Self.argmax(logits) }
        let v = logits.count
        if weights.count != v { weights = [Float](repeating: 0, count: v) }
        let maximum = logits[Int(Self.argmax(logits))]
        let inverseTemperature = 1 / temperature
        var total = 0.0
        weights.withUnsafeMutableBufferPointer { w in
            for i in 0..<v {
                let e = Foundation.exp((logits[i] - maximum) * inverseTemperature)
                w[i] = e
                total += Double(e)
            }
        }
        let filtering = (topK > 0 && topK < v) || topP < 1
        guard filtering else { return drawInIDOrder(total: total) }

        selectCandidates(logits, total: total)
        var mass = 0.0
        for id in order { mass += Double(weights[Int(id)]) }
        if topP < 1 {
            // Nucleus: the shortest best-first prefix whose share of the remaining mass reaches topP.
            var running = 0.0
            var keep = order.count
            for (rank, id) in order.enumerated() {
                running += Double(weights[Int(id)])
                if running >= Double(topP) * mass { keep = rank + 1; break }
            }
            order.removeSubrange(keep...)
            mass = running  // the kept prefix's mass, summed in the same order as the draw below
        }
        let u = rng.nextDouble() * mass
        var running = 0.0
        for id in order {
            running += Double(weights[Int(id)])
            if running > u { return id }
        }
        return order[order.count - 1]
    }

    /// The index of the largest logit, the lower id on ties; NaN never wins.
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for i in 0..<logits.count where logits[i] > bestValue {
            best = i
            bestValue = logits[i]
        }
        return Int32(best)
    }

    // MARK: - Candidates

    /// A draw from the whole distribution, walking ids in order (no sort needed).
    private mutating func drawInIDOrder(total: Double) -> Int32 {
        let u = rng.nextDouble() * total
        var running = 0.0
        for i in 0..<weights.count {
            running += Double(weights[i])
            if running > u { return Int32(i) }
        }
        return Int32(weights.count - 1)
    }

    /// Fills `order` with the candidate ids, best first (logit descending, lower id on ties).
    /// With `topK`, exactly the k best. With only `topP`, every token whose probability is at least
    /// (1 - topP) / V: the ones left out hold less than 1 - topP in all, so the nucleus lies
    /// entirely inside this set, and sorting it is much cheaper than sorting the whole vocabulary.
    private mutating func selectCandidates(_ logits: UnsafeBufferPointer<Float>, total: Double) {
        let v = logits.count
        order.removeAll(keepingCapacity: true)
        func better(_ a: Int32, _ b: Int32) -> Bool {
            let la = logits[Int(a)], lb = logits[Int(b)]
            return la > lb || (la == lb && a < b)
        }
        if topK > 0 && topK < v && topK <= 256 {
            // Insertion into a sorted list of the k best so far: one comparison for most tokens.
            for i in 0..<Int32(v) {
                if order.count == topK {
                    guard better(i, order[topK - 1]) else { continue }
                    order.removeLast()
                }
                var slot = order.count
                while slot > 0 && better(i, order[slot - 1]) { slot -= 1 }
                order.insert(i, at: slot)
            }
            return
        }
        if topK > 0 && topK < v {
            for i in 0..<Int32(v) { order.append(i) }
        } else {
            let threshold = Double(1 - topP) / Double(v) * total
            for i in 0..<v where Double(weights[i]) >= threshold { order.append(Int32(i)) }
        }
        order.sort(by: better)
        if topK > 0 && topK < order.count { order.removeSubrange(topK...) }
    }
}
