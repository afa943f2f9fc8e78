// R = rows, K = columns (a multiple of 256), NB = K / 256 super-blocks per row.

/// `y = W · x` for a Q4_K matrix, reading the 144-byte super-blocks directly.
///
/// A super-block is eight 32-element sub-blocks s with 6-bit scale sc_s and min m_s (`Q4_KFormat`):
/// Σ ((d·sc_s)·q − dmin·m_s)·x = Σ_s (d·sc_s)·Σ q·x − Σ_s (dmin·m_s)·Σ x_s. The integer part is a
/// dot product of nibbles with `x`; Σ x per sub-block is `MatVecInput.blockSums` (sub-block s of
/// super-block b is 32-element block 8b + s).
public enum Q4_KMatVec {
    // MARK: - Fast

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    ///
    /// Sub-blocks 2c and 2c + 1 are the low and high nibbles of the same 32 bytes qs[32c…32c+31]:
    /// two 16-byte loads, the high nibbles shifted down into place, then the byte-lane products on
    /// `input.kq` (`KQuantLanes`). Each sub-block's sum is scaled by d·sc into the row's lane
    /// accumulator, its min term added to a scalar; lanes are summed left to right at the end, the
    /// mins subtracted. The order depends on nothing but the row, so any row partition gives equal bits.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let blocks = w.blocksPerRow, rowBytes = w.rowBytes
        let xr = UnsafeRawPointer(input.kq)
        for r in rows {
            var acc = SIMD4<Float>()
            var mins: Float = 0
            var p = w.base + r * rowBytes
            var xb = xr
            var sums = UnsafePointer(input.blockSums)
            for _ in 0..<blocks {
                let d = BlockScale.load(p), dmin = BlockScale.load(p, 2)
                let packed = (p + 4).assumingMemoryBound(to: UInt8.self)
                for c in 0..<4 {
                    let q0 = p.loadUnaligned(fromByteOffset: 16 + 32 * c, as: SIMD4<Int32>.self)
                    let q1 = p.loadUnaligned(fromByteOffset: 32 + 32 * c, as: SIMD4<Int32>.self)
                    let (sc0, m0) = KQuantScales.unpack(packed, 2 * c)
                    let (sc1, m1) = KQuantScales.unpack(packed, 2 * c + 1)
                    acc += KQuantLanes.dot(q0, q1, mask: 0x0F, xb) * (d * Float(sc0))
                    acc += KQuantLanes.dot(q0 &>> 4, q1 &>> 4, mask: 0x0F, xb + 128) * (d * Float(sc1))
                    mins += (dmin * Float(m0)) * sums[2 * c]
                    mins += (dmin * Float(m1)) * sums[2 * c + 1]
                    xb += 256
                }
                p += 144
                sums += 8
            }
            let dot = acc.sum() - mins
            y[r] = accumulate ? y[r] + dot : dot
        }
    }

    // MARK: - Plain

    /// The reference: each weight dequantized by `Q4_KFormat` ((d·sc)·q − dmin·m), products summed
    /// in Double in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q4_K, "Q4_KMatVec on a \(w.type) matrix")
        KQuantLanes.plain(w, x, rows: rows, into: y, accumulate: accumulate) { Q4_KFormat.dequantize($0, blocks: $1, into: $2) }
    }
}
