/// Q4_0: blocks of 32 elements, 18 bytes each.
///
///     struct block_q4_0 { ggml_half d; uint8_t qs[16]; }
///
/// Element j (0..15) = (low nibble of qs[j] − 8) · d; element 16 + j = (high nibble of qs[j] − 8) · d,
/// as gguf-py's `Q4_0.dequantize_blocks` computes it (`d * qs` with qs already shifted to −8…7).
public enum Q4_0Format {
    /// Elements per block.
    public static let blockSize = 32
    /// Bytes per block.
    public static let blockBytes = 18

    /// Dequantizes `blocks` consecutive blocks into `out` (32 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let qs = (block + 2).assumingMemoryBound(to: UInt8.self)
            let o = out + b * blockSize
            for j in 0..<16 {
                let byte = qs[j]
                o[j] = Float(Int(byte & 0x0F) - 8) * d
                o[j + 16] = Float(Int(byte >> 4) - 8) * d
            }
        }
    }

    /// Quantizes as ggml's `quantize_row_q4_0_ref`: the element of largest magnitude `max` maps to −8,
    /// d = max / −8, q = min(15, trunc(x / d + 8.5)).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, blocks: Int, into out: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = source + b * blockSize
            var amax: Float = 0, signedMax: Float = 0
            for j in 0..<blockSize where abs(x[j]) > amax {
                amax = abs(x[j])
                signedMax = x[j]
            }
            let d = signedMax / -8
            let id: Float = d != 0 ? 1 / d : 0
            let block = out + b * blockBytes
            block.storeBytes(of: HalfFloat.fromFloat(d).littleEndian, as: UInt16.self)
            func code(_ v: Float) -> UInt8 { UInt8(min(15, max(0, Int(v * id + 8.5)))) }
            for j in 0..<16 {
                let byte = code(x[j]) | code(x[j + 16]) << 4
                block.storeBytes(of: byte, toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }
}
