/// Q4_K: super-blocks of 256 elements, 144 bytes each.
///
///     struct block_q4_K { ggml_half d; ggml_half dmin; uint8_t scales[12]; uint8_t qs[128]; }
///
/// Eight sub-blocks of 32 elements, each with a 6-bit scale and a 6-bit min packed in `scales`
/// (`KQuantScales.unpack`, shared with Q5_K). Element e = 64·c + 32·k + l (c 0..3, k 0..1,
/// l 0..31) is nibble k of qs[32·c + l]; its sub-block is e/32. value = (d · scale) · q −
/// (dmin · min), each product rounded to float32 first, as gguf-py's `d * qs - dm`.
public enum Q4_KFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 144

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let dmin = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let packed = (block + 4).assumingMemoryBound(to: UInt8.self)
            let qs = packed + 12
            let o = out + b * blockSize
            for s in 0..<8 {
                let (scale, min) = KQuantScales.unpack(packed, s)
                let dl = d * Float(scale)
                let ml = dmin * Float(min)
                let c = s >> 1, shift = UInt8(4 * (s & 1))
                for l in 0..<32 {
                    let q = (qs[32 * c + l] >> shift) & 0x0F
                    let scaled = dl * Float(q)
                    o[32 * s + l] = scaled - ml
                }
            }
        }
    }
}

/// The 12-byte scale/min table of Q4_K and Q5_K: eight 6-bit scales and eight 6-bit mins.
///
///     byte 0–3:  EEAAAAAA …   scale s (s < 4) = low 6 bits; its top 2 bits go to scale s + 4
///     byte 4–7:  eeaaaaaa …   min s (s < 4)   = low 6 bits; its top 2 bits go to min s + 4
///     byte 8–11: eeeeEEEE …   scale s + 4 = low nibble | top bits of byte s; min s + 4 = high nibble | top bits of byte 4 + s
public enum KQuantScales {
    /// Sub-block `s`'s (scale, min), both 0…63.
    @inlinable @inline(__always)
    public static func unpack(_ packed: UnsafePointer<UInt8>, _ s: Int) -> (scale: UInt8, min: UInt8) {
        if s < 4 { return (packed[s] & 0x3F, packed[s + 4] & 0x3F) }
        let j = s - 4
        let scale = (packed[8 + j] & 0x0F) | ((packed[j] >> 2) & 0x30)
        let min = (packed[8 + j] >> 4) | ((packed[4 + j] >> 2) & 0x30)
        return (scale, min)
    }
}
