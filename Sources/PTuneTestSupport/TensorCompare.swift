/// The outcome of comparing a computed tensor with an expected one, with everything a failing
/// test should print: max abs difference and where, the first index out of tolerance, and the
/// relative L2 error ‖got − expected‖ / ‖expected‖ (accumulated in Double).
public struct TensorComparison: Sendable, CustomStringConvertible {
    /// Elements compared (the shorter length when the counts differ).
    public let count: Int
    /// Whether the two had the same number of elements.
    public let sameCount: Bool
    /// Largest |got − expected| (infinity when a NaN appears on one side only).
    public let maxAbsDiff: Float
    /// Where `maxAbsDiff` occurs (-1 when nothing was compared).
    public let maxIndex: Int
    /// The first index where |got − expected| > absTolerance + relTolerance · |expected|, or nil.
    public let firstBadIndex: Int?
    /// ‖got − expected‖₂ / ‖expected‖₂ (or ‖got − expected‖₂ when expected is all zeros).
    public let relativeL2: Double
    /// The got/expected pair at `firstBadIndex`, for the message.
    public let firstBadValues: (got: Float, expected: Float)?

    /// True when counts match and every element is within tolerance.
    public var passed: Bool { sameCount && firstBadIndex == nil }

    /// A one-line summary for a failing `#expect`.
    public var message: String {
        var parts: [String] = []
        if !sameCount { parts.append("element counts differ") }
        parts.append("\(count) values: max abs diff \(maxAbsDiff) at index \(maxIndex)")
        if let i = firstBadIndex, let v = firstBadValues {
            parts.append("first bad index \(i) (got \(v.got), expected \(v.expected))")
        } else {
            parts.append("none out of tolerance")
        }
        parts.append("relative L2 error \(relativeL2)")
        return parts.joined(separator: "; ")
    }

    /// Same as `message`.
    public var description: String { message }
}

/// Element-wise tensor comparison for tests.
public enum TensorCompare {
    /// Compares `got` with `expected` element by element. An element is bad when
    /// |got − expected| > absTolerance + relTolerance · |expected|, or when exactly one side is NaN.
    public static func compare<A: Collection, B: Collection>(
        _ got: A, _ expected: B, absTolerance: Float = 0, relTolerance: Float = 0
    ) -> TensorComparison where A.Element == Float, B.Element == Float {
        let g = Array(got), e = Array(expected)
        let n = min(g.count, e.count)
        var maxDiff: Float = 0, maxIndex = n > 0 ? 0 : -1
        var firstBad: Int? = nil
        var diffSquares = 0.0, refSquares = 0.0
        for i in 0..<n {
            let a = g[i], b = e[i]
            let diff: Float
            if a.isNaN || b.isNaN {
                diff = (a.isNaN && b.isNaN) ? 0 : .infinity
            } else if a == b {
                diff = 0   // also equal infinities
            } else {
                diff = abs(a - b)
            }
            if diff > maxDiff { maxDiff = diff; maxIndex = i }
            if firstBad == nil, diff > absTolerance + relTolerance * abs(b) || (diff.isNaN) { firstBad = i }
            if diff.isFinite { diffSquares += Double(diff) * Double(diff) } else { diffSquares = .infinity }
            if b.isFinite { refSquares += Double(b) * Double(b) }
        }
        let relative = refSquares > 0 ? (diffSquares / refSquares).squareRoot() : diffSquares.squareRoot()
        return TensorComparison(count: n, sameCount: g.count == e.count, maxAbsDiff: maxDiff, maxIndex: maxIndex,
                                firstBadIndex: firstBad, relativeL2: relative,
                                firstBadValues: firstBad.map { (g[$0], e[$0]) })
    }
}
