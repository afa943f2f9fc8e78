import Numerics
import PTuneTestSupport
import Testing

// R = rows, K = columns (a multiple of 256).

// MARK: - Helpers

/// A matrix (R, K) of random but valid K-quant super-blocks: random code bytes (every scale, min,
/// nibble and high bit pattern occurs), with the half scales overwritten by finite values of the
/// size real weights have, so that no block is inf/NaN and the rows' sums stay well scaled.
private struct RandomKQuantMatrix: BlockMatrixBytes {
    let type: GGMLType
    let rows: Int
    let columns: Int
    let bytes: [UInt8]

    init(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        let blocks = rows * columns / type.blockSize, size = type.bytesPerBlock
        var bytes = (0..<(blocks * size)).map { _ in UInt8(truncatingIfNeeded: rng.nextInt(below: 256)) }
        func setHalf(_ value: Float, at offset: Int) {
            let bits = HalfFloat.fromFloat(value)
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        for b in 0..<blocks {
            let o = b * size
            switch type {
            case .q6_K:
                setHalf(0.0005 + rng.nextFloat() * 0.004, at: o + 208)  // d
            case .q5_0:
                setHalf(0.001 + rng.nextFloat() * 0.01, at: o)  // d
            default:
                // d > 0 as llama.cpp writes it; dmin of either sign (its min term is subtracted).
                setHalf(0.001 + rng.nextFloat() * 0.01, at: o)
                setHalf((rng.nextFloat() - 0.3) * 0.02, at: o + 2)
            }
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.bytes = bytes
    }

}

// MARK: - Tests

@Suite("Kernels: K-quant matrix-vector products")
struct KQuantMatVecTests {
    @Test("fast equals plain and dequantize-then-BLAS on random super-blocks, on every kernel path", arguments: [
        (GGMLType.q4_K, 131, 768), (GGMLType.q4_K, 64, 512), (GGMLType.q4_K, 3, 256),
        (GGMLType.q5_K, 70, 512), (GGMLType.q5_K, 9, 768),
        (GGMLType.q6_K, 96, 768), (GGMLType.q6_K, 65, 512), (GGMLType.q6_K, 2, 256),
        (GGMLType.q5_0, 70, 576), (GGMLType.q5_0, 3, 96), (GGMLType.q5_1, 65, 576), (GGMLType.q5_1, 2, 32),
    ], KernelPath.available)
    func fastMatchesPlain(shape: (GGMLType, Int, Int), path: KernelPath) {
        let (type, rows, columns) = shape
        let m = RandomKQuantMatrix(type, rows: rows, columns: columns, seed: UInt64(rows * 1000 + columns))
        let x = randomInput(columns, seed: 7)
        let input = MatVecInput(capacity: columns)
        var fast = [Float](repeating: .nan, count: rows), plain = fast, blas = fast
        let dense = m.withMatrix { $0.dequantized() }
        m.withMatrix { w in
            x.withUnsafeBufferPointer { xp in
                QuantizedMatVec.multiply(w, xp.baseAddress!, input: input, into: &fast, threads: 2, path: path)
                QuantizedMatVec.plain(w, xp.baseAddress!, into: &plain)
                dense.withUnsafeBufferPointer { a in
                    BLAS.sgemv(trans: false, m: rows, n: columns, alpha: 1, a: a.baseAddress!, lda: columns,
                               x: xp.baseAddress!, beta: 0, y: &blas)
                }
            }
        }
        let scale = magnitudes(dense, x, rows: rows)
        #expect(scale.allSatisfy { $0 > 0 && $0.isFinite }, "\(type): the random rows are not well scaled")
        expectClose(fast, plain, scale: scale, "\(type) \(path) fast vs plain")
        expectClose(fast, blas, scale: scale, "\(type) \(path) fast vs dequantize + sgemv")
        expectClose(plain, blas, scale: scale, "\(type) plain vs dequantize + sgemv")
    }

    @Test("results are bit-identical for 1, 2 and 3 threads; accumulate adds into the output",
          arguments: KernelPath.available, [0, 1])
    func threadCountInvariance(path: KernelPath, set: Int) {
        // Several chunks per matrix (chunkRows = 64), and one prepared input shared by all three.
        let shapes: [(GGMLType, Int)] = [[(.q4_K, 300), (.q5_K, 130), (.q6_K, 200)],
                                         [(.q5_0, 150), (.q5_1, 70), (.q4_K, 65)]][set]
        let matrices = shapes.enumerated().map { i, s in RandomKQuantMatrix(s.0, rows: s.1, columns: 768, seed: UInt64(11 + i)) }
        let x = randomInput(768, seed: 3)
        let input = MatVecInput(capacity: 1536)
        x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: 768) }
        var results: [[[Float]]] = []
        for threads in [1, 2, 3] {
            // Outputs start at 1 and accumulate, so the thread split of the adds is checked too.
            var ya = [Float](repeating: 1, count: matrices[0].rows), yb = [Float](repeating: 1, count: matrices[1].rows)
            var yc = [Float](repeating: 1, count: matrices[2].rows)
            matrices[0].withMatrix { a in
                matrices[1].withMatrix { b in
                    matrices[2].withMatrix { c in
                        ya.withUnsafeMutableBufferPointer { pa in
                            yb.withUnsafeMutableBufferPointer { pb in
                                yc.withUnsafeMutableBufferPointer { pc in
                                    QuantizedMatVec.multiply([MatVecJob(matrix: a, output: pa.baseAddress!, accumulate: true),
                                                              MatVecJob(matrix: b, output: pb.baseAddress!, accumulate: true),
                                                              MatVecJob(matrix: c, output: pc.baseAddress!, accumulate: true)],
                                                             input: input, threads: threads, path: path)
                                }
                            }
                        }
                    }
                }
            }
            results.append([ya, yb, yc])
        }
        for (i, m) in matrices.enumerated() {
            let one = results[0][i], two = results[1][i], three = results[2][i]
            let differing = one.indices.filter { one[$0].bitPattern != two[$0].bitPattern || one[$0].bitPattern != three[$0].bitPattern }
            #expect(differing.isEmpty, "\(m.type) \(path): \(differing.count) outputs differ between thread counts, first at \(differing.first ?? -1)")

            // accumulate: the rows started at 1, so they are 1 + the plain product.
            var plain = [Float](repeating: 1, count: m.rows)
            m.withMatrix { w in x.withUnsafeBufferPointer { QuantizedMatVec.plain(w, $0.baseAddress!, into: &plain, accumulate: true) } }
            let dense = m.withMatrix { $0.dequantized() }
            #expect(one.contains { abs($0 - 1) > 1e-3 }, "\(m.type) \(path): the products are all near zero")
            expectClose(one, plain, scale: magnitudes(dense, x, rows: m.rows).map { $0 + 1 }, "\(m.type) \(path) accumulate")
        }
    }

