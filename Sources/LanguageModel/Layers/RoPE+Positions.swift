import Foundation

// M = rows, H = heads, HS = head size.

/// RoPE over rows that each carry their own position (a packed batch, `PackedSequences.positions`),
/// forward and backward, both in place-safe. Same rotation as `RoPE.forward`/`backward`.
extension RoPE {
    /// `out[2i] = x[2i]·cos − x[2i+1]·sin`, `out[2i+1] = x[2i]·sin + x[2i+1]·cos` at `positions[row]`.
    /// - Parameters:
    ///   - out: (M, H·HS) — may be `input`
    ///   - input: (M, H·HS)
    ///   - positions: (M)
    ///   - rows: the rows to rotate (all by default)
    public static func forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, positions: [Int],
                               heads: Int, table: Table, rows: Range<Int>? = nil) {
        rotate(out: out, input: input, positions: positions, heads: heads, table: table, direction: 1,
               rows: rows ?? positions.indices)
    }

    /// Forward was a rotation by the row's angle, so `dx = R(p)ᵀ · dy`; overwrites `dInput`
    /// (which may be `dOut`, turning the RoPE'd gradient into the raw one in place).
    /// - Parameters:
    ///   - dInput: (M, H·HS) — overwritten
    ///   - dOut: (M, H·HS)
    ///   - positions: (M)
    ///   - rows: the rows to rotate (all by default)
    public static func backward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, positions: [Int],
                                heads: Int, table: Table, rows: Range<Int>? = nil) {
        rotate(out: dInput, input: dOut, positions: positions, heads: heads, table: table, direction: -1,
               rows: rows ?? positions.indices)
    }

    @inline(__always)
    private static func rotate(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, positions: [Int],
                               heads: Int, table: Table, direction: Float, rows: Range<Int>) {
        let hs = table.headSize, half = hs / 2, rowWidth = heads * hs
        table.cos.withUnsafeBufferPointer { cosines in
            table.sin.withUnsafeBufferPointer { sines in
                for row in rows {
                    let position = positions[row]
                    precondition(position >= 0 && position < table.positions,
                                 "RoPE table covers \(table.positions) positions, needs \(position + 1)")
                    let c = cosines.baseAddress! + position * half
                    let s = sines.baseAddress! + position * half
                    for h in 0..<heads {
                        let x = input + row * rowWidth + h * hs
                        let y = out + row * rowWidth + h * hs
                        for i in 0..<half {
                            let x0 = x[2 * i], x1 = x[2 * i + 1]
                            let sn = direction * s[i]
                            y[2 * i] = x0 * c[i] - x1 * sn
                            y[2 * i + 1] = x0 * sn + x1 * c[i]
                        }
                    }
                }
            }
        }
    }
}
