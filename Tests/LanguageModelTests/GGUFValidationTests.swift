import Foundation
import Testing
import LanguageModel
import Numerics

// Broken files must produce a GGUFError with a useful message — never a crash or a huge allocation.

private func message(_ data: Data) -> String {
    do { _ = try GGUFFile(data: data); return "no error" } catch { return "\(error)" }
}

// MARK: - Truncation

@Test func everyTruncationThrows() throws {
    var w = GGUFWriter()
    for (k, v) in everyValue { w.set(k, v) }
    try w.addTensor("a", shape: [2, 32], type: .q4_1, values: (0..<64).map { Float($0) })
    try w.addTensor("b", shape: [3], values: [1, 2, 3])
    let full = try w.data()
    _ = try GGUFFile(data: full)
    var notThrown: [Int] = []
    var wrongKind: [String] = []
    for length in 0..<full.count {
        do {
            _ = try GGUFFile(data: full.prefix(length))
            notThrown.append(length)
        } catch let error as GGUFError {
            switch error {
            case .truncated, .tensorOutOfRange, .countTooLarge: break
            default: wrongKind.append("\(length): \(error)")
            }
        }
    }
    #expect(notThrown.isEmpty, "prefixes of \(full.count) bytes that parsed: \(notThrown.prefix(10))")
    #expect(wrongKind.isEmpty, "unexpected errors: \(wrongKind.prefix(5))")
}

@Test func truncationMessageNamesTheKey() throws {
    var w = GGUFWriter()
    w.set("first", .uint32(1))
    w.set("second", .uint64(42))
    let full = try w.data()
    let text = message(full.prefix(full.count - 3))
    #expect(text == "truncated at byte \(full.count - 3) while reading metadata key 2 of 2 ('second')", "\(text)")
}

// MARK: - Header

@Test func invalidMagic() {
    var raw = RawGGUF()
    raw.header(tensors: 0, keys: 0)
    raw.bytes[3] = UInt8(ascii: "X")
    #expect(message(raw.data) == "invalid magic 'GGUX', expected 'GGUF'")
    raw.bytes[0] = 0
    #expect(message(raw.data) == "invalid magic '\\x00GUX', expected 'GGUF'")
}

@Test func badVersions() {
    for (version, expected) in [(UInt32(1), "unsupported GGUF version 1"), (4, "unsupported GGUF version 4; expected version 2 or 3"),
                                (0x0300_0000, "big-endian GGUF file")] {
        var raw = RawGGUF()
        raw.header(version: version, tensors: 0, keys: 0)
        #expect(message(raw.data).hasPrefix(expected), "\(message(raw.data))")
    }
}

@Test func hugeCountsAreRefusedBeforeAllocating() {
    var tensors = RawGGUF()
    tensors.header(tensors: 1 << 60, keys: 0)
    #expect(message(tensors.data).hasPrefix("tensor count 1152921504606846976 at byte 8 cannot fit"), "\(message(tensors.data))")

    var keys = RawGGUF()
    keys.header(tensors: 0, keys: UInt64.max)
    #expect(message(keys.data).hasPrefix("metadata count"), "\(message(keys.data))")

    var string = RawGGUF()
    string.header(tensors: 0, keys: 1)
    string.u64(1 << 40)
    string.bytes += repeatElement(0, count: 16)
    #expect(message(string.data) == "string length 1099511627776 at byte 24 cannot fit in the 16 bytes left, while reading metadata key 1 of 1",
            "\(message(string.data))")

    var array = RawGGUF()
    array.header(tensors: 0, keys: 1)
    array.string("arr")
    array.u32(GGUFValueType.array.rawValue)
    array.u32(GGUFValueType.uint64.rawValue)
    array.u64(1 << 50)
    array.bytes += repeatElement(0, count: 64)
    #expect(message(array.data).hasPrefix("array length 1125899906842624"), "\(message(array.data))")
}

