// R = rows, K = columns (a multiple of 256), NB = K / 256 super-blocks per row.

/// `y = W · x` for a Q6_K matrix, reading the 210-byte super-blocks directly.
///
/// Sixteen 16-element sub-blocks s with int8 scale sc_s (`Q6_KFormat`), q = u − 32 with u the
/// 6-bit unsigned code: Σ (d·sc_s)·(u − 32)·x = Σ_s (d·sc_s)·(Σ u·x − 32·Σ x_s). The integer part
/// is a dot product of non-negative codes with `x`; Σ x per 16 elements is
/// `MatVecInput.halfBlockSums`.
public enum Q6_KMatVec {
    // MARK: - Fast

    /// y[r] (+)= row r · x for r in `rows`. y: (R), indexed by absolute row.
    ///
    /// Each half h of a super-block is 64 bytes of low nibbles (ql) and 32 bytes of 2-bit high
    /// fields (qh); its 32-element group k (0…3) takes nibble k/2 of ql bytes 32·(k % 2)… and field
    /// k of the qh bytes. The nibble and the field (shifted up four) are ORed into whole 6-bit
    /// bytes (byte 3 at most 63·2^24, positive), then the byte-lane products on `input.kq`
    /// (`KQuantLanes`): the four words of bytes 0…15 are sub-block 2g, the other four 2g + 1,
    /// each scaled by its d·sc into the lane accumulator. The −32 offsets are added to a scalar
    /// and subtracted at the end (×32 is exact). The order depends on nothing but the row.
    @inline(__always)
    static func multiply(_ w: QuantizedMatrix, _ input: MatVecInput, rows: Range<Int>,
                         into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let blocks = w.blocksPerRow, rowBytes = w.rowBytes
        let xr = UnsafeRawPointer(input.kq)
        for r in rows {
            var acc = SIMD4<Float>()
            var offsets: Float = 0
            var p = w.base + r * rowBytes
            var xb = xr
            var sums = UnsafePointer(input.halfBlockSums)
            for _ in 0..<blocks {
                let d = BlockScale.load(p, 208)
                let scales = (p + 192).assumingMemoryBound(to: Int8.self)
                for h in 0..<2 {
                    // Group k of half h: nibble k/2 of ql bytes 64h + 32·(k % 2)…, field k of qh
                    // bytes 128 + 32h…. Each group loads its own words (L1 hits) and shifts them by
                    // constants, so that nothing lives across groups.
                    let ql = p + 64 * h, qh = p + 128 + 32 * h, s = 8 * h
                    group(ql, 0, qh, 0, xb, d, scales, sums, s, &acc, &offsets)
                    group(ql + 32, 0, qh, 2, xb + 128, d, scales, sums, s + 2, &acc, &offsets)
                    group(ql, 4, qh, 4, xb + 256, d, scales, sums, s + 4, &acc, &offsets)
                    group(ql + 32, 4, qh, 6, xb + 384, d, scales, sums, s + 6, &acc, &offsets)
                    xb += 512
                }
                p += 210
                sums += 16
            }
            let dot = acc.sum() - 32 * offsets
            y[r] = accumulate ? y[r] + dot : dot
        }
    }

    /// One 32-element group: sub-blocks s (bytes 0…15) and s + 1 (bytes 16…31) of the nibbles at
    /// `ql` shifted down `lowShift` and the 2-bit fields at `qh` shifted down `highShift`
    /// (arithmetic shifts only fill bits the masks never read). x: the group's `kq` floats.
    @inline(__always)
    private static func group(_ ql: UnsafeRawPointer, _ lowShift: Int32, _ qh: UnsafeRawPointer, _ highShift: Int32,
                              _ x: UnsafeRawPointer, _ d: Float, _ scales: UnsafePointer<Int8>,
                              _ sums: UnsafePointer<Float>, _ s: Int,
                              _ acc: inout SIMD4<Float>, _ offsets: inout Float) {
        let nibbles = SIMD4<Int32>(repeating: 0x0F0F_0F0F), fields = SIMD4<Int32>(repeating: 0x0303_0303)
        let a0 = ql.loadUnaligned(as: SIMD4<Int32>.self), a1 = ql.loadUnaligned(fromByteOffset: 16, as: SIMD4<Int32>.self)
        let f0 = qh.loadUnaligned(as: SIMD4<Int32>.self), f1 = qh.loadUnaligned(fromByteOffset: 16, as: SIMD4<Int32>.self)
        let q0 = ((a0 &>> lowShift) & nibbles) | (((f0 &>> highShift) & fields) &<< 4)
        let q1 = ((a1 &>> lowShift) & nibbles) | (((f1 &>> highShift) & fields) &<< 4)
        let dl0 = d * Float(scales[s]), dl1 = d * Float(scales[s + 1])
        acc += KQuantLanes.half(q0, mask: 0xFF, x) * dl0
        acc += KQuantLanes.half(q1, mask: 0xFF, x + 16) * dl1
        offsets += dl0 * sums[s]
        offsets += dl1 * sums[s + 1]
    }

    // MARK: - Plain

    /// The reference: each weight dequantized by `Q6_KFormat` ((d·sc)·q), products summed in
    /// Double in element order. y: (R).
    public static func plain(_ w: QuantizedMatrix, _ x: UnsafePointer<Float>, rows: Range<Int>,
                             into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(w.type == .q6_K, "Q6_KMatVec on a \(w.type) matrix")
        KQuantLanes.plain(w, x, rows: rows, into: y, accumulate: accumulate) { Q6_KFormat.dequantize($0, blocks: $1, into: $2) }
    }
}
