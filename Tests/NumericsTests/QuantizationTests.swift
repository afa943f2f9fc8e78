import Testing
import Numerics

// Hand-built blocks with values worked out by hand: each expectation below is the arithmetic
// in its comment, not the output of the code under test.

// MARK: - Helpers

/// Dequantizes `bytes` holding `count` elements of `type`.
private func dequantize(_ type: GGMLType, _ bytes: [UInt8], count: Int) throws -> [Float] {
    var out = [Float](repeating: .nan, count: count)
    try bytes.withUnsafeBytes { raw in
        try out.withUnsafeMutableBufferPointer { try Dequantize.run(type, from: raw.baseAddress!, count: count, into: $0.baseAddress!) }
    }
    return out
}

private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }

// MARK: - Half and bfloat

@Test func halfToFloatSpecialValues() {
    #expect(HalfFloat.toFloat(0x3C00) == 1)
    #expect(HalfFloat.toFloat(0xC000) == -2)
    #expect(HalfFloat.toFloat(0x3800) == 0.5)
    #expect(HalfFloat.toFloat(0x7BFF) == 65504)                 // largest finite half
    #expect(HalfFloat.toFloat(0x0001) == Float(1) / 16_777_216)  // smallest subnormal, 2^-24
    #expect(HalfFloat.toFloat(0x03FF) == Float(1023) / 16_777_216)
    #expect(HalfFloat.toFloat(0x0400) == Float(1) / 16384)       // smallest normal, 2^-14
    #expect(HalfFloat.toFloat(0x7C00) == .infinity)
    #expect(HalfFloat.toFloat(0xFC00) == -.infinity)
    #expect(HalfFloat.toFloat(0x7E00).isNaN)
    let negativeZero = HalfFloat.toFloat(0x8000)
    #expect(negativeZero == 0 && negativeZero.sign == .minus)
    #expect(HalfFloat.toFloat(0x3555) == 0.333251953125)         // 1365/4096
}

@Test func halfRoundTripsEveryNonNaNPattern() {
    var bad: [UInt16] = []
    for bits in 0...UInt16.max {
        let f = HalfFloat.toFloat(bits)
        if f.isNaN { continue }
        if HalfFloat.fromFloat(f) != bits { bad.append(bits) }
    }
    #expect(bad.isEmpty, "\(bad.count) patterns fail to round-trip, first \(bad.first.map { String($0, radix: 16) } ?? "-")")
}

@Test func floatToHalfRounding() {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even → 1.
    #expect(HalfFloat.fromFloat(1 + 1.0 / 2048) == 0x3C00)
    // 1 + 3·2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even) → 1 + 2^-9.
    #expect(HalfFloat.fromFloat(1 + 3.0 / 2048) == 0x3C02)
    #expect(HalfFloat.fromFloat(65520) == 0x7C00)      // rounds past the largest finite half
    #expect(HalfFloat.fromFloat(1e-8) == 0x0000)       // below half the smallest subnormal
    #expect(HalfFloat.fromFloat(3e-8) == 0x0001)       // above half of 2^-24 (≈ 2.98e-8) → smallest subnormal
    #expect(HalfFloat.fromFloat(.nan) & 0x7C00 == 0x7C00)
}

@Test func bfloatConversion() {
    #expect(HalfFloat.bfloatToFloat(0x3F80) == 1)
    #expect(HalfFloat.bfloatToFloat(0xC040) == -3)
    #expect(HalfFloat.bfloatFromFloat(1) == 0x3F80)
    // 1 + 2^-8 is halfway between bfloat 1 and 1 + 2^-7: ties to even → 1.
    #expect(HalfFloat.bfloatFromFloat(1 + 1.0 / 256) == 0x3F80)
    #expect(HalfFloat.bfloatFromFloat(1 + 3.0 / 256) == 0x3F82)
}

// MARK: - Scalar formats

@Test func scalarFormats() throws {
    let f32 = [Float(1.5), -2].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    #expect(try dequantize(.f32, f32, count: 2) == [1.5, -2])
    #expect(try dequantize(.f16, le16(0x3E00) + le16(0xC500), count: 2) == [1.5, -5])
    #expect(try dequantize(.bf16, le16(0x4049) + le16(0xBF00), count: 2) == [3.140625, -0.5])
}

// MARK: - Q8_0

@Test func q8_0Block() throws {
    // d = 0x3800 = 0.5; qs = -128, -1, 0, 1, 127, then j - 16 for j = 5..31.
    var qs: [Int8] = [-128, -1, 0, 1, 127]
    qs += (5..<32).map { Int8($0 - 16) }
    let block = le16(0x3800) + qs.map { UInt8(bitPattern: $0) }
    let out = try dequantize(.q8_0, block, count: 32)
    #expect(Array(out[0..<5]) == [-64, -0.5, 0, 0.5, 63.5])
    #expect(out[5] == -5.5)    // (5 - 16) · 0.5
    #expect(out[31] == 7.5)    // (31 - 16) · 0.5
}

