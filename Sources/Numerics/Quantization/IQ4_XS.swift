/// IQ4_XS: super-blocks of 256 elements, 136 bytes each.
///
///     struct block_iq4_xs { ggml_half d; uint16_t scales_h; uint8_t scales_l[4]; uint8_t qs[128]; }
///
/// Eight sub-blocks of 32 elements with signed 6-bit scales: low four bits = nibble s % 2 of
/// scales_l[s / 2], high two bits = bits 2s, 2s+1 of scales_h; scale − 32. Within sub-block s,
/// element k·16 + l (k 0..1, l 0..15) is nibble k of qs[16·s + l], an index into the IQ4_NL code
/// book. value = (d · scale) · codebook[q], as gguf-py's `dl * qs`.
public enum IQ4_XSFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 136

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let high = UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
            let low = (block + 4).assumingMemoryBound(to: UInt8.self)
            let qs = low + 4
            let o = out + b * blockSize
            for s in 0..<8 {
                let l4 = Int(low[s / 2] >> UInt8(4 * (s % 2))) & 0x0F
                let h2 = Int(high >> UInt16(2 * s)) & 0x03
                let dl = d * Float((l4 | h2 << 4) - 32)
                for l in 0..<16 {
                    let byte = qs[16 * s + l]
                    o[32 * s + l] = dl * IQ4Codebook.value(byte & 0x0F)
                    o[32 * s + 16 + l] = dl * IQ4Codebook.value(byte >> 4)
                }
            }
        }
    }
}
