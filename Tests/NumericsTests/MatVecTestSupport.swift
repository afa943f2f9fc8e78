import Numerics
import PTuneTestSupport
import Testing

// R = rows, K = columns. What the matrix-vector kernel tests share.

/// A test matrix (R, K) held as the bytes of its blocks.
protocol BlockMatrixBytes {
    var type: GGMLType { get }
    var rows: Int { get }
    var columns: Int { get }
    var bytes: [UInt8] { get }
}

extension BlockMatrixBytes {
    /// Calls `body` with a view of the bytes.
    func withMatrix<R>(_ body: (QuantizedMatrix) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try body(QuantizedMatrix(type: type, rows: rows, columns: columns, base: raw.baseAddress!)!)
        }
    }
}

/// A random input vector (K) with a nonzero mean, so the offset and min terms of the formats matter.
func randomInput(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in (rng.nextFloat() * 2 - 1) * 3 + 0.4 }
}

/// Σ|w|·|x| per row, from the dequantized matrix: the scale a product's rounding error is measured against.
func magnitudes(_ dense: [Float], _ x: [Float], rows: Int) -> [Float] {
    let k = x.count
    return (0..<rows).map { r in (0..<k).reduce(Float(0)) { $0 + abs(dense[r * k + $1] * x[$1]) } }
}

/// Expects |got − expected| ≤ 1e-5 · scale per row; the failure names the worst row and the first bad one.
func expectClose(_ got: [Float], _ expected: [Float], scale: [Float], _ what: String) {
    let errors = got.indices.map { abs(got[$0] - expected[$0]) / max(scale[$0], 1e-30) }
    let worst = errors.indices.max { errors[$0] < errors[$1] } ?? 0
    let firstBad = errors.firstIndex { !($0 <= 1e-5) }  // NaN counts as bad
    #expect(firstBad == nil,
            "\(what): max relative error \(errors[worst]) at row \(worst) (got \(got[worst]), expected \(expected[worst])); first bad row \(firstBad ?? -1)")
}
