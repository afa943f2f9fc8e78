import Numerics

/// The session's pairs: one list in load order, some of which are held out for validation.
/// Holding indices rather than two lists lets `split` be redone from the same starting point.
public struct PairSet: Sendable, Codable, Equatable {
    /// Every pair, in the order it was loaded or added.
    public private(set) var all: [TrainingPair]
    /// Indices into `all` of the held-out pairs, ascending.
    public private(set) var validationIndices: [Int]

    /// A set with every pair used for training.
    public init(_ pairs: [TrainingPair] = []) {
        all = pairs
        validationIndices = []
    }

    /// The pairs the prompt is tuned on, in load order.
    public var training: [TrainingPair] {
        let held = Set(validationIndices)
        return all.indices.filter { !held.contains($0) }.map { all[$0] }
    }

    /// The held-out pairs, in load order.
    public var validation: [TrainingPair] { validationIndices.map { all[$0] } }

    /// Number of pairs, training and validation together.
    public var count: Int { all.count }

    // MARK: - Editing

    /// Adds pairs for training.
    public mutating func append(contentsOf pairs: [TrainingPair]) { all.append(contentsOf: pairs) }

    /// Removes every pair.
    public mutating func removeAll() {
        all = []
        validationIndices = []
    }

    /// Holds out `fraction` of all pairs for validation, chosen by a seeded shuffle, so the same
    /// seed always holds out the same pairs. `round(fraction · count)` pairs are held out, at least
    /// one when the fraction is positive, and at least one pair is always left for training.
    /// A fraction of 0 puts every pair back into training.
    public mutating func split(fraction: Double, seed: UInt64) throws(PairSetError) {
        guard fraction >= 0, fraction < 1, fraction.isFinite else { throw .invalidFraction(fraction) }
        guard fraction > 0 else {
            validationIndices = []
            return
        }
        guard all.count >= 2 else { throw .tooFewPairs(count: all.count) }
        var held = Int((fraction * Double(all.count)).rounded())
        held = min(max(held, 1), all.count - 1)
        var order = Array(all.indices)
        var rng = SeededRNG(seed: seed)
        rng.shuffle(&order)
        validationIndices = order.prefix(held).sorted()
    }

    // MARK: - Identity

    /// A stable hash of the pairs' text and the split (not of where they came from), written in
    /// replay headers and `ptune_state.json` to tell whether a run used the same data.
    /// FNV-1a 64 over length-prefixed UTF-8, as `fnv1a64:` + 16 hex digits.
    public var contentHash: String {
        var hash = FNV1a64()
        hash.add(UInt64(all.count))
        for pair in all {
            hash.add(pair.input)
            hash.add(pair.output)
        }
        hash.add(UInt64(validationIndices.count))
        for index in validationIndices { hash.add(UInt64(index)) }
        return "fnv1a64:" + hash.hex
    }
}

/// Why a split was refused.
public enum PairSetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The fraction is outside [0, 1).
    case invalidFraction(Double)
    /// Fewer than two pairs cannot be split into training and validation.
    case tooFewPairs(count: Int)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .invalidFraction(value):
            return "expected a validation fraction in [0, 1), found \(value)"
        case let .tooFewPairs(count):
            return "expected at least 2 pairs to split into training and validation, found \(count)"
        }
    }
}

// MARK: - Hash

/// 64-bit FNV-1a: tiny, stable across platforms, good enough to tell data sets apart.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }

    mutating func add(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    /// Adds the string's UTF-8 length, then its bytes, so ("ab","c") and ("a","bc") differ.
    mutating func add(_ text: String) {
        add(UInt64(text.utf8.count))
        for byte in text.utf8 { add(byte: byte) }
    }

    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
