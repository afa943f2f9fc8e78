// R = rows, K = columns (a multiple of 256), NB = K / 256 super-blocks per row.

/// `y = W · x` for a Q5_K matrix, reading the 176-byte super-blocks directly.
///
/// Q4_K's arithmetic (`Q4_KMatVec`) on 5-bit integers: sub-block s's fifth bits are bit s of the
/// 32 bytes qh, so q = nibble | ((qh >> s) & 1) << 4 is assembled per byte before the products.
public enum Q5_KMatVec {
    // MARK: - Fast

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    ///
    /// As Q4_K's kernel, with each sub-block's nibbles ORed with its fifth bits (qh shifted down
    /// one bit per sub-block, so bit s reaches bit 0 of each byte when sub-block s is read) into
    /// whole 5-bit bytes, byte 3 at most 31·2^24, still positive.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let blocks = w.blocksPerRow, rowBytes = w.rowBytes
        let xr = UnsafeRawPointer(input.kq)
        let nibbles: SIMD4<Int32> = .init(repeating: 0x0F0F_0F0F), bits: SIMD4<Int32> = .init(repeating: 0x0101_0101)
        for r in rows {
            var acc = SIMD4<Float>()
            var mins: Float = 0
            var p = w.base + r * rowBytes
            var xb = xr
            var sums = UnsafePointer(input.blockSums)
            for _ in 0..<blocks {
                let d = BlockScale.load(p), dmin = BlockScale.load(p, 2)
                let packed = (p + 4).assumingMemoryBound(to: UInt8.self)
                // qh: bytes 16…47; arithmetic shifts only fill bits that the 0x01 masks never read.
                var h0 = p.loadUnaligned(fromByteOffset: 16, as: SIMD4<Int32>.self)
                var h1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD4<Int32>.self)
                for c in 0..<4 {
                    let q0 = p.loadUnaligned(fromByteOffset: 48 + 32 * c, as: SIMD4<Int32>.self)
                    let q1 = p.loadUnaligned(fromByteOffset: 64 + 32 * c, as: SIMD4<Int32>.self)
                    let (sc0, m0) = KQuantScales.unpack(packed, 2 * c)
                    let (sc1, m1) = KQuantScales.unpack(packed, 2 * c + 1)
                    let lo0 = (q0 & nibbles) | ((h0 & bits) &<< 4), lo1 = (q1 & nibbles) | ((h1 & bits) &<< 4)
                    h0 &>>= 1
                    h1 &>>= 1
                    let hi0 = ((q0 &>> 4) & nibbles) | ((h0 & bits) &<< 4), hi1 = ((q1 &>> 4) & nibbles) | ((h1 & bits) &<< 4)
                    h0 &>>= 1
                    h1 &>>= 1
                    acc += KQuantLanes.dot(lo0, lo1, mask: 0xFF, xb) * (d * Float(sc0))
                    acc += KQuantLanes.dot(hi0, hi1, mask: 0xFF, xb + 128) * (d * Float(sc1))
                    mins += (dmin * Float(m0)) * sums[2 * c]
                    mins += (dmin * Float(m1)) * sums[2 * c + 1]
                    xb += 256
                }
                p += 176
                sums += 8
            }
            let dot = acc.sum() - mins
            y[r] = accumulate ? y[r] + dot : dot
        }
    }

    // MARK: - Plain

    /// The reference: each weight dequantized by `Q5_KFormat` ((d·sc)·q − dmin·m), products summed
    /// in Double in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q5_K, "Q5_KMatVec on a \(w.type) matrix")
        KQuantLanes.plain(w, x, rows: rows, into: y, accumulate: accumulate) { Q5_KFormat.dequantize($0, blocks: $1, into: $2) }
    }
}
