/// Q5_K: super-blocks of 256 elements, 176 bytes each.
///
///     struct block_q5_K { ggml_half d; ggml_half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; }
///
/// Q4_K's layout plus a fifth bit per element: element e = 64·c + 32·k + l takes nibble k of
/// qs[32·c + l] as its low bits and bit e/32 of qh[l] as bit 4. value = (d · scale) · q −
/// (dmin · min), as in Q4_K.
public enum Q5_KFormat {
    /// Elements per block.
    public static let blockSize = 256
    /// Bytes per block.
    public static let blockBytes = 176

    /// Dequantizes `blocks` consecutive blocks into `out` (256 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let dmin = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let packed = (block + 4).assumingMemoryBound(to: UInt8.self)
            let qh = packed + 12
            let qs = qh + 32
            let o = out + b * blockSize
            for s in 0..<8 {
                let (scale, min) = KQuantScales.unpack(packed, s)
                let dl = d * Float(scale)
                let ml = dmin * Float(min)
                let c = s >> 1, shift = UInt8(4 * (s & 1))
                for l in 0..<32 {
                    let q = ((qs[32 * c + l] >> shift) & 0x0F) | ((qh[l] >> UInt8(s)) & 1) << 4
                    let scaled = dl * Float(q)
                    o[32 * s + l] = scaled - ml
                }
            }
        }
    }
}
