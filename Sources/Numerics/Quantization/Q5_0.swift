/// Q5_0: blocks of 32 elements, 22 bytes each.
///
///     struct block_q5_0 { ggml_half d; uint8_t qh[4]; uint8_t qs[16]; }
///
/// Element j (0..15) takes the low nibble of qs[j] as its low four bits, element 16 + j the high
/// nibble; bit j of the little-endian 32-bit `qh` is element j's fifth bit. value = d · (q − 16),
/// as gguf-py's `Q5_0.dequantize_blocks` computes it. llama.cpp writes Q5_0 (and Q5_1) where a
/// K-quant mix meets a row width that is not a multiple of 256 (SmolLM2's 576).
public enum Q5_0Format {
    /// Elements per block.
    public static let blockSize = 32
    /// Bytes per block.
    public static let blockBytes = 22

    /// Dequantizes `blocks` consecutive blocks into `out` (32 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            let qs = (block + 6).assumingMemoryBound(to: UInt8.self)
            let o = out + b * blockSize
            for j in 0..<16 {
                let low = Int(qs[j] & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
                let high = Int(qs[j] >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
                o[j] = d * Float(low - 16)
                o[j + 16] = d * Float(high - 16)
            }
        }
    }
}
