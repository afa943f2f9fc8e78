/// Q6_K: super-blocks of 256 elements, 210 bytes each.
///
///     struct block_q6_K { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; ggml_half d; }
///
/// Sixteen sub-blocks of 16 elements with signed 8-bit scales. Element e = 128·h + 32·k + l
/// (h 0..1, k 0..3, l 0..31) has low bits = nibble k/2 of ql[64·h + 32·(k % 2) + l] and high
/// bits = 2-bit field k of qh[32·h + l]; q = (low | high << 4) − 32. value = (d · scale) · q,
/// as gguf-py's `d * q`. llama.cpp's Q4_K_M keeps `attn_v`, `ffn_down` and often the embedding
/// table in this format.
public enum Q6_KFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 210

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let ql = block.assumingMemoryBound(to: UInt8.self)
            let qh = ql + 128
            let scales = (block + 192).assumingMemoryBound(to: Int8.self)
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 208, as: UInt16.self)))
            let o = out + b * blockSize
            for s in 0..<16 {
                let dl = d * Float(scales[s])
                for e in (16 * s)..<(16 * s + 16) {
                    let h = e >> 7, k = (e >> 5) & 3, l = e & 31
                    let low = Int(ql[64 * h + 32 * (k & 1) + l] >> UInt8(4 * (k >> 1))) & 0x0F
                    let high = Int(qh[32 * h + l] >> UInt8(2 * k)) & 0x03
                    o[e] = dl * Float((low | high << 4) - 32)
                }
            }
        }
    }
}