// MARK: - Q4_0

@Test func q4_0BlockNibbleOrder() throws {
    // d = 0x4000 = 2; qs[0] = 0x1F: low nibble 15 → element 0 = (15 − 8)·2 = 14,
    // high nibble 1 → element 16 = (1 − 8)·2 = −14. qs[j] = 0x88 elsewhere → 0.
    var qs = [UInt8](repeating: 0x88, count: 16)
    qs[0] = 0x1F
    qs[15] = 0x0A   // element 15 = (10 − 8)·2 = 4, element 31 = (0 − 8)·2 = −16
    let out = try dequantize(.q4_0, le16(0x4000) + qs, count: 32)
    #expect(out[0] == 14)
    #expect(out[16] == -14)
    #expect(out[15] == 4)
    #expect(out[31] == -16)
    #expect(out[1] == 0 && out[17] == 0)
}

// MARK: - Q4_1

@Test func q4_1BlockNibbleOrderAndOffset() throws {
    // d = 0x3800 = 0.5, m = 0xBC00 = −1. qs[0] = 0xA3: element 0 = 0.5·3 − 1 = 0.5,
    // element 16 = 0.5·10 − 1 = 4. qs[j] = 0 elsewhere → −1.
    var qs = [UInt8](repeating: 0, count: 16)
    qs[0] = 0xA3
    qs[7] = 0xF0    // element 7 = −1, element 23 = 0.5·15 − 1 = 6.5
    let out = try dequantize(.q4_1, le16(0x3800) + le16(0xBC00) + qs, count: 32)
    #expect(out[0] == 0.5)
    #expect(out[16] == 4)
    #expect(out[7] == -1)
    #expect(out[23] == 6.5)
    #expect(out[1] == -1)
}

@Test func q4_1RoundsTheSumOnce() throws {
    // d = 0x3555 = 1365/4096, m = 0x6400 = 1024. Element 0 with q = 15:
    // d·q = 20475/4096 = 4.998779296875 (exact in float32), then 1024 + 4.998779296875 rounded
    // to float32 (ulp 2^-13 at 1024): 1028.998779296875 is representable (8429558/8192), exact.
    // Element 16 with q = 7: 9555/4096 + 1024 = 1026.332763671875, exact as well.
    var qs = [UInt8](repeating: 0, count: 16)
    qs[0] = 0x7F
    let out = try dequantize(.q4_1, le16(0x3555) + le16(0x6400) + qs, count: 32)
    #expect(out[0] == 1028.998779296875)
    #expect(out[16] == 1026.332763671875)
    #expect(out[1] == 1024)
}

// MARK: - Errors and quantizers

@Test func unsupportedAndPartialBlocksThrow() {
    let bytes = [UInt8](repeating: 0, count: 256)
    #expect(throws: QuantizationError.unsupported(.iq2_XXS)) { try dequantize(.iq2_XXS, bytes, count: 256) }
    #expect(throws: QuantizationError.partialBlock(.q8_0, count: 31)) { try dequantize(.q8_0, bytes, count: 31) }
    #expect(QuantizationError.unsupported(.iq2_XXS).description.contains("IQ2_XXS (16)"))
}

@Test func typeTable() {
    #expect(GGMLType.bf16.rawValue == 30 && GGMLType.q8_0.rawValue == 8 && GGMLType.q2_K.rawValue == 10)
    #expect(GGMLType.q4_1.byteCount(elements: 64) == 40)
    #expect(GGMLType.q8_0.byteCount(elements: 33) == nil)
    #expect(GGMLType.q6_K.bytesPerBlock == 210)
}

@Test(arguments: [GGMLType.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1])
func quantizeRoundTripWithinOneStep(type: GGMLType) throws {
    var rng = SeededRNG(seed: 7)
    let values = (0..<256).map { _ in rng.nextFloat() * 4 - 2 }
    let back = try dequantize(type, try Quantize.bytes(type, values), count: values.count)
    // Tolerance: half a quantization step of the coarsest block, plus half-precision scale error.
    let tolerance: Float = switch type {
    case .f32: 0
    case .f16: 1e-3
    case .bf16: 8e-3
    case .q8_0: 2.0 / 127 * 0.51 + 2e-3
    // Q4_0 maps the largest magnitude to −8, so the opposite extreme clips at 7/8 of it: error ≤ amax/8.
    case .q4_0: 2.0 / 8 + 4e-3
    default: 4.0 / 15 * 0.51 + 4e-3
    }
    var worst: Float = 0, worstIndex = -1
    for i in values.indices where abs(values[i] - back[i]) > worst {
        worst = abs(values[i] - back[i]); worstIndex = i
    }
    #expect(worst <= tolerance, "\(type): max diff \(worst) at \(worstIndex) (tolerance \(tolerance))")
}
