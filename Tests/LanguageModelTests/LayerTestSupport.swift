import Numerics
import Testing

// Local finite-difference and tensor-compare helpers: PTuneTestSupport's shared versions were not
// merged when these tests were written. They are small on purpose.

// MARK: - Random tensors

/// `count` values uniform in ±`scale`, from a seeded generator.
func randomTensor(_ count: Int, scale: Float = 1, rng: inout SeededRNG) -> [Float] {
    (0..<count).map { _ in (rng.nextFloat() * 2 - 1) * scale }
}

// MARK: - Comparison

/// The largest absolute difference and where it first occurs.
struct Difference: CustomStringConvertible {
    /// max |a − b|
    var maxAbs: Double
    /// Index of that maximum.
    var index: Int
    /// First index whose difference exceeds the tolerance, if any.
    var firstBad: Int?
    /// The two values at `firstBad`.
    var badValues: (Double, Double)?

    var description: String {
        var text = "max |diff| = \(maxAbs) at \(index)"
        if let firstBad, let badValues { text += "; first bad index \(firstBad): \(badValues.0) vs \(badValues.1)" }
        return text
    }
}

/// Compares elementwise with `|a − b| <= absolute + relative · |b|`.
func compare(_ a: [Double], _ b: [Double], absolute: Double, relative: Double = 0) -> Difference {
    precondition(a.count == b.count, "compare: \(a.count) vs \(b.count) values")
    var result = Difference(maxAbs: 0, index: 0)
    for i in a.indices {
        let d = abs(a[i] - b[i])
        if d > result.maxAbs || d.isNaN { result.maxAbs = d; result.index = i }
        if result.firstBad == nil, !(d <= absolute + relative * abs(b[i])) {
            result.firstBad = i
            result.badValues = (a[i], b[i])
        }
    }
    return result
}

/// Float convenience for `compare`.
func compare(_ a: [Float], _ b: [Float], absolute: Double, relative: Double = 0) -> Difference {
    compare(a.map(Double.init), b.map(Double.init), absolute: absolute, relative: relative)
}

/// ‖a − b‖ / ‖b‖.
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    var num = 0.0, den = 0.0
    for i in a.indices {
        let d = Double(a[i]) - Double(b[i])
        num += d * d
        den += Double(b[i]) * Double(b[i])
    }
    return (num / den).squareRoot()
}

// MARK: - Finite differences

/// Central finite differences of a scalar function at the chosen indices of `x`:
/// `(f(x + h·e_i) − f(x − h·e_i)) / 2h`.
func centralDifferences(of f: ([Float]) -> Double, at x: [Float], indices: [Int], step: Float = 1e-2) -> [Double] {
    var probe = x
    return indices.map { i in
        probe[i] = x[i] + step
        let plus = f(probe)
        probe[i] = x[i] - step
        let minus = f(probe)
        probe[i] = x[i]
        return (plus - minus) / (2 * Double(step))
    }
}

/// `Σ w_i · y_i` in Double — the scalar loss whose gradient w.r.t. `y` is `w`.
func weightedSum(_ y: [Float], _ w: [Float]) -> Double {
    var total = 0.0
    for i in y.indices { total += Double(y[i]) * Double(w[i]) }
    return total
}

/// Checks `analytic` against central differences of `f` at every index (or a sample) and records
/// an issue that names the max difference and the first bad index.
func expectGradient(_ name: String, analytic: [Float], of f: ([Float]) -> Double, at x: [Float],
                    indices: [Int]? = nil, step: Float = 1e-2, tolerance: Double = 2e-3,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    let picked = indices ?? Array(x.indices)
    let numeric = centralDifferences(of: f, at: x, indices: picked, step: step)
    let scale = max(1e-3, picked.map { abs(Double(analytic[$0])) }.max() ?? 0)
    let difference = compare(picked.map { Double(analytic[$0]) }, numeric,
                             absolute: tolerance * scale, relative: 0)
    #expect(difference.firstBad == nil, "\(name): \(difference) (gradient scale \(scale))",
            sourceLocation: sourceLocation)
}
