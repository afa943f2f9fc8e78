import Testing
import Numerics
import PTuneTestSupport

// BLAS.sgemm against the naive triple loop, over every transpose combination and odd sizes,
// with leading dimensions larger than the matrices (sub-matrix views) and a nonzero beta.

private struct GemmCase: CustomStringConvertible, Sendable {
    var transA: Bool, transB: Bool, m: Int, n: Int, k: Int
    var description: String { "\(transA ? "T" : "N")\(transB ? "T" : "N") m\(m) n\(n) k\(k)" }
}

private let gemmCases: [GemmCase] = [false, true].flatMap { ta in
    [false, true].flatMap { tb in
        [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 31, 1), (5, 70, 19)].map { GemmCase(transA: ta, transB: tb, m: $0.0, n: $0.1, k: $0.2) }
    }
}

private func randomMatrix(_ count: Int, _ rng: inout SeededRNG) -> [Float] {
    (0..<count).map { _ in rng.nextFloat() * 2 - 1 }
}

@Test(arguments: gemmCases)
private func sgemmMatchesNaive(_ c: GemmCase) {
    var rng = SeededRNG(seed: UInt64(c.m * 10_000 + c.n * 100 + c.k))
    // Stored shapes: op(A) is (m, k), so A is (k, m) when transposed; same for B with (k, n).
    let (aRows, aCols) = c.transA ? (c.k, c.m) : (c.m, c.k)
    let (bRows, bCols) = c.transB ? (c.n, c.k) : (c.k, c.n)
    let lda = aCols + 3, ldb = bCols + 2, ldc = c.n + 1
    let a = randomMatrix(aRows * lda, &rng), b = randomMatrix(bRows * ldb, &rng)
    let c0 = randomMatrix(c.m * ldc, &rng)
    var fast = c0, slow = c0
    BLAS.sgemm(transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 0.75, a: a, lda: lda, b: b, ldb: ldb,
               beta: 0.5, c: &fast, ldc: ldc)
    NaiveMatmul.sgemm(transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: 0.75, a: a, lda: lda, b: b,
                      ldb: ldb, beta: 0.5, c: &slow, ldc: ldc)
    let cmp = TensorCompare.compare(fast, slow, absTolerance: 1e-5 * Float(c.k), relTolerance: 1e-5)
    #expect(cmp.passed, "\(c): \(cmp)")
    // Padding columns (j ≥ n) of C are untouched.
    for i in 0..<c.m { #expect(fast[i * ldc + c.n] == c0[i * ldc + c.n]) }
}

@Test func sgemmBetaZeroIgnoresGarbage() {
    // With beta = 0, C's old contents (even NaN) must not leak into the result.
    let a: [Float] = [1, 2, 3, 4]        // (2, 2)
    let b: [Float] = [5, 6, 7, 8]        // (2, 2)
    var c = [Float](repeating: .nan, count: 4)
    BLAS.sgemm(transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 2, b: b, ldb: 2, beta: 0, c: &c, ldc: 2)
    #expect(c == [19, 22, 43, 50])
}

@Test(arguments: [false, true])
func sgemvMatchesNaive(trans: Bool) {
    var rng = SeededRNG(seed: 21)
    let m = 13, n = 37
    let a = randomMatrix(m * n, &rng)
    let x = randomMatrix(trans ? m : n, &rng)
    let y0 = randomMatrix(trans ? n : m, &rng)
    var y = y0
    BLAS.sgemv(trans: trans, m: m, n: n, alpha: 2, a: a, lda: n, x: x, beta: 1, y: &y)
    var expected = y0
    // y = 2·op(A)·x + y as a gemm with one column.
    NaiveMatmul.sgemm(transA: trans, transB: false, m: trans ? n : m, n: 1, k: trans ? m : n, alpha: 2, a: a, lda: n,
                      b: x, ldb: 1, beta: 1, c: &expected, ldc: 1)
    let cmp = TensorCompare.compare(y, expected, absTolerance: 1e-4)
    #expect(cmp.passed, "\(cmp)")
}

@Test func threadCountIsRecorded() {
    let before = ThreadCount.current
    ThreadCount.set(1)
    #expect(ThreadCount.current == 1)
    ThreadCount.set(0)
    #expect(ThreadCount.current == 1)     // clamped to at least one
    ThreadCount.set(before)
    #expect(ThreadCount.current == before)
}
