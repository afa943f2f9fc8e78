// R = rows (outputs), K = columns (inputs), a multiple of the block size (32; 256 for the
// K-quants); NB = K / block size blocks per row.

/// A read-only view of a weight matrix `W (R, K)` stored in a GGML block format, row after row,
/// exactly as a GGUF file holds it (so the bytes can stay in the memory-mapped file).
///
/// The view does not own its bytes: whoever builds it keeps the storage alive for as long as the
/// view is used (`QuantizedWeights` holds the `GGUFFile`).
public struct QuantizedMatrix: @unchecked Sendable {  // a pointer to immutable bytes
    /// The block formats the matrix-vector kernels read directly.
    public static let kernelFormats: Set<GGMLType> = [.q4_1, .q8_0, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// The element format, one of `kernelFormats`.
    public let type: GGMLType
    /// Output rows (R).
    public let rows: Int
    /// Input columns (K), a multiple of the block size.
    public let columns: Int
    /// The first byte of row 0; row r starts at `base + r · rowBytes`.
    public let base: UnsafeRawPointer

    /// Bytes per row: NB blocks of the format.
    public var rowBytes: Int { columns / type.blockSize * type.bytesPerBlock }
    /// Blocks per row (NB).
    public var blocksPerRow: Int { columns / type.blockSize }

    /// Creates a view over `rows · rowBytes` bytes at `base`; nil when the format has no kernel or
    /// the columns are not whole blocks.
    public init?(type: GGMLType, rows: Int, columns: Int, base: UnsafeRawPointer) {
        guard Self.kernelFormats.contains(type), rows > 0, columns > 0, columns % type.blockSize == 0 else { return nil }
        self.type = type
        self.rows = rows
        self.columns = columns
        self.base = base
    }

    /// The matrix dequantized to Float32 (R, K), with the same arithmetic as `Dequantize`.
    public func dequantized() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { out, n in
            let blocks = rows * blocksPerRow
            switch type {
            case .q4_1: Q4_1Format.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q8_0: Q8_0Format.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q4_K: Q4_KFormat.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q5_K: Q5_KFormat.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q6_K: Q6_KFormat.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q5_0: Q5_0Format.dequantize(base, blocks: blocks, into: out.baseAddress!)
            case .q5_1: Q5_1Format.dequantize(base, blocks: blocks, into: out.baseAddress!)
            default: preconditionFailure("no kernel format \(type)")  // init admits only kernelFormats
            }
            n = rows * columns
        }
    }
}

// MARK: - Block scales

/// The half-precision block scales (`d`, `m`) read in a hot loop: a branch-light conversion that
/// equals `HalfFloat.toFloat` on every bit pattern.
enum BlockScale {
    /// The Float equal to the binary16 value `bits`. Normal and subnormal halves are rebiased with
    /// one exact multiply by 2^112 (the exponent field moves into place with a shift); inf/NaN,
    /// which never occur in real weights, take the slow path.
    @inline(__always)
    static func float(_ bits: UInt16) -> Float {
        if bits & 0x7C00 == 0x7C00 { return HalfFloat.toFloat(bits) }
        let magnitude = Float(bitPattern: UInt32(bits & 0x7FFF) << 13) * 0x1p112
        return bits & 0x8000 != 0 ? -magnitude : magnitude
    }

    /// The half at `offset` bytes from `p` (little-endian, unaligned).
    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ offset: Int = 0) -> Float {
        float(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
