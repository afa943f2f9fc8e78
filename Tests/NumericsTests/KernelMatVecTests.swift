import Numerics
import PTuneTestSupport
import Testing

// R = rows, K = columns (a multiple of 32).

// MARK: - Helpers

/// A random matrix (R, K) quantized to `type` with ggml's reference quantizer, plus its bytes.
private struct RandomMatrix: BlockMatrixBytes {
    let type: GGMLType
    let rows: Int
    let columns: Int
    let bytes: [UInt8]

    init(_ type: GGMLType, rows: Int, columns: Int, seed: UInt64) throws {
        var rng = SeededRNG(seed: seed)
        // Rows of different scales and offsets, as real weights have (Q4_1's m matters).
        var values: [Float] = []
        for _ in 0..<rows {
            let scale = 0.01 + rng.nextFloat() * 0.2, shift = (rng.nextFloat() - 0.5) * 0.05
            for _ in 0..<columns { values.append((rng.nextFloat() * 2 - 1) * scale + shift) }
        }
        self.type = type
        self.rows = rows
        self.columns = columns
        bytes = try Quantize.bytes(type, values)
    }

}

@Suite("Kernels: block-format matrix-vector products")
struct KernelMatVecTests {
    @Test("fast equals plain and dequantize-then-BLAS on random blocks, on every kernel path", arguments: [
        (GGMLType.q4_1, 131, 576), (GGMLType.q4_1, 64, 1536), (GGMLType.q8_0, 200, 576), (GGMLType.q8_0, 7, 32),
    ], KernelPath.available)
    func fastMatchesPlain(shape: (GGMLType, Int, Int), path: KernelPath) throws {
        let (type, rows, columns) = shape
        let m = try RandomMatrix(type, rows: rows, columns: columns, seed: UInt64(rows * 1000 + columns))
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
        expectClose(fast, plain, scale: scale, "\(type) \(path) fast vs plain")
        expectClose(fast, blas, scale: scale, "\(type) \(path) fast vs dequantize + sgemv")
        expectClose(plain, blas, scale: scale, "\(type) plain vs dequantize + sgemv")
    }

    @Test("results are bit-identical for 1, 2 and 3 threads; accumulate adds into the output",
          arguments: KernelPath.available)
    func threadCountInvariance(path: KernelPath) throws {
        let a = try RandomMatrix(.q4_1, rows: 300, columns: 576, seed: 1)
        let b = try RandomMatrix(.q8_0, rows: 70, columns: 576, seed: 2)
        let x = randomInput(576, seed: 3)
        let input = MatVecInput(capacity: 1536)
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            var ya = [Float](repeating: 1, count: 300), yb = [Float](repeating: 0, count: 70)
            a.withMatrix { wa in
                b.withMatrix { wb in
                    x.withUnsafeBufferPointer { input.prepare($0.baseAddress!, count: 576) }
                    ya.withUnsafeMutableBufferPointer { pa in
                        yb.withUnsafeMutableBufferPointer { pb in
                            QuantizedMatVec.multiply([MatVecJob(matrix: wa, output: pa.baseAddress!, accumulate: true),
                                                      MatVecJob(matrix: wb, output: pb.baseAddress!)],
                                                     input: input, threads: threads, path: path)
                        }
                    }
                }
            }
            results.append(ya + yb)
        }
        let differing = results[0].indices.filter { results[0][$0] != results[1][$0] || results[0][$0] != results[2][$0] }
        #expect(differing.isEmpty, "\(path): \(differing.count) outputs differ between thread counts, first at \(differing.first ?? -1)")

        // accumulate: the Q4_1 rows started at 1, so they are 1 + the plain product.
        var plain = [Float](repeating: 1, count: 300)
        a.withMatrix { w in x.withUnsafeBufferPointer { QuantizedMatVec.plain(w, $0.baseAddress!, into: &plain, accumulate: true) } }
        let dense = a.withMatrix { $0.dequantized() }
        expectClose(Array(results[0][0..<300]), plain, scale: magnitudes(dense, x, rows: 300).map { $0 + 1 }, "\(path) accumulate")
    }

    @Test("the two fast paths agree within the kernel tolerance, and the AVX path runs where the CPU has it")
    func pathsAgree() throws {
        #expect(KernelPath.available.first == .portable)
        let m = try RandomMatrix(.q8_0, rows: 257, columns: 1536, seed: 9)
        let x = randomInput(1536, seed: 10)
        let input = MatVecInput(capacity: 1536)
        var outputs: [[Float]] = []
        for path in KernelPath.available {
            var y = [Float](repeating: .nan, count: 257)
            m.withMatrix { w in x.withUnsafeBufferPointer { QuantizedMatVec.multiply(w, $0.baseAddress!, input: input, into: &y, path: path) } }
            outputs.append(y)
        }
        let dense = m.withMatrix { $0.dequantized() }
        for y in outputs.dropFirst() { expectClose(y, outputs[0], scale: magnitudes(dense, x, rows: 257), "avx vs portable") }
    }

    @Test("the fast half conversion of block scales equals HalfFloat on every pattern")
    func blockScales() {
        var bad: [UInt16] = []
        for bits in 0...UInt16.max {
            let fast = QuantizedMatVec.halfForTesting(bits), slow = HalfFloat.toFloat(bits)
            if fast.bitPattern != slow.bitPattern && !(fast.isNaN && slow.isNaN) { bad.append(bits) }
        }
        #expect(bad.isEmpty, "\(bad.count) half patterns differ, first 0x\(String(bad.first ?? 0, radix: 16))")
    }

    @Test("formats without a kernel and partial blocks are refused")
    func refusesOtherFormats() {
        let bytes = [UInt8](repeating: 0, count: 64)
        bytes.withUnsafeBytes { raw in
            #expect(QuantizedMatrix(type: .q4_0, rows: 1, columns: 32, base: raw.baseAddress!) == nil)
            #expect(QuantizedMatrix(type: .f32, rows: 1, columns: 16, base: raw.baseAddress!) == nil)
            #expect(QuantizedMatrix(type: .q8_0, rows: 1, columns: 48, base: raw.baseAddress!) == nil)
            #expect(QuantizedMatrix(type: .q8_0, rows: 1, columns: 32, base: raw.baseAddress!) != nil)
        }
    }
}
