/// Q8_0: blocks of 32 elements, 34 bytes each.
///
///     struct block_q8_0 { ggml_half d; int8_t qs[32]; }
///
/// Element j = Float(qs[j]) · Float(d), exactly as gguf-py's `Q8_0.dequantize_blocks` (`d * x`).
public enum Q8_0Format {
    /// Elements per block.
    public static let blockSize = 32
    /// Bytes per block.
    public static let blockBytes = 34

    /// Dequantizes `blocks` consecutive blocks into `out` (32 · blocks floats).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = source + b * blockBytes
            let d = HalfFloat.toFloat(UInt16(littleEndian: block.loadUnaligned(as: UInt16.self)))
            let qs = (block + 2).assumingMemoryBound(to: Int8.self)
            let o = out + b * blockSize
            for j in 0..<blockSize { o[j] = Float(qs[j]) * d }
        }
    }

    /// Quantizes `blocks` blocks of 32 floats as ggml's `quantize_row_q8_0_ref` does:
    /// d = max|x| / 127, q = round(x / d).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, blocks: Int, into out: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = source + b * blockSize
            var amax: Float = 0
            for j in 0..<blockSize { amax = max(amax, abs(x[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            let block = out + b * blockBytes
            block.storeBytes(of: HalfFloat.fromFloat(d).littleEndian, as: UInt16.self)
            for j in 0..<blockSize {
                let q = (x[j] * id).rounded(.toNearestOrAwayFromZero)
                block.storeBytes(of: Int8(max(-128, min(127, q))), toByteOffset: 2 + j, as: Int8.self)
            }
        }
    }
}
