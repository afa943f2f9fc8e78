/// IQ4_NL: blocks of 32 elements, 18 bytes each — Q4_0's layout with a non-linear code book.
///
///     struct block_iq4_nl { ggml_half d; uint8_t qs[16]; }
///
/// Element j (0..15) is the low nibble of qs[j], element 16 + j the high nibble; each nibble
/// indexes `IQ4Codebook.values`, and value = d · codebook[q], as gguf-py's `d * qs`.
public enum IQ4_NLFormat {
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
                o[j] = d * IQ4Codebook.value(qs[j] & 0x0F)
                o[j + 16] = d * IQ4Codebook.value(qs[j] >> 4)
            }
        }
    }
}

/// The 16 levels shared by IQ4_NL and IQ4_XS (ggml's `kvalues_iq4nl`): denser near zero, where
/// most weights are.
public enum IQ4Codebook {
    /// The code book, in code order.
    public static let values: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    /// The level of 4-bit code `q`, as a Float.
    @inlinable @inline(__always)
    public static func value(_ q: UInt8) -> Float {
        // A switch-free lookup without the array's bounds check and retain in the hot loop.
        withUnsafeBytes(of: (Int8(-127), Int8(-104), Int8(-83), Int8(-65), Int8(-49), Int8(-35), Int8(-22), Int8(-10),
                             Int8(1), Int8(13), Int8(25), Int8(38), Int8(53), Int8(69), Int8(89), Int8(113))) {
            Float(Int8(bitPattern: $0[Int(q & 0x0F)]))
        }
    }
}