    @Test("dequantized() is the format's dequantizer, bit for bit", arguments: [GGMLType.q4_K, .q5_K, .q6_K, .q5_0, .q5_1])
    func dequantizedMatchesDequantizer(type: GGMLType) throws {
        let m = RandomKQuantMatrix(type, rows: 5, columns: 512, seed: 21)
        let dense = m.withMatrix { $0.dequantized() }
        var expected = [Float](repeating: .nan, count: 5 * 512)
        try m.bytes.withUnsafeBytes { raw in
            try Dequantize.run(type, from: raw.baseAddress!, count: 5 * 512, into: &expected)
        }
        let differing = dense.indices.filter { dense[$0].bitPattern != expected[$0].bitPattern }
        #expect(differing.isEmpty, "\(type): \(differing.count) of \(dense.count) weights differ, first at \(differing.first ?? -1)")
        #expect(dense.contains { $0 != 0 } && dense.allSatisfy(\.isFinite))
    }

    @Test("a known row: every code, scale and min at a value whose product is exact", arguments: KernelPath.available)
    func knownRow(path: KernelPath) {
        // One Q4_K super-block with d = 1, dmin = 0.5, every 6-bit scale 2 and min 3 (table bytes
        // 0-3 = 2 and 4-7 = 3 for sub-blocks 0-3; bytes 8-11 = 0x32 for sub-blocks 4-7), and nibbles
        // 5 (low) and 9 (high): weights are 2·5 − 1.5 = 8.5 in even sub-blocks, 2·9 − 1.5 = 16.5 in
        // odd ones. With x = 1 the row sums to 128·8.5 + 128·16.5 = 3200, exactly.
        var block = [UInt8](repeating: 0, count: 144)
        block[0] = 0x00; block[1] = 0x3C  // 1.0
        block[2] = 0x00; block[3] = 0x38  // 0.5
        for s in 0..<4 { block[4 + s] = 2; block[8 + s] = 3; block[12 + s] = 0x32 }
        for i in 16..<144 { block[i] = 0x95 }
        let x = [Float](repeating: 1, count: 256)
        let input = MatVecInput(capacity: 256)
        var y: [Float] = [.nan]
        block.withUnsafeBytes { raw in
            let w = QuantizedMatrix(type: .q4_K, rows: 1, columns: 256, base: raw.baseAddress!)!
            #expect(w.dequantized()[0] == 8.5 && w.dequantized()[32] == 16.5)
            x.withUnsafeBufferPointer { QuantizedMatVec.multiply(w, $0.baseAddress!, input: input, into: &y, path: path) }
        }
        #expect(y[0] == 3200, "\(path): \(y[0])")
    }

    @Test("K-quant views need whole 256-element super-blocks")
    func refusesPartialSuperBlocks() {
        #expect(QuantizedMatrix.kernelFormats.isSuperset(of: [.q4_K, .q5_K, .q6_K]))
        let bytes = [UInt8](repeating: 0, count: 4 * 210)
        bytes.withUnsafeBytes { raw in
            for type in [GGMLType.q4_K, .q5_K, .q6_K] {
                // 576 columns (SmolLM2's width) is whole 32-blocks but not whole super-blocks.
                #expect(QuantizedMatrix(type: type, rows: 1, columns: 576, base: raw.baseAddress!) == nil)
                #expect(QuantizedMatrix(type: type, rows: 1, columns: 512, base: raw.baseAddress!)?.rowBytes == 2 * type.bytesPerBlock)
            }
        }
    }
}
