/// Q2_K: super-blocks of 256 elements, 84 bytes each.
///
///     struct block_q2_K { uint8_t scales[16]; uint8_t qs[64]; ggml_half d; ggml_half dmin; }
///
/// Sixteen sub-blocks of 16 elements; scales[s] holds sub-block s's 4-bit scale (low nibble) and
/// 4-bit min (high nibble). Element e = 128·h + 32·k + l (h 0..1, k 0..3, l 0..31) is the 2-bit
/// field k of qs[32·h + l]. value = (d · scale) · q − (dmin · min), each product rounded to
/// float32 before the next step, as gguf-py's `dl * qs - ml`.
public enum Q2_KFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 84

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let scales = block.assumingMemoryBound(to: UInt8.self)
            let qs = scales + 16
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 80, as: UInt16.self)))
            let dmin = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 82, as: UInt16.self)))
            let o = out + b * blockSize
            for s in 0..<16 {
                let dl = d * Float(scales[s] & 0x0F)
                let ml = dmin * Float(scales[s] >> 4)
                for e in (16 * s)..<(16 * s + 16) {
                    let h = e >> 7, k = (e >> 5) & 3, l = e & 31
                    let q = (qs[32 * h + l] >> UInt8(2 * k)) & 3
                    let scaled = dl * Float(q)
                    o[e] = scaled - ml
                }
            }
        }
    }
}
