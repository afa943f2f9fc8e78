/// Converts GGML tensor data to Float32: one entry point over the per-format files.
public enum Dequantize {
    /// Dequantizes `count` elements of `type` from `from` into `into`.
    /// Throws when the format is unsupported or `count` is not a whole number of blocks.
    public static func run(_ type: GGMLType, from: UnsafeRawPointer, count: Int,
                           into: UnsafeMutablePointer<Float>) throws {
        guard type.isSupported else { throw QuantizationError.unsupported(type) }
        guard count >= 0, count % type.blockSize == 0 else { throw QuantizationError.partialBlock(type, count: count) }
        let blocks = count / type.blockSize
        switch type {
        case .f32: F32Format.dequantize(from, count: count, into: into)
        case .f16: F16Format.dequantize(from, count: count, into: into)
        case .bf16: BF16Format.dequantize(from, count: count, into: into)
        case .q8_0: Q8_0Format.dequantize(from, blocks: blocks, into: into)
        case .q4_0: Q4_0Format.dequantize(from, blocks: blocks, into: into)
        case .q4_1: Q4_1Format.dequantize(from, blocks: blocks, into: into)
        case .q5_0: Q5_0Format.dequantize(from, blocks: blocks, into: into)
        case .q5_1: Q5_1Format.dequantize(from, blocks: blocks, into: into)
        case .q2_K: Q2_KFormat.dequantize(from, blocks: blocks, into: into)
        case .q3_K: Q3_KFormat.dequantize(from, blocks: blocks, into: into)
        case .q4_K: Q4_KFormat.dequantize(from, blocks: blocks, into: into)
        case .q5_K: Q5_KFormat.dequantize(from, blocks: blocks, into: into)
        case .q6_K: Q6_KFormat.dequantize(from, blocks: blocks, into: into)
        case .iq4_NL: IQ4_NLFormat.dequantize(from, blocks: blocks, into: into)
        case .iq4_XS: IQ4_XSFormat.dequantize(from, blocks: blocks, into: into)
        default: throw QuantizationError.unsupported(type)
        }
    }
}

/// Converts Float32 values to GGML tensor data (used to write test models and GGUF files).
public enum Quantize {
    /// The formats `run` writes (ptune writes test models and GGUF files in these; the K-quants and
    /// IQ formats are read only, since llama.cpp's quantizers are what people's files come from).
    public static let writable: Set<GGMLType> = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1]

    /// Encodes `count` floats as `type` into `into`, which must hold `type.byteCount(elements: count)` bytes.
    public static func run(_ type: GGMLType, from: UnsafePointer<Float>, count: Int,
                           into: UnsafeMutableRawPointer) throws {
        guard writable.contains(type) else { throw QuantizationError.unsupported(type) }
        guard count >= 0, count % type.blockSize == 0 else { throw QuantizationError.partialBlock(type, count: count) }
        let blocks = count / type.blockSize
        switch type {
        case .f32: F32Format.quantize(from, count: count, into: into)
        case .f16: F16Format.quantize(from, count: count, into: into)
        case .bf16: BF16Format.quantize(from, count: count, into: into)
        case .q8_0: Q8_0Format.quantize(from, blocks: blocks, into: into)
        case .q4_0: Q4_0Format.quantize(from, blocks: blocks, into: into)
        case .q4_1: Q4_1Format.quantize(from, blocks: blocks, into: into)
        default: throw QuantizationError.unsupported(type)
        }
    }

    /// Encodes `values` as `type`, returning the bytes.
    public static func bytes(_ type: GGMLType, _ values: [Float]) throws -> [UInt8] {
        guard let size = type.byteCount(elements: values.count) else {
            throw QuantizationError.partialBlock(type, count: values.count)
        }
        var out = [UInt8](repeating: 0, count: size)
        try values.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBytes { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                try run(type, from: s, count: values.count, into: d)
            }
        }
        return out
    }
}
