/// Q5_1: blocks of 32 elements, 24 bytes each.
///
///     struct block_q5_1 { ggml_half d; ggml_half m; uint8_t qh[4]; uint8_t qs[16]; }
///
/// The codes are laid out as in Q5_0 (low nibbles, then high nibbles, fifth bits in `qh`) but
/// unsigned: value = d · q, then + m — two roundings, as gguf-py's `(d * qs) + m` in float32
/// (separate statements, so that no fused multiply-add is formed).
public enum Q5_1Format {
    /// Elements per block.
    public static let blockSize = 32
    /// Bytes per block.
    public static let blockBytes = 24

    /// Dequantizes `blocks` consecutive blocks into `out` (32 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let m = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let qs = (block + 8).assumingMemoryBound(to: UInt8.self)
            let o = out + b * blockSize
            for j in 0..<16 {
                let low = UInt32(qs[j] & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
                let high = UInt32(qs[j] >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
                o[j] = d * Float(low)
                o[j + 16] = d * Float(high)
            }
            for j in 0..<blockSize { o[j] = o[j] + m }
        }
    }
}
