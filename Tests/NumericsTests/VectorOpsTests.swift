import Foundation
import Testing
import Numerics
import PTuneTestSupport

// Each kernel against a plain Double-precision loop, at sizes around the SIMD width (tails matter).

private let sizes = [0, 1, 7, 15, 16, 17, 33, 100, 1000]

private func randomVector(_ n: Int, seed: UInt64) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<n).map { _ in rng.nextFloat() * 4 - 2 }
}

@Test(arguments: sizes)
func dotAndSumOfSquares(n: Int) {
    let a = randomVector(n, seed: 1), b = randomVector(n, seed: 2)
    let expected = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    #expect(abs(Double(VectorOps.dot(a, b)) - expected) <= 1e-5 * Double(max(n, 1)), "n \(n)")
    let squares = a.reduce(0.0) { $0 + Double($1) * Double($1) }
    #expect(abs(Double(VectorOps.sumOfSquares(a)) - squares) <= 1e-5 * Double(max(n, 1)))
    // Same inputs, same bits.
    #expect(VectorOps.dot(a, b).bitPattern == VectorOps.dot(a, b).bitPattern)
}

@Test(arguments: sizes)
func elementwiseKernels(n: Int) {
    let x = randomVector(n, seed: 3), y0 = randomVector(n, seed: 4)
    var y = y0
    VectorOps.axpy(0.5, x, &y)
    // y + 0.5·x is one rounding in both the kernel and this loop (0.5·x is exact).
    #expect(TensorCompare.compare(y, zip(y0, x).map { $0 + 0.5 * $1 }).passed)
    var s = x
    VectorOps.scale(&s, by: -3)
    #expect(TensorCompare.compare(s, x.map { $0 * -3 }).passed)
    #expect(TensorCompare.compare(VectorOps.add(x, y0), zip(x, y0).map { $0 + $1 }).passed)
}

@Test func argmaxRules() {
    #expect(VectorOps.argmax([1, 5, 3, 5]) == 1)           // first of equal maxima
    #expect(VectorOps.argmax([-3, -1, -2]) == 1)
    #expect(VectorOps.argmax([.nan, 2, 1]) == 1)
    #expect(VectorOps.argmax([-.infinity, -.infinity]) == 0)
    #expect(VectorOps.argmax([]) == 0)
    let v = randomVector(1000, seed: 5)
    #expect(VectorOps.argmax(v) == v.indices.max { v[$0] < v[$1] })
}

@Test func logSumExpIsStable() {
    let v = randomVector(100, seed: 6)
    let direct = Float(log(v.reduce(0.0) { $0 + exp(Double($1)) }))
    #expect(abs(VectorOps.logSumExp(v) - direct) < 1e-5)
    // Large values would overflow a naive sum: log(e^1000 + e^1000) = 1000 + log 2.
    #expect(abs(VectorOps.logSumExp([1000, 1000]) - (1000 + 0.6931472)) < 1e-4)
    #expect(VectorOps.logSumExp([-.infinity, 0]) == 0)
    #expect(VectorOps.logSumExp([]) == -.infinity)
}
