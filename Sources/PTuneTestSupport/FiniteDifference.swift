/// Central finite differences of a scalar function of a Float vector, for gradient checks of
/// every backward pass: ∂f/∂x[i] ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h), with the difference taken in
/// Double and `h` the step actually representable at x[i].
public enum FiniteDifference {
    /// The numerical partial derivatives of `f` at `x` for the chosen `indices`.
    /// `step` is relative to max(1, |x[i]|), so large entries get proportionally large steps.
    public static func gradient(of f: ([Float]) throws -> Double, at x: [Float], indices: [Int],
                                step: Float = 1e-2) rethrows -> [Double] {
        var probe = x
        var result: [Double] = []
        result.reserveCapacity(indices.count)
        for i in indices {
            let original = x[i]
            let h = step * max(1, abs(original))
            let up = original + h, down = original - h
            probe[i] = up
            let fUp = try f(probe)
            probe[i] = down
            let fDown = try f(probe)
            probe[i] = original
            // Divide by the steps as stored in Float, not the intended h.
            result.append((fUp - fDown) / (Double(up) - Double(down)))
        }
        return result
    }

    /// `gradient(of:at:indices:step:)` for a Float-valued function (the loss of a Float32 model).
    public static func gradient(of f: ([Float]) throws -> Float, at x: [Float], indices: [Int],
                                step: Float = 1e-2) rethrows -> [Double] {
        try gradient(of: { Double(try f($0)) }, at: x, indices: indices, step: step)
    }

    /// Compares an analytic gradient with numerical differences at `indices`: each pair agrees when
    /// |analytic − numeric| ≤ absTolerance + relTolerance · |numeric|.
    public static func check(analytic: [Float], numeric: [Double], indices: [Int],
                             absTolerance: Double = 1e-4, relTolerance: Double = 1e-2) -> GradientCheck {
        var worst = 0.0, worstIndex = -1
        var firstBad: Int? = nil
        for (k, i) in indices.enumerated() {
            let a = Double(analytic[i]), n = numeric[k]
            let diff = abs(a - n)
            if diff > worst || diff.isNaN { worst = diff; worstIndex = i }
            if firstBad == nil, !(diff <= absTolerance + relTolerance * abs(n)) { firstBad = i }
        }
        return GradientCheck(checked: indices.count, maxAbsDiff: worst, maxIndex: worstIndex, firstBadIndex: firstBad,
                             firstBadValues: firstBad.flatMap { i in
                                 indices.firstIndex(of: i).map { (Double(analytic[i]), numeric[$0]) }
                             })
    }
}

/// The result of `FiniteDifference.check`.
public struct GradientCheck: Sendable, CustomStringConvertible {
    /// How many entries were checked.
    public let checked: Int
    /// Largest |analytic − numeric|.
    public let maxAbsDiff: Double
    /// The index (into the full gradient) of the largest difference.
    public let maxIndex: Int
    /// The first index out of tolerance, or nil.
    public let firstBadIndex: Int?
    /// Analytic and numeric values at `firstBadIndex`.
    public let firstBadValues: (analytic: Double, numeric: Double)?

    /// True when every checked entry is within tolerance.
    public var passed: Bool { firstBadIndex == nil }

    /// One line for a failing `#expect`.
    public var description: String {
        var s = "\(checked) entries: max abs diff \(maxAbsDiff) at index \(maxIndex)"
        if let i = firstBadIndex, let v = firstBadValues {
            s += "; first bad index \(i) (analytic \(v.analytic), numeric \(v.numeric))"
        }
        return s
    }
}
