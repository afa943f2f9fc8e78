import Foundation
import Testing
import PTuneTestSupport

// The test helpers are tested too: a comparison that cannot fail would hide real failures.

// MARK: - TensorCompare

@Test func tensorCompareFindsDifferences() {
    #expect(TensorCompare.compare([1, 2, 3], [1, 2, 3]).passed)
    let off = TensorCompare.compare([3, 5, 0], [3, 4, 0])
    #expect(!off.passed)
    #expect(off.firstBadIndex == 1 && off.maxIndex == 1 && off.maxAbsDiff == 1)
    #expect(abs(off.relativeL2 - 0.2) < 1e-12)             // ‖(0,1,0)‖ / ‖(3,4,0)‖
    #expect(off.message.contains("first bad index 1 (got 5.0, expected 4.0)"), "\(off.message)")
    #expect(TensorCompare.compare([1, 2.001], [1, 2], absTolerance: 0.01).passed)
    #expect(TensorCompare.compare([100.5], [100], relTolerance: 0.01).passed)
    #expect(!TensorCompare.compare([Float.nan], [1]).passed)
    #expect(TensorCompare.compare([Float.nan], [Float.nan]).passed)
    #expect(!TensorCompare.compare([1, 2], [1, 2, 3]).passed)
    #expect(TensorCompare.compare([1, 2, 3][1...], [2, 3]).passed)
}

// MARK: - FiniteDifference

@Test func finiteDifferencesOfACubic() {
    // f(x) = Σ xᵢ³ → ∂f/∂xᵢ = 3xᵢ²
    let x: [Float] = [0.5, -1.5, 2, 0.1]
    let f: ([Float]) -> Float = { $0.reduce(0) { $0 + $1 * $1 * $1 } }
    let numeric = FiniteDifference.gradient(of: f, at: x, indices: [0, 1, 2, 3], step: 1e-3)
    let analytic = x.map { 3 * $0 * $0 }
    let good = FiniteDifference.check(analytic: analytic, numeric: numeric, indices: [0, 1, 2, 3],
                                      absTolerance: 1e-3, relTolerance: 1e-2)
    #expect(good.passed, "\(good)")
    var wrong = analytic
    wrong[2] *= 1.1
    let bad = FiniteDifference.check(analytic: wrong, numeric: numeric, indices: [0, 1, 2, 3])
    #expect(!bad.passed && bad.firstBadIndex == 2, "\(bad)")
}

// MARK: - NPY

@Test func npyHandBuiltArray() throws {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
    bytes += header.utf8
    for v: Float in [1, 2, 3, 4, 5, -6] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    let npy = try NPY(data: Data(bytes))
    #expect(npy.shape == [2, 3])
    #expect(npy.values == [1, 2, 3, 4, 5, -6])
    #expect(Array(npy.row(1)) == [4, 5, -6])
    #expect(throws: NPY.FormatError.self) { try NPY(data: Data(bytes.dropLast())) }
    #expect(throws: NPY.FormatError.self) { try NPY(data: Data(bytes.prefix(5))) }
}

@Test func npyReferenceFixtures() throws {
    let logits = try NPY.fixture("smollm2-next-token-logits.npy")
    #expect(logits.shape == [8, 49152])
    let initial = try NPY.fixture("smollm2-prompt-init.npy")
    #expect(initial.shape == [8, 576])
    // The goldens record the init vector's L2 norm: 8.029024124145508.
    let norm = initial.values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    #expect(abs(norm - 8.029024124145508) < 1e-5, "norm \(norm)")
}
