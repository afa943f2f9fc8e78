import Foundation
import Testing
import Numerics
import PTuneTestSupport

// The block formats llama.cpp's quantization mixes use (Q5_0 … IQ4_XS), checked two ways:
// hand-built blocks whose values are worked out in the comments, and 16 blocks of random bytes
// per format against gguf-py's `gguf.quants.dequantize` (Tests/Fixtures/quantization, written by
// Scripts/dev/make-quantization-fixtures). Both orders of rounding are gguf-py's, so the second
// check is bit for bit.

private func dequantize(_ type: GGMLType, _ bytes: [UInt8]) throws -> [Float] {
    let count = bytes.count / type.bytesPerBlock * type.blockSize
    var out = [Float](repeating: .nan, count: count)
    try bytes.withUnsafeBytes { raw in
        try out.withUnsafeMutableBufferPointer { try Dequantize.run(type, from: raw.baseAddress!, count: count, into: $0.baseAddress!) }
    }
    return out
}

/// A block of `type` with every byte zero except those given.
private func block(_ type: GGMLType, _ bytes: [Int: UInt8]) -> [UInt8] {
    var b = [UInt8](repeating: 0, count: type.bytesPerBlock)
    for (i, v) in bytes { b[i] = v }
    return b
}

private let one: [UInt8] = [0x00, 0x3C], half: [UInt8] = [0x00, 0x38]  // binary16 1.0 and 0.5, little-endian

// MARK: - Against gguf-py

@Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_NL, .iq4_XS])
func dequantizeMatchesGGUFPy(type: GGMLType) throws {
    let bytes = [UInt8](try Fixtures.data("quantization/\(type.name).blocks"))
    let expected = try NPY.fixture("quantization/\(type.name).npy").values
    let got = try dequantize(type, bytes)
    #expect(got.count == expected.count)
    let bad = zip(got, expected).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
    #expect(bad == nil, "\(type.name): first difference at element \(bad?.offset ?? -1): got \(bad?.element.0 ?? 0), gguf-py \(bad?.element.1 ?? 0); max |diff| \(zip(got, expected).map { abs($0 - $1) }.max() ?? 0)")
}

@Test func everySupportedFormatDequantizes() throws {
    for type in GGMLType.supported {
        let out = try dequantize(type, [UInt8](repeating: 0, count: type.bytesPerBlock))
        #expect(out.count == type.blockSize && out.allSatisfy(\.isFinite), "\(type.name)")
    }
}

// MARK: - By hand

@Test func q5_0FifthBitAndOffset() throws {
    // d = 0.5; qh bit 1 and bit 17 set; qs[0] = 0x21.
    var b = block(.q5_0, [2: 0x02, 4: 0x02, 6: 0x21])
    b[0] = half[0]; b[1] = half[1]
    let v = try dequantize(.q5_0, b)
    #expect(v[0] == -7.5)   // low nibble 1, no fifth bit: (1 − 16) · 0.5
    #expect(v[16] == -7)    // high nibble 2: (2 − 16) · 0.5
    #expect(v[1] == 0)      // 0 | 16 → (16 − 16) · 0.5
    #expect(v[17] == 0)     // bit 17 → element 17
    #expect(v[2] == -8)     // all zero: −16 · 0.5
}

@Test func q5_1ScaleThenOffset() throws {
    // d = 1, m = 0.5; qh bit 0; qs[0] = 0x3F.
    let b = one + half + [0x01, 0, 0, 0] + [0x3F] + [UInt8](repeating: 0, count: 15)
    let v = try dequantize(.q5_1, b)
    #expect(v[0] == 31.5)   // (15 | 16) · 1 + 0.5
    #expect(v[16] == 3.5)   // 3 · 1 + 0.5
    #expect(v[1] == 0.5)
}

@Test func q2_KSubBlockScalesAndMins() throws {
    // scales[0] = 0x23 (scale 3, min 2), scales[2] = 0x11, scales[8] = 0x01; qs[0] = 0b11_10_01_00,
    // qs[32] = 0x03; d = 1 (bytes 80–81), dmin = 0.5 (bytes 82–83).
    let b = block(.q2_K, [0: 0x23, 2: 0x11, 8: 0x01, 16: 0xE4, 48: 0x03, 81: 0x3C, 83: 0x38])
    let v = try dequantize(.q2_K, b)
    #expect(v[0] == -1)      // q 0: 3 · 0 − 0.5 · 2
    #expect(v[32] == 0.5)    // field 1 of qs[0] = 1, sub-block 2 (scale 1, min 1): 1 · 1 − 0.5 · 1
    #expect(v[96] == 0)      // field 3 of qs[0] = 3, sub-block 6: scale 0, min 0
    #expect(v[128] == 3)     // element 128 = field 0 of qs[32] = 3, sub-block 8: scale 1 → 1 · 3 − 0
    #expect(v[1] == -1)      // same sub-block as element 0, q 0
}

