import Foundation

// B = batch rows, T = positions, H = heads (NH for queries, KVH for keys), HS = head size, P = table positions.

/// Rotary position embedding in GGUF row order: within each head, the adjacent pair `(2i, 2i+1)`
/// is rotated by the angle `p · θ^(-2i/HS)` where `p` is the position of the row.
/// (llama.cpp's converter interleaves Q/K rows so this equals HF's rotate-half on its own order.)
public enum RoPE {
    /// Precomputed cosines and sines for positions `0..<P`.
    ///
    /// Built the way HF builds them in fp32: `inv_freq[i] = 1 / θ^(2i/HS)`,
    /// `angle = Float(p) · inv_freq[i]`, then cos/sin of that fp32 angle.
    public struct Table: Sendable {
        /// Head size (HS) the table was built for.
        public let headSize: Int
        /// Number of positions covered (P).
        public let positions: Int
        /// cos: (P, HS/2)
        public let cos: [Float]
        /// sin: (P, HS/2)
        public let sin: [Float]

        /// Builds the table for `positions` positions.
        public init(headSize: Int, theta: Float, positions: Int) {
            precondition(headSize % 2 == 0, "RoPE needs an even head size, found \(headSize)")
            let half = headSize / 2
            let inverse: [Float] = (0..<half).map { i in
                let exponent = Float(2 * i) / Float(headSize)
                return 1 / Float(Foundation.pow(Double(theta), Double(exponent)))
            }
            var cosines = [Float](repeating: 0, count: positions * half)
            var sines = [Float](repeating: 0, count: positions * half)
            for p in 0..<positions {
                for i in 0..<half {
                    let angle = Float(p) * inverse[i]
                    cosines[p * half + i] = Float(Foundation.cos(Double(angle)))
                    sines[p * half + i] = Float(Foundation.sin(Double(angle)))
                }
            }
            self.headSize = headSize
            self.positions = positions
            self.cos = cosines
            self.sin = sines
        }
    }

    /// The sizes one call works on: `batch × length` rows of `heads` heads; the row at `t` sits at
    /// position `firstPosition + t` (0 in training; the cache length when decoding).
    public struct Shape: Sendable, Equatable {
        /// Batch rows (B).
        public var batch: Int
        /// Positions per batch row (T).
        public var length: Int
        /// Heads per position (H).
        public var heads: Int
        /// Head size (HS).
        public var headSize: Int
        /// Position of `t = 0`.
        public var firstPosition: Int

        /// Creates a shape.
        public init(batch: Int, length: Int, heads: Int, headSize: Int, firstPosition: Int = 0) {
            self.batch = batch
            self.length = length
            self.heads = heads
            self.headSize = headSize
            self.firstPosition = firstPosition
        }
    }

    // MARK: - Forward

    /// `out[2i] = x[2i]·cos − x[2i+1]·sin`, `out[2i+1] = x[2i]·sin + x[2i+1]·cos`.
    /// `out` may be the same buffer as `input` (rotation in place).
    /// - Parameters:
    ///   - out: (B, T, H·HS)
    ///   - input: (B, T, H·HS)
    public static func forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               shape: Shape, table: Table) {
        rotate(out: out, input: input, shape: shape, table: table, direction: 1, accumulate: false)
    }

    // MARK: - Backward

    /// Forward was `y = R(p) · x` per pair with `R` a rotation, so `dx += R(p)ᵀ · dy`:
    /// `dx[2i] += dy[2i]·cos + dy[2i+1]·sin`, `dx[2i+1] += −dy[2i]·sin + dy[2i+1]·cos`.
    /// Nothing is saved by the forward: the angles depend on positions only.
    /// - Parameters:
    ///   - dInput: (B, T, H·HS) — accumulated into
    ///   - dOut: (B, T, H·HS)
    public static func backward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                shape: Shape, table: Table) {
        rotate(out: dInput, input: dOut, shape: shape, table: table, direction: -1, accumulate: true)
    }

    // MARK: - Kernel

    /// Rotates every pair by `direction · angle`; writes or adds into `out`.
    @inline(__always)
    private static func rotate(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, shape: Shape,
                               table: Table, direction: Float, accumulate: Bool) {
        let half = shape.headSize / 2
        let rowWidth = shape.heads * shape.headSize
        precondition(table.headSize == shape.headSize, "RoPE table head size \(table.headSize), expected \(shape.headSize)")
        precondition(shape.firstPosition + shape.length <= table.positions,
                     "RoPE table covers \(table.positions) positions, needs \(shape.firstPosition + shape.length)")
        table.cos.withUnsafeBufferPointer { cosines in
            table.sin.withUnsafeBufferPointer { sines in
                for b in 0..<shape.batch {
                    for t in 0..<shape.length {
                        let c = cosines.baseAddress! + (shape.firstPosition + t) * half
                        let s = sines.baseAddress! + (shape.firstPosition + t) * half
                        let row = (b * shape.length + t) * rowWidth
                        for h in 0..<shape.heads {
                            let x = input + row + h * shape.headSize
                            let y = out + row + h * shape.headSize
                            for i in 0..<half {
                                let x0 = x[2 * i], x1 = x[2 * i + 1]
                                let sn = direction * s[i]
                                let y0 = x0 * c[i] - x1 * sn
                                let y1 = x0 * sn + x1 * c[i]
                                if accumulate {
                                    y[2 * i] += y0
                                    y[2 * i + 1] += y1
                                } else {
                                    y[2 * i] = y0
                                    y[2 * i + 1] = y1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
