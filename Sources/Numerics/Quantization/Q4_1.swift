/// Q4_1: blocks of 32 elements, 20 bytes each.
///
///     struct block_q4_1 { ggml_half d; ggml_half m; uint8_t qs[16]; }
///
/// Element j (0..15) uses the low nibble of qs[j], element 16 + j the high nibble; value =
/// Float(d) · q, then + Float(m) — two roundings, as gguf-py's `(d * qs) + m` in float32. The
/// product and the sum are kept in separate statements so that no fused multiply-add is formed
/// (an FMA would round once and differ from the reference in the last bit).
public enum Q4_1Format {
    /// Elements per block.
    public static let blockSize = 32
    /// Bytes per block.
    public static let blockBytes = 20

    /// Dequantizes `blocks` consecutive blocks into `out` (32 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let m = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let qs = (block + 4).assumingMemoryBound(to: UInt8.self)
            let o = out + b * blockSize
            for j in 0..<16 {
                let byte = qs[j]
                let low = d * Float(byte & 0x0F)
                let high = d * Float(byte >> 4)
                o[j] = low
                o[j + 16] = high
            }
            // Add the offset in a second pass over the stored products: the rounded product is
            // what gets added, never an unrounded intermediate.
            for j in 0..<blockSize { o[j] = o[j] + m }
        }
    }

    /// Quantizes as ggml's `quantize_row_q4_1_ref`: m = min, d = (max − min) / 15,
    /// q = min(15, trunc((x − m) / d + 0.5)).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, blocks: Int, into out: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = source + b * blockSize
            var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
            for j in 0..<blockSize {
                lo = min(lo, x[j])
                hi = max(hi, x[j])
            }
            let d = (hi - lo) / 15
            let id: Float = d != 0 ? 1 / d : 0
            let block = out + b * blockBytes
            block.storeBytes(of: HalfFloat.fromFloat(d).littleEndian, as: UInt16.self)
            block.storeBytes(of: HalfFloat.fromFloat(lo).littleEndian, toByteOffset: 2, as: UInt16.self)
            func code(_ v: Float) -> UInt8 { UInt8(min(15, max(0, Int((v - lo) * id + 0.5)))) }
            for j in 0..<16 {
                let byte = code(x[j]) | code(x[j + 16]) << 4
                block.storeBytes(of: byte, toByteOffset: 4 + j, as: UInt8.self)
            }
        }
    }
}