@Test func badMetadata() {
    var type = RawGGUF()
    type.header(tensors: 0, keys: 1)
    type.string("k")
    type.u32(13)
    type.bytes.append(0)
    #expect(message(type.data) == "invalid metadata value type 13 at byte 33 while reading metadata key 1 of 1 ('k'); expected 0…12")

    var utf8 = RawGGUF()
    utf8.header(tensors: 0, keys: 1)
    utf8.u64(2)
    utf8.bytes += [0xC3, 0x28]
    utf8.u32(0)
    utf8.bytes.append(1)
    #expect(message(utf8.data).hasPrefix("string at byte 32 is not valid UTF-8"), "\(message(utf8.data))")

    var nested = RawGGUF()
    nested.header(tensors: 0, keys: 1)
    nested.string("deep")
    nested.u32(GGUFValueType.array.rawValue)
    for _ in 0..<20 { nested.u32(GGUFValueType.array.rawValue); nested.u64(1) }
    #expect(message(nested.data).hasPrefix("arrays nested too deeply"), "\(message(nested.data))")

    var dup = RawGGUF()
    dup.header(tensors: 0, keys: 2)
    for _ in 0..<2 { dup.string("a"); dup.u32(0); dup.bytes.append(1) }
    #expect(message(dup.data) == "metadata key 'a' appears twice")

    var align = GGUFWriter()
    align.set(GGUFKey.alignment, .uint32(48))
    #expect(message(try! align.data()).hasPrefix("general.alignment must be a positive power of two, found 48"))
}

// MARK: - Tensor infos

@Test func tensorInfoValidation() {
    #expect(message(singleTensorFile()) == "no error")
    #expect(message(singleTensorFile(offset: 4)) == "tensor 'blk.0.attn_q.weight' data offset 4 is not a multiple of the alignment 32")
    #expect(message(singleTensorFile(offset: 64)).hasPrefix("tensor 'blk.0.attn_q.weight' data at bytes 160..<288 lies outside the file of 224 bytes"),
            "\(message(singleTensorFile(offset: 64)))")
    #expect(message(singleTensorFile(offset: UInt64.max - 31)).contains("lies outside the file"))
    #expect(message(singleTensorFile(dims: [1 << 62, 1 << 62])).contains("element count overflows"))
    #expect(message(singleTensorFile(dims: [1, 1, 1, 1, 1])) == "tensor 'blk.0.attn_q.weight' has 5 dimensions; expected 1 to 4")
    #expect(message(singleTensorFile(type: 99)) == "unknown tensor type 99 for 'blk.0.attn_q.weight'")
    #expect(message(singleTensorFile(dims: [16], type: GGMLType.q8_0.rawValue)).contains("not a multiple of the Q8_0 block size 32"))
}

@Test func unsupportedTensorTypeFailsOnRead() throws {
    var w = GGUFWriter()
    w.addRawTensor("blk.0.attn_q.weight", dimensions: [256], type: .iq2_XXS, bytes: [UInt8](repeating: 0, count: 66))
    let file = try GGUFFile(data: try w.data())
    #expect(file.tensors.first?.type == .iq2_XXS)
    let error = caughtError { _ = try file.floats(named: "blk.0.attn_q.weight") }
    let message = "\(error.map { "\($0)" } ?? "")"
    #expect(message.hasPrefix("unsupported tensor type IQ2_XXS (16) for 'blk.0.attn_q.weight'"), "\(message)")
    // The refusal lists what ptune does read, so a user knows which file to get instead.
    #expect(message.hasSuffix("ptune reads F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL and IQ4_XS"), "\(message)")
}

// MARK: - Mutations

@Test func randomByteMutationsNeverCrash() throws {
    var w = GGUFWriter()
    for (k, v) in everyValue { w.set(k, v) }
    try w.addTensor("a", shape: [2, 32], type: .q4_1, values: (0..<64).map { Float($0) })
    try w.addTensor("b", shape: [3], values: [1, 2, 3])
    let seed = [UInt8](try w.data())
    var rng = SeededRNG(seed: 2024)
    var parsed = 0, rejected = 0
    for _ in 0..<3000 {
        var bytes = seed
        for _ in 0..<(1 + rng.nextInt(below: 4)) {
            let i = rng.nextInt(below: bytes.count)
            // Mostly small nudges to one byte; sometimes a length-like 0xFF.
            bytes[i] = rng.nextInt(below: 4) == 0 ? 0xFF : bytes[i] &+ UInt8(1 + rng.nextInt(below: 255))
        }
        do {
            let file = try GGUFFile(data: Data(bytes))
            // Whatever parses must be safe to read in full.
            for t in file.tensors where t.type.isSupported { _ = try file.floats(t) }
            parsed += 1
        } catch is GGUFError {
            rejected += 1
        }
    }
    #expect(parsed + rejected == 3000)
    #expect(rejected > 0 && parsed > 0, "parsed \(parsed), rejected \(rejected)")
}