@Test func q3_KSignedScalesAndHighBit() throws {
    // d = 0.5 (bytes 108–109). Scale 0: low nibble of scales[0] = 1, top bits from scales[8] = 2
    // → (1 | 2 << 4) − 32 = 1. hmask[0] bit 0 set → element 0 keeps its low bits (no −4).
    let b = block(.q3_K, [0: 0x01, 32: 0x03, 96: 0x01, 104: 0x02, 109: 0x38])
    let v = try dequantize(.q3_K, b)
    #expect(v[0] == 1.5)     // q = 3, high bit set: 0.5 · 1 · 3
    #expect(v[1] == -2)      // q = 0 − 4 (bit clear): 0.5 · 1 · −4
    #expect(v[16] == 64)     // sub-block 1: scale (0 | 0) − 32 = −32; q = −4 → 0.5 · −32 · −4
}

@Test func q4_KPackedSixBitScales() throws {
    // d = 1, dmin = 0.5. Scale 0 = 0x43 & 63 = 3, its top bits (01) make scale 4 = 1 | 16 = 17;
    // min 0 = 2, min 4 = 0x2 (high nibble of byte 8) | 0. qs[0] = 0x5A, qs[64] = 0x07.
    let b = one + half + [0x43, 0, 0, 0, 0x02, 0, 0, 0, 0x21, 0, 0, 0]
        + [0x5A] + [UInt8](repeating: 0, count: 63) + [0x07] + [UInt8](repeating: 0, count: 63)
    let v = try dequantize(.q4_K, b)
    #expect(v[0] == 29)      // 1 · 3 · 10 − 0.5 · 2
    #expect(v[32] == 0)      // sub-block 1: scale 0, min 0
    #expect(v[128] == 118)   // sub-block 4, low nibble of qs[64] = 7: 17 · 7 − 0.5 · 2
}

@Test func q5_KFifthBitPerSubBlock() throws {
    // Q4_K's header with scale 0 = 1, scale 1 = 1; qh[0] = 0b10 (sub-block 1's fifth bit for l = 0).
    let b = one + half + [0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        + [0x02] + [UInt8](repeating: 0, count: 31) + [0x21] + [UInt8](repeating: 0, count: 127)
    let v = try dequantize(.q5_K, b)
    #expect(v[0] == 1)       // nibble 1, no fifth bit
    #expect(v[32] == 18)     // nibble 2 | 16
}

@Test func q6_KSixBitsAndSignedScales() throws {
    // d = 0.5 (bytes 208–209); scales[0] = 2, scales[4] = 1, scales[8] = −1; ql[0] = 0x3F, qh[0] = 0b10.
    let b = block(.q6_K, [0: 0x3F, 128: 0x02, 192: 2, 196: 1, 200: 0xFF, 209: 0x38])
    let v = try dequantize(.q6_K, b)
    #expect(v[0] == 15)      // (15 | 2 << 4) − 32 = 15; 0.5 · 2 · 15
    #expect(v[64] == -14.5)  // high nibble of ql[0] = 3, qh field 2 = 0: 3 − 32; 0.5 · 1 · −29
    #expect(v[128] == 16)    // all zero: −32; scale −1: 0.5 · −1 · −32
}

@Test func iq4CodebookFormats() throws {
    // IQ4_NL: d = 0.5, qs[0] = 0xF0 → element 0 code 0 (−127), element 16 code 15 (113).
    let nl = try dequantize(.iq4_NL, half + [0xF0] + [UInt8](repeating: 0x88, count: 15))
    #expect(nl[0] == -63.5 && nl[16] == 56.5 && nl[1] == 0.5)   // code 8 is 1
    // IQ4_XS: d = 1, scale 0 = (0x1 | (0b10 << 4)) − 32 = 1, scale 1 = (0 | 0) − 32 = −32.
    let xs = try dequantize(.iq4_XS, one + [0x02, 0x00] + [0x01, 0, 0, 0]
                            + [0xF8] + [UInt8](repeating: 0, count: 15) + [0x08] + [UInt8](repeating: 0, count: 111))
    #expect(xs[0] == 1)      // code 8 → 1, scale 1
    #expect(xs[16] == 113)   // code 15, scale 1
    #expect(xs[32] == -32)   // sub-block 1, code 8 → 1, scale −32
    #expect(xs[33] == 4064)  // code 0 → −127 · −32
}
