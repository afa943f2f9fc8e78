// R = rows, K = columns, NB = K / 256 super-blocks per row.

/// What the three K-quant kernels (Q4_K, Q5_K, Q6_K) share: the byte-lane products of 32 elements
/// on `MatVecInput.kq`, and the plain reference's row loop.
enum KQuantLanes {
    // MARK: - Fast

    /// Σ_j Float(w & (mask << 8j)) · x_j over bytes j = 0…3 of four words: 16 elements' products,
    /// four per lane, added in order j = 0…3. `w`'s bytes hold the elements' integers (bits above
    /// `mask` already cleared or masked off here), byte j in place, so its value is q·2^(8j) —
    /// exact as a float, and positive while byte 3 stays below 128; `x` points at lane half h of
    /// a `kq` group, whose group j (8 floats on) is pre-scaled by 2^(−8j), so each product rounds
    /// as q·x would.
    @inline(__always)
    static func half(_ w: SIMD4<Int32>, mask: Int32, _ x: UnsafeRawPointer) -> SIMD4<Float> {
        var s = SIMD4<Float>(w & mask) * x.load(as: SIMD4<Float>.self)
        s += SIMD4<Float>(w & (mask &<< 8)) * x.load(fromByteOffset: 32, as: SIMD4<Float>.self)
        s += SIMD4<Float>(w & (mask &<< 16)) * x.load(fromByteOffset: 64, as: SIMD4<Float>.self)
        s += SIMD4<Float>(w & (mask &<< 24)) * x.load(fromByteOffset: 96, as: SIMD4<Float>.self)
        return s
    }

    /// The 32 elements of words `w0` (bytes 0…15) and `w1` (bytes 16…31) times the `kq` group at
    /// `x`: the two halves summed, lane by lane.
    @inline(__always)
    static func dot(_ w0: SIMD4<Int32>, _ w1: SIMD4<Int32>, mask: Int32, _ x: UnsafeRawPointer) -> SIMD4<Float> {
        half(w0, mask: mask, x) + half(w1, mask: mask, x + 16)
    }

    // MARK: - Plain

    /// The plain reference for any 256-element format: each super-block dequantized by
    /// `dequantize` (the format's own dequantizer, so every weight is exactly what it produces),
    /// products summed in Double in element order. y: (R).
    @inline(__always)
    static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                      into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                      dequantize: (UnsafeRawPointer, Int, UnsafeMutablePointer<Float>) -> Void) {
        let size = w.type.blockSize, bytes = w.type.bytesPerBlock
        withUnsafeTemporaryAllocation(of: Float.self, capacity: size) { block in
            for r in rows {
                var sum = 0.0
                for b in 0..<w.blocksPerRow {
                    dequantize(w.base + r * w.rowBytes + b * bytes, 1, block.baseAddress!)
                    for i in 0..<size { sum += Double(block[i]) * Double(x[b * size + i]) }
                }
                y[r] = accumulate ? y[r] + Float(sum) : Float(sum)
            }
        }
    }
}
