// R = rows, K = columns (a multiple of 32), NB = K / 32 blocks per row.

/// `y = W · x` for a Q5_0 or Q5_1 matrix, reading the blocks directly: Q5_0 is
/// Σ_b d·(Σ q·x − 16·Σx_b), Q5_1 Σ_b d·Σ q·x + m·Σx_b, with Σx_b from `MatVecInput.blockSums`.
/// The AVX2 kernel (`ck_q5_rows`, Q5.c) is the fast path; the portable one below serves CPUs
/// without it: it unpacks a block's codes into 32 floats and takes the dot product in SIMD8.
public enum Q5MatVec {
    // MARK: - Portable

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let withMin = w.type == .q5_1
        let stride = w.type.bytesPerBlock, codesAt = withMin ? 4 : 2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { codes in
            let c = codes.baseAddress!
            for r in rows {
                var acc = SIMD8<Float>()
                var offsets: Float = 0
                var p = w.base + r * w.rowBytes
                for b in 0..<w.blocksPerRow {
                    let d = BlockScale.load(p)
                    let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: codesAt, as: UInt32.self))
                    let qs = (p + codesAt + 4).assumingMemoryBound(to: UInt8.self)
                    for j in 0..<16 {
                        c[j] = Float(UInt32(qs[j] & 0x0F) | ((qh >> UInt32(j)) & 1) << 4)
                        c[j + 16] = Float(UInt32(qs[j] >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4)
                    }
                    let x = UnsafeRawPointer(input.plain + 32 * b)
                    let q = UnsafeRawPointer(c)
                    var s = q.loadUnaligned(as: SIMD8<Float>.self) * x.loadUnaligned(as: SIMD8<Float>.self)
                    for g in 1..<4 {
                        s += q.loadUnaligned(fromByteOffset: 32 * g, as: SIMD8<Float>.self)
                            * x.loadUnaligned(fromByteOffset: 32 * g, as: SIMD8<Float>.self)
                    }
                    acc += s * d
                    offsets += (withMin ? BlockScale.load(p, 2) : -16 * d) * input.blockSums[b]
                    p += stride
                }
                let dot = acc.sum() + offsets
                y[r] = accumulate ? y[r] + dot : dot
            }
        }
    }

    // MARK: - Plain

    /// The reference: each weight dequantized by `Q5_0Format` / `Q5_1Format`, products summed in
    /// Double in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q5_0 || w.type == .q5_1, "Q5MatVec on a \(w.type) matrix")
        KQuantLanes.plain(w, x, rows: rows, into: y, accumulate: accumulate) { source, blocks, out in
            if w.type == .q5_0 { Q5_0Format.dequantize(source, blocks: blocks, into: out) }
            else { Q5_1Format.dequantize(source, blocks: blocks, into: out) }
        }
    }
}
