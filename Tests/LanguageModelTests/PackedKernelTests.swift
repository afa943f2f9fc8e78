import Foundation
@testable import LanguageModel
import Numerics
import Testing

// The AVX2 element-wise kernels of the packed training path (`PackedKernels` → `TrainingKernels`)
// against the Swift layers they replace, at SmolLM2-135M's widths: RMSNorm (with its residual
// add) and RoPE bit for bit, SwiGLU within a few ulp (the vector exponential), and every kernel
// giving the same bits when its rows or elements are split in two calls (the thread split).

@Suite("Packed element-wise kernels against the Swift layers", .enabled(if: TrainingKernels.available))
struct PackedKernelTests {
    let rows = 13, width = 576, eps: Float = 1e-5

    /// The first index where the bit patterns differ, if any.
    func firstBitDifference(_ a: [Float], _ b: [Float]) -> Int? {
        a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    func expectBitIdentical(_ name: String, _ a: [Float], _ b: [Float]) {
        let bad = firstBitDifference(a, b)
        #expect(bad == nil, "\(name): \(compare(a, b, absolute: 0)); first differing index \(bad ?? -1)")
    }

    // MARK: - RMSNorm

    @Test func addNormMatchesResidualThenRMSNormBitForBit() {
        var rng = SeededRNG(seed: 3)
        let a = randomTensor(rows * width, scale: 2, rng: &rng), b = randomTensor(rows * width, rng: &rng)
        let weight = randomTensor(width, rng: &rng)
        let shape = RMSNorm.Shape(rows: rows, width: width, eps: eps)
        // reference: the Swift layers
        var sum = [Float](repeating: 0, count: rows * width), out = sum, rstd = [Float](repeating: 0, count: rows)
        Residual.forward(out: &sum, a: a, b: b, count: rows * width)
        RMSNorm.forward(out: &out, rstd: &rstd, input: sum, weight: weight, shape: shape)
        // fused, in two row blocks as a thread split would make them
        var fusedSum = [Float](repeating: 0, count: rows * width), fusedOut = fusedSum
        var fusedRstd = [Float](repeating: 0, count: rows)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                fusedSum.withUnsafeMutableBufferPointer { s in
                    fusedOut.withUnsafeMutableBufferPointer { o in
                        fusedRstd.withUnsafeMutableBufferPointer { r in
                            for (start, count) in [(0, 5), (5, rows - 5)] {
                                let at = start * width
                                PackedKernels.addNorm(sum: s.baseAddress! + at, a: a.baseAddress! + at, b: b.baseAddress! + at,
                                                      weight: weight, out: o.baseAddress! + at, rstd: r.baseAddress! + start,
                                                      shape: .init(rows: count, width: width, eps: eps))
                            }
                        }
                    }
                }
            }
        }
        expectBitIdentical("sum", fusedSum, sum)
        expectBitIdentical("normed", fusedOut, out)
        expectBitIdentical("rstd", fusedRstd, rstd)

