import Foundation
import Numerics

// Dimension letters: P = points, C = dimensions (model width), K = components kept.

/// The leading principal components of a point cloud: the directions of largest variance, found
/// by power iteration with deflation on the (C, C) covariance matrix. Deterministic: the start
/// vectors come from a `SeededRNG`, and each axis is signed so that its largest-magnitude
/// coordinate is positive (an eigenvector's sign is otherwise arbitrary).
public struct PrincipalComponents: Sendable, Equatable {
    /// mean: (C) the centroid the axes pass through.
    public let mean: [Float]
    /// axes: K unit vectors of length C, largest variance first.
    public let axes: [[Double]]
    /// The variance along each axis (the covariance eigenvalues), largest first.
    public let variances: [Double]
    /// The total variance (trace of the covariance), for "explained" fractions.
    public let totalVariance: Double

    /// The share of the total variance each axis explains.
    public var explained: [Double] { variances.map { totalVariance > 0 ? $0 / totalVariance : 0 } }

    /// Fits `components` axes to `count` points of width `width`. points: (P, C).
    /// - Parameters:
    ///   - weights: (P) how much each point counts (nil: all 1). Without weights the covariance is
    ///     the sample covariance (divided by P − 1); with weights it is Σ wᵢ (xᵢ − m)(xᵢ − m)ᵀ / Σ wᵢ
    ///     about the weighted mean m, so a small set of points can be given the say of a large one.
    ///   - iterations: most power-iteration steps per axis.
    ///   - tolerance: stop when the axis moves less than this (1 − |cos| between steps).
    public static func fit(_ points: [Float], count: Int, width: Int, weights: [Double]? = nil, components: Int = 2,
                           seed: UInt64 = 0, iterations: Int = 2_000,
                           tolerance: Double = 1e-13) throws(InspectionError) -> PrincipalComponents {
        guard count >= 2 else { throw .tooFewPoints(needed: 2, found: count) }
        guard width >= 1, points.count == count * width else {
            throw .shape(what: "points", expected: count * width, found: points.count)
        }
        if let weights {
            guard weights.count == count else { throw .shape(what: "point weights", expected: count, found: weights.count) }
            guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.reduce(0, +) > 0 else {
                throw .shape(what: "positive point weights", expected: count, found: weights.filter { $0 > 0 }.count)
            }
        }
        let c = width, k = min(components, width)
        let w = weights ?? [Double](repeating: 1, count: count)
        let weightSum = w.reduce(0, +)

        // mean: (C), scaled: (P, C) rows √wᵢ (xᵢ − m), so that scaledᵀ · scaled = Σ wᵢ (xᵢ − m)(xᵢ − m)ᵀ.
        var mean = [Double](repeating: 0, count: c)
        for p in 0..<count { for j in 0..<c { mean[j] += w[p] * Double(points[p * c + j]) } }
        for j in 0..<c { mean[j] /= weightSum }
        var scaled = [Float](repeating: 0, count: count * c)
        for p in 0..<count {
            let root = w[p].squareRoot()
            for j in 0..<c { scaled[p * c + j] = Float(root * (Double(points[p * c + j]) - mean[j])) }
        }

        // covarianceF: (C, C), one matrix product; then in Double for the iteration.
        let divisor = weights == nil ? Double(count - 1) : weightSum
        var covarianceF = [Float](repeating: 0, count: c * c)
        scaled.withUnsafeBufferPointer { x in
            covarianceF.withUnsafeMutableBufferPointer { s in
                BLAS.sgemm(transA: true, transB: false, m: c, n: c, k: count, alpha: Float(1 / divisor),
                           a: x.baseAddress!, lda: c, b: x.baseAddress!, ldb: c, beta: 0, c: s.baseAddress!, ldc: c)
            }
        }
        // covariance: (C, C), symmetrized so rounding in the product cannot tilt the axes.
        var covariance = [Double](repeating: 0, count: c * c)
        for i in 0..<c { for j in 0..<c { covariance[i * c + j] = 0.5 * (Double(covarianceF[i * c + j]) + Double(covarianceF[j * c + i])) } }
        let total = (0..<c).reduce(0.0) { $0 + covariance[$1 * c + $1] }

        var rng = SeededRNG(seed: seed)
        var axes: [[Double]] = []
        var variances: [Double] = []
        for _ in 0..<k {
            var v = (0..<c).map { _ in Double(rng.nextFloat()) - 0.5 }
            // Start orthogonal to the axes found so far (deflation keeps it there, up to rounding).
            orthogonalize(&v, against: axes)
            normalize(&v)
            var lambda = 0.0
            for _ in 0..<iterations {
                var next = multiply(covariance, v, c)
                orthogonalize(&next, against: axes)
                lambda = dot(next, v)
                let length = normalize(&next)
                if length == 0 { break }  // nothing left in this direction: variance 0
                let change = 1 - abs(dot(next, v))
                v = next
                if change < tolerance { break }
            }
            lambda = max(0, dot(multiply(covariance, v, c), v))
            if let largest = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[largest] < 0 {
                v = v.map { -$0 }
            }
            // Deflate: A ← A − λ v vᵀ.
            for i in 0..<c { for j in 0..<c { covariance[i * c + j] -= lambda * v[i] * v[j] } }
            axes.append(v)
            variances.append(lambda)
        }
        return PrincipalComponents(mean: mean.map { Float($0) }, axes: axes, variances: variances, totalVariance: total)
    }

    /// Coordinates of `count` points along the axes. points: (P, C); returns P arrays of K.
    public func project(_ points: [Float], count: Int) throws(InspectionError) -> [[Double]] {
        let c = mean.count
        guard points.count == count * c else { throw .shape(what: "points", expected: count * c, found: points.count) }
        return (0..<count).map { p in
            axes.map { axis in
                var sum = 0.0
                for j in 0..<c { sum += (Double(points[p * c + j]) - Double(mean[j])) * axis[j] }
                return sum
            }
        }
    }

    // MARK: - Small dense helpers (C ≤ a few thousand)

    /// (C, C) · (C).
    private static func multiply(_ a: [Double], _ v: [Double], _ c: Int) -> [Double] {
        a.withUnsafeBufferPointer { m in
            (0..<c).map { i in
                var sum = 0.0
                let row = m.baseAddress! + i * c
                for j in 0..<c { sum += row[j] * v[j] }
                return sum
            }
        }
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    @discardableResult
    private static func normalize(_ v: inout [Double]) -> Double {
        let length = dot(v, v).squareRoot()
        if length > 0 { for i in v.indices { v[i] /= length } }
        return length
    }

    private static func orthogonalize(_ v: inout [Double], against axes: [[Double]]) {
        for axis in axes {
            let d = dot(v, axis)
            for i in v.indices { v[i] -= d * axis[i] }
        }
    }
}
