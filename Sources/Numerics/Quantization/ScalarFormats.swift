// The three unblocked float formats: F32, F16 and BF16 (one element per "block").
// All GGUF data is little-endian; loads are unaligned because tensor data sits at any offset.

/// Plain little-endian float32 elements.
public enum F32Format {
    /// Copies `count` little-endian floats from `source` into `out`.
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            out[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        }
    }

    /// Writes `count` floats as little-endian float32 (4 · count bytes).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
        for i in 0..<count {
            out.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
        }
    }
}

/// IEEE binary16 elements.
public enum F16Format {
    /// Widens `count` little-endian halves from `source` into `out` (exact).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            out[i] = HalfFloat.toFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        }
    }

    /// Rounds `count` floats to the nearest half (2 · count bytes).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
        for i in 0..<count {
            out.storeBytes(of: HalfFloat.fromFloat(source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
        }
    }
}

/// bfloat16 elements (the top half of a float32).
public enum BF16Format {
    /// Widens `count` little-endian bfloat16 values from `source` into `out` (exact).
    @inlinable
    public static func dequantize(_ source: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<count {
            out[i] = HalfFloat.bfloatToFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        }
    }

    /// Rounds `count` floats to the nearest bfloat16 (2 · count bytes).
    @inlinable
    public static func quantize(_ source: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
        for i in 0..<count {
            out.storeBytes(of: HalfFloat.bfloatFromFloat(source[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
        }
    }
}