        // without the residual add: the plain norm
        var plainOut = [Float](repeating: 0, count: rows * width), plainRstd = [Float](repeating: 0, count: rows)
        var unused = [Float](repeating: 0, count: rows * width)
        PackedKernels.addNorm(sum: &unused, a: a, b: nil, weight: weight, out: &plainOut, rstd: &plainRstd, shape: shape)
        RMSNorm.forward(out: &out, rstd: &rstd, input: a, weight: weight, shape: shape)
        expectBitIdentical("norm without add", plainOut, out)
        expectBitIdentical("rstd without add", plainRstd, rstd)
        #expect(unused.allSatisfy { $0 == 0 }, "nothing is written to sum without b")
    }

    @Test func normBackwardMatchesRMSNormBackwardBitForBit() {
        var rng = SeededRNG(seed: 4)
        let x = randomTensor(rows * width, scale: 2, rng: &rng), dy = randomTensor(rows * width, rng: &rng)
        let weight = randomTensor(width, rng: &rng), start = randomTensor(rows * width, rng: &rng)
        let rstd = (0..<rows).map { _ in 0.5 + rng.nextFloat() }
        let shape = RMSNorm.Shape(rows: rows, width: width, eps: eps)
        var reference = start, fast = start
        RMSNorm.backward(dInput: &reference, dOut: dy, input: x, weight: weight, rstd: rstd, shape: shape)
        PackedKernels.normBackward(dInput: &fast, dOut: dy, input: x, weight: weight, rstd: rstd, shape: shape)
        expectBitIdentical("dInput", fast, reference)
        #expect(fast != start, "the backward changed dInput")
    }

    // MARK: - RoPE

    @Test func ropeMatchesSwiftRoPEBitForBitBothWays() {
        var rng = SeededRNG(seed: 5)
        let heads = 9, hs = 64, m = 23
        let table = RoPE.Table(headSize: hs, theta: 100_000, positions: 128)
        let positions = (0..<m).map { _ in Int(rng.nextFloat() * 127) }
        let x = randomTensor(m * heads * hs, rng: &rng)
        for direction: Float in [1, -1] {
            var reference = x, fast = x
            if direction > 0 {
                RoPE.forward(out: &reference, input: x, positions: positions, heads: heads, table: table)
            } else {
                RoPE.backward(dInput: &reference, dOut: x, positions: positions, heads: heads, table: table)
            }
            positions.withUnsafeBufferPointer { p in
                fast.withUnsafeMutableBufferPointer { f in
                    // in place, in two row blocks
                    PackedKernels.rope(out: f.baseAddress!, input: f.baseAddress!, positions: p, heads: heads, table: table,
                                       direction: direction, rows: 0..<9)
                    PackedKernels.rope(out: f.baseAddress!, input: f.baseAddress!, positions: p, heads: heads, table: table,
                                       direction: direction, rows: 9..<m)
                }
            }
            expectBitIdentical("rope direction \(direction)", fast, reference)
        }
    }

    // MARK: - SwiGLU

    @Test func vectorExpIsWithinTwoUlpOfExpf() {
        let count = 200_003
        let x = (0..<count).map { Float(-87 + 174 * Double($0) / Double(count - 1)) }
        var y = [Float](repeating: 0, count: count)
        TrainingKernels.exp(out: &y, input: x, count: count)
        var worst = (ulp: 0, index: 0)
        for i in 0..<count {
            let ulps = abs(Int(y[i].bitPattern) - Int(expf(x[i]).bitPattern))
            if ulps > worst.ulp { worst = (ulps, i) }
        }
        #expect(worst.ulp <= 2, "max \(worst.ulp) ulp at x = \(x[worst.index]): \(y[worst.index]) vs \(expf(x[worst.index]))")
        var zero: [Float] = [0]
        TrainingKernels.exp(out: &zero, input: [0], count: 1)
        #expect(zero == [1], "e^0 = \(zero[0])")
    }

    @Test func swiGLUMatchesSwiftWithinUlpsAndSplitsExactly() {
        var rng = SeededRNG(seed: 6)
        let count = 1003  // not a multiple of 8: the tail goes through the vector code too
        let gate = randomTensor(count, scale: 12, rng: &rng), up = randomTensor(count, scale: 3, rng: &rng)
        let dOut = randomTensor(count, rng: &rng)
        var reference = [Float](repeating: 0, count: count), fast = reference, split = reference
        SwiGLU.forward(out: &reference, gate: gate, up: up, count: count)
        PackedKernels.swiGLU(out: &fast, gate: gate, up: up, count: count)
        let forward = compare(fast, reference, absolute: 1e-30, relative: 1e-6)
        #expect(forward.firstBad == nil, "forward: \(forward)")
        split.withUnsafeMutableBufferPointer { s in
            gate.withUnsafeBufferPointer { g in
                up.withUnsafeBufferPointer { u in
                    PackedKernels.swiGLU(out: s.baseAddress!, gate: g.baseAddress!, up: u.baseAddress!, count: 501)
                    PackedKernels.swiGLU(out: s.baseAddress! + 501, gate: g.baseAddress! + 501, up: u.baseAddress! + 501,
                                         count: count - 501)
                }
            }
        }
        expectBitIdentical("forward split", split, fast)

        var dGate = [Float](repeating: 0, count: count), dUp = dGate, fastGate = dGate, fastUp = dGate
        SwiGLU.backwardOverwriting(dGate: &dGate, dUp: &dUp, dOut: dOut, gate: gate, up: up, count: count)
        PackedKernels.swiGLUBackward(dGate: &fastGate, dUp: &fastUp, dOut: dOut, gate: gate, up: up, count: count)
        let backGate = compare(fastGate, dGate, absolute: 1e-6, relative: 1e-5)  // 1 + g·(1 − σ) cancels near g ≈ −1.28
        let backUp = compare(fastUp, dUp, absolute: 1e-30, relative: 1e-6)
        #expect(backGate.firstBad == nil, "dGate: \(backGate)")
        #expect(backUp.firstBad == nil, "dUp: \(backUp)")
    }
}
