import Numerics
import Testing

// R = rows, C = width (a multiple of 32), V = table rows.

/// The LM-head kernels on a Q8_0 table (`QuantizedHead`) against the plain products with its
/// Float32 dequantization (`BLAS.sgemm`, itself tested against the naive triple loop): the same
/// values up to the order of the sums, and the same bits for any thread count.
@Suite(.enabled(if: QuantizedHead.available))
struct QuantizedHeadTests {
    /// A random Q8_0 table (V, C), its bytes and its Float32 values.
    private struct Table {
        let vocab: Int, width: Int
        let bytes: [UInt8]
        let values: [Float]

        init(vocab: Int, width: Int, seed: UInt64) {
            var rng = SeededRNG(seed: seed)
            let source = (0..<(vocab * width)).map { i in Float(rng.nextDouble() - 0.5) * Float(1 + i % 7) }
            var bytes = [UInt8](repeating: 0, count: vocab * width / 32 * 34)
            source.withUnsafeBufferPointer { s in
                bytes.withUnsafeMutableBytes { Q8_0Format.quantize(s.baseAddress!, blocks: vocab * width / 32, into: $0.baseAddress!) }
            }
            var values = [Float](repeating: 0, count: vocab * width)
            bytes.withUnsafeBytes { b in
                values.withUnsafeMutableBufferPointer { Q8_0Format.dequantize(b.baseAddress!, blocks: vocab * width / 32, into: $0.baseAddress!) }
            }
            self.vocab = vocab
            self.width = width
            self.bytes = bytes
            self.values = values
        }

        func withMatrix<R>(_ body: (QuantizedMatrix) -> R) -> R {
            bytes.withUnsafeBytes { body(QuantizedMatrix(type: .q8_0, rows: vocab, columns: width, base: $0.baseAddress!)!) }
        }
    }

    private func random(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in Float(rng.nextDouble() * 2 - 1) }
    }

    /// Largest |a − b| relative to the largest |b|.
    private func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        let scale = b.map(abs).max() ?? 1
        return zip(a, b).map { abs($0 - $1) }.max()! / max(scale, .leastNormalMagnitude)
    }

    /// `kernel(out, threads)` into a fresh (count) buffer, checked to succeed.
    private func output(count: Int, threads: Int, _ kernel: (UnsafeMutablePointer<Float>, Int) -> Bool) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        #expect(out.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, threads) })
        return out
    }

    /// The kernel's result on 2 threads is `expected` within 1e-5 relative, and 1 and 3 threads give its bits.
    private func check(_ name: String, expected: [Float], _ result: (Int) -> [Float]) {
        let got = result(2)
        #expect(relativeError(got, expected) < 1e-5, "\(name)")
        for threads in [1, 3] {
            #expect(result(threads) == got, "\(name), \(threads) threads: other bits")
        }
    }

    @Test(arguments: [(1, 64, 13), (5, 64, 103), (16, 576, 1000), (17, 96, 250), (40, 128, 67)])
    func forwardMatchesTheFloat32Product(rows: Int, width: Int, vocab: Int) {
        let table = Table(vocab: vocab, width: width, seed: UInt64(vocab))
        let x = random(rows * width, seed: 3)
        var expected = [Float](repeating: 0, count: rows * vocab)
        BLAS.sgemm(transA: false, transB: true, m: rows, n: vocab, k: width, alpha: 1, a: x, lda: width, b: table.values,
                   ldb: width, beta: 0, c: &expected, ldc: vocab)
        check("forward, rows \(rows), width \(width), vocab \(vocab)", expected: expected) { threads in
            table.withMatrix { m in
                output(count: rows * vocab, threads: threads) {
                    QuantizedHead.forward(logits: $0, input: x, rows: rows, table: m, threads: $1)
                }
            }
        }
    }

    @Test(arguments: [(1, 64, 13), (5, 64, 103), (16, 576, 1000), (17, 96, 250), (40, 128, 67)])
    func backwardMatchesTheFloat32Product(rows: Int, width: Int, vocab: Int) {
        let table = Table(vocab: vocab, width: width, seed: UInt64(vocab) + 1)
        let g = random(rows * vocab, seed: 4)
        var expected = [Float](repeating: 0, count: rows * width)
        BLAS.sgemm(transA: false, transB: false, m: rows, n: width, k: vocab, alpha: 1, a: g, lda: vocab, b: table.values,
                   ldb: width, beta: 0, c: &expected, ldc: width)
        check("backward, rows \(rows), width \(width), vocab \(vocab)", expected: expected) { threads in
            table.withMatrix { m in
                output(count: rows * width, threads: threads) {
                    QuantizedHead.backward(dInput: $0, dLogits: g, rows: rows, table: m, threads: $1)
                }
            }
        }
    }
}
