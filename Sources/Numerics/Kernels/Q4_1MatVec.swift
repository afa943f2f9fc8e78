// R = rows, K = columns, NB = K / 32 blocks per row.

/// `y = W · x` for a Q4_1 matrix, reading the 20-byte blocks directly.
///
/// Per block, Σ (d·q + m)·x = d·Σ q·x + m·Σ x: the integer part is a dot product of nibbles with
/// `x`, and Σ x per block is prepared once per input (`MatVecInput.blockSums`).
public enum Q4_1MatVec {
    // MARK: - Fast

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    ///
    /// Four lanes hold words 0…3 of a block's 16 nibble bytes; nibble n of every word is masked
    /// in place (q·2^(4n), exact as a float) and multiplied by the matching pre-scaled group of
    /// `input.q41`. The eight products are added in order into one block sum (a serial chain, so
    /// that the compiler vectorizes across the four lanes and nothing else), scaled by d and added
    /// to the row's lane accumulator; the lanes are summed left to right at the end, then the
    /// offsets. The order depends on nothing but the row, so any row partition gives equal bits.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let blocks = w.blocksPerRow, rowBytes = w.rowBytes
        let xr = UnsafeRawPointer(input.q41), sums = input.blockSums
        for r in rows {
            var acc = SIMD4<Float>()
            var offsets: Float = 0
            var p = w.base + r * rowBytes
            var xb = xr
            for b in 0..<blocks {
                let d = BlockScale.load(p)
                let m = BlockScale.load(p, 2)
                let q = p.loadUnaligned(fromByteOffset: 4, as: SIMD4<Int32>.self)
                var s = SIMD4<Float>(q & 0xF) * xb.load(fromByteOffset: 0, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF0) * xb.load(fromByteOffset: 16, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF00) * xb.load(fromByteOffset: 32, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF000) * xb.load(fromByteOffset: 48, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF_0000) * xb.load(fromByteOffset: 64, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF0_0000) * xb.load(fromByteOffset: 80, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q & 0xF00_0000) * xb.load(fromByteOffset: 96, as: SIMD4<Float>.self)
                // The top nibble is shifted down one bit so that the value stays positive.
                s += SIMD4<Float>((q &>> 1) & 0x7800_0000) * xb.load(fromByteOffset: 112, as: SIMD4<Float>.self)
                acc += s * d
                offsets += m * sums[b]
                p += 20
                xb += 128
            }
            let dot = acc.sum() + offsets
            y[r] = accumulate ? y[r] + dot : dot
        }
    }

    // MARK: - Plain

    /// The reference: each weight dequantized as `Q4_1Format` does (d·q, then + m), products summed
    /// in Double in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q4_1, "Q4_1MatVec on a \(w.type) matrix")
        for r in rows {
            var sum = 0.0
            for b in 0..<w.blocksPerRow {
                let block = w.base + r * w.rowBytes + b * 20
                let d = HalfFloat.toFloat(block.loadUnaligned(as: UInt16.self))
                let m = HalfFloat.toFloat(block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
                for j in 0..<16 {
                    let byte = block.load(fromByteOffset: 4 + j, as: UInt8.self)
                    let low = d * Float(byte & 0x0F), high = d * Float(byte >> 4)
                    sum += Double(low + m) * Double(x[b * 32 + j])
                    sum += Double(high + m) * Double(x[b * 32 + 16 + j])
                }
            }
            y[r] = accumulate ? y[r] + Float(sum) : Float(sum)
        }
    }
}
