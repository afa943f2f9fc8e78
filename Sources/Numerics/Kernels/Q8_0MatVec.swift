// R = rows, K = columns, NB = K / 32 blocks per row.

/// `y = W · x` for a Q8_0 matrix, reading the 34-byte blocks directly: Σ (q·d)·x = d · Σ q·x.
public enum Q8_0MatVec {
    // MARK: - Fast

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    ///
    /// Each half block is one 16-byte load: lane k holds int8s 4k…4k+3; byte j is moved to the top
    /// of its lane and shifted back down arithmetically (sign kept), converted, and multiplied by
    /// the matching group of `input.q80`. The eight products are added in order into the block sum,
    /// scaled by d into the lane accumulator; lanes are summed left to right at the end.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let blocks = w.blocksPerRow, rowBytes = w.rowBytes
        let xr = UnsafeRawPointer(input.q80)
        for r in rows {
            var acc = SIMD4<Float>()
            var p = w.base + r * rowBytes
            var xb = xr
            for _ in 0..<blocks {
                let d = BlockScale.load(p)
                let q0 = p.loadUnaligned(fromByteOffset: 2, as: SIMD4<Int32>.self)
                let q1 = p.loadUnaligned(fromByteOffset: 18, as: SIMD4<Int32>.self)
                var s = SIMD4<Float>((q0 &<< 24) &>> 24) * xb.load(fromByteOffset: 0, as: SIMD4<Float>.self)
                s += SIMD4<Float>((q0 &<< 16) &>> 24) * xb.load(fromByteOffset: 16, as: SIMD4<Float>.self)
                s += SIMD4<Float>((q0 &<< 8) &>> 24) * xb.load(fromByteOffset: 32, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q0 &>> 24) * xb.load(fromByteOffset: 48, as: SIMD4<Float>.self)
                s += SIMD4<Float>((q1 &<< 24) &>> 24) * xb.load(fromByteOffset: 64, as: SIMD4<Float>.self)
                s += SIMD4<Float>((q1 &<< 16) &>> 24) * xb.load(fromByteOffset: 80, as: SIMD4<Float>.self)
                s += SIMD4<Float>((q1 &<< 8) &>> 24) * xb.load(fromByteOffset: 96, as: SIMD4<Float>.self)
                s += SIMD4<Float>(q1 &>> 24) * xb.load(fromByteOffset: 112, as: SIMD4<Float>.self)
                acc += s * d
                p += 34
                xb += 128
            }
            let dot = acc.sum()
            y[r] = accumulate ? y[r] + dot : dot
        }
    }

    // MARK: - Plain

    /// The reference: each weight dequantized as `Q8_0Format` does (q·d), products summed in Double
    /// in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q8_0, "Q8_0MatVec on a \(w.type) matrix")
        for r in rows {
            var sum = 0.0
            for b in 0..<w.blocksPerRow {
                let block = w.base + r * w.rowBytes + b * 34
                let d = HalfFloat.toFloat(block.loadUnaligned(as: UInt16.self))
                for j in 0..<32 {
                    let q = block.load(fromByteOffset: 2 + j, as: Int8.self)
                    sum += Double(Float(q) * d) * Double(x[b * 32 + j])
                }
            }
            y[r] = accumulate ? y[r] + Float(sum) : Float(sum)
        }
    }
}
