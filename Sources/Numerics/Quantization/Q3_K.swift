/// Q3_K: super-blocks of 256 elements, 110 bytes each.
///
///     struct block_q3_K { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; ggml_half d; }
///
/// Sixteen sub-blocks of 16 elements with signed 6-bit scales: the low four bits of scale s are
/// nibble s/8 of scales[s % 8], the high two bits are field s/4 of scales[8 + s % 4]; scale − 32.
/// Element e = 128·h + 32·k + l (h 0..1, k 0..3, l 0..31) has low bits = 2-bit field k of
/// qs[32·h + l] and "high" bit = bit e/32 of hmask[l]; q = low − 4 when that bit is clear, else
/// low. value = (d · scale) · q, as gguf-py's `dl * q`.
public enum Q3_KFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 110

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let hmask = block.assumingMemoryBound(to: UInt8.self)
            let qs = hmask + 32
            let packed = hmask + 96
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 108, as: UInt16.self)))
            let o = out + b * blockSize
            for s in 0..<16 {
                let low = Int(packed[s % 8] >> UInt8(4 * (s / 8))) & 0x0F
                let high = Int(packed[8 + s % 4] >> UInt8(2 * (s / 4))) & 0x03
                let dl = d * Float((low | high << 4) - 32)
                for e in (16 * s)..<(16 * s + 16) {
                    let h = e >> 7, k = (e >> 5) & 3, l = e & 31
                    let q = Int(qs[32 * h + l] >> UInt8(2 * k)) & 3
                    let bit = Int(hmask[l] >> UInt8(e >> 5)) & 1
                    o[e] = dl * Float(q - (bit == 0 ? 4 : 0))
                }
            }
        }
    }
}
