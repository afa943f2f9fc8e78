import Foundation
import Testing
import LanguageModel
import Numerics
import PTuneTestSupport

// MARK: - Round trips through the writer

/// One value of every metadata type, nested and empty arrays included.
let everyValue: [(String, GGUFValue)] = [
    ("t.uint8", .uint8(250)), ("t.int8", .int8(-7)), ("t.uint16", .uint16(65_000)), ("t.int16", .int16(-30_000)),
    ("t.uint32", .uint32(4_000_000_000)), ("t.int32", .int32(-2_000_000_000)), ("t.float32", .float32(1e-5)),
    ("t.bool.true", .bool(true)), ("t.bool.false", .bool(false)), ("t.string", .string("héllo ✓ \u{0}end")),
    ("t.empty", .string("")), ("t.uint64", .uint64(UInt64.max)), ("t.int64", .int64(Int64.min)),
    ("t.float64", .float64(-1.25e300)),
    ("t.strings", .array(.string, [.string("a"), .string("Ġthe"), .string("")])),
    ("t.ints", .array(.int32, [.int32(1), .int32(-2), .int32(3)])),
    ("t.floats", .array(.float32, [.float32(0.5), .float32(-0.25)])),
    ("t.nested", .array(.array, [.array(.uint8, [.uint8(1), .uint8(2)]), .array(.uint8, [])])),
    ("t.emptyArray", .array(.bool, [])),
]

@Test(arguments: [UInt32(2), 3])
func everyMetadataTypeRoundTrips(version: UInt32) throws {
    var w = GGUFWriter(version: version)
    for (k, v) in everyValue { w.set(k, v) }
    let file = try GGUFFile(data: try w.data())
    #expect(file.version == Int(version))
    #expect(file.metadataKeys == everyValue.map(\.0))
    for (k, v) in everyValue { #expect(file[k] == v, "\(k): wrote \(v), read \(file[k].map { "\($0)" } ?? "nothing")") }
    #expect(file.tensors.isEmpty)
    #expect(file.alignment == 32)
}

@Test func valueAccessors() throws {
    #expect(GGUFValue.uint8(250).int == 250)
    #expect(GGUFValue.uint64(.max).int == nil)
    #expect(GGUFValue.int64(-5).int == -5)
    #expect(GGUFValue.float32(1e-5).float == 1e-5)
    #expect(GGUFValue.uint32(10_000).float == 10_000)
    #expect(GGUFValue.string("x").int == nil)
    #expect(GGUFValue.bool(true).bool == true)
    #expect(GGUFValue.array(.string, [.string("a"), .string("b")]).stringArray == ["a", "b"])
    #expect(GGUFValue.array(.int32, [.int32(1), .int32(2)]).intArray == [1, 2])
    #expect(GGUFValue.array(.int32, [.int32(1)]).stringArray == nil)
    #expect(GGUFValue.array(.float32, [.float32(0.5)]).floatArray == [0.5])
    #expect(GGUFValue.array(.string, []).typeName == "array of string")
}

@Test(arguments: [GGMLType.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1])
func tensorsRoundTrip(type: GGMLType) throws {
    var rng = SeededRNG(seed: 3)
    let values = (0..<(3 * 64)).map { _ in rng.nextFloat() * 2 - 1 }
    var w = GGUFWriter()
    w.set("general.architecture", .string("llama"))
    try w.addTensor("small", shape: [5], values: [1, 2, 3, 4, 5])   // odd size: next tensor needs padding
    try w.addTensor("m", shape: [3, 64], type: type, values: values)
    let file = try GGUFFile(data: try w.data())
    let info = try #require(file.tensor(named: "m"))
    #expect(info.dimensions == [64, 3] && info.shape == [3, 64])
    #expect(info.type == type && info.elementCount == 192)
    #expect(info.byteCount == type.byteCount(elements: 192))
    #expect(info.offset % file.alignment == 0 && info.offset > 0)
    #expect(file.dataOffset % 32 == 0)
    #expect(try file.floats(named: "small") == [1, 2, 3, 4, 5])
    // The reader must return exactly what the format's dequantizer gives for the written bytes.
    let bytes = try Quantize.bytes(type, values)
    var expected = [Float](repeating: 0, count: 192)
    try bytes.withUnsafeBytes { raw in try Dequantize.run(type, from: raw.baseAddress!, count: 192, into: &expected) }
    let got = try file.floats(info)
    let firstBad = got.indices.first { got[$0].bitPattern != expected[$0].bitPattern }
    #expect(firstBad == nil, "first bad index \(firstBad ?? -1)")
}

@Test func customAlignment() throws {
    var w = GGUFWriter(alignment: 64)
    try w.addTensor("a", shape: [3], values: [1, 2, 3])
    try w.addTensor("b", shape: [2], values: [4, 5])
    let file = try GGUFFile(data: try w.data())
    #expect(file.alignment == 64)
    #expect(file[GGUFKey.alignment] == .uint32(64))
    #expect(file.dataOffset % 64 == 0)
    #expect(file.tensor(named: "b")?.offset == 64)
    #expect(try file.floats(named: "b") == [4, 5])
}

@Test func memoryMappedFileMatchesData() throws {
    var w = GGUFWriter()
    w.set("k", .string("v"))
    try w.addTensor("t", shape: [2, 32], type: .q8_0, values: (0..<64).map { Float($0) / 8 })
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-gguf-\(getpid()).gguf").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try w.write(to: path)
    let mapped = try GGUFFile(path: path)
    let inMemory = try GGUFFile(data: try w.data())
    #expect(mapped.metadata == inMemory.metadata && mapped.tensors == inMemory.tensors)
    #expect(try mapped.floats(named: "t") == inMemory.floats(named: "t"))
    #expect(mapped.fileSize == inMemory.fileSize)
}

@Test func missingAndEmptyFiles() throws {
    let missing = caughtError { _ = try GGUFFile(path: "/nonexistent/ptune/model.gguf") }
    #expect("\(missing.map { "\($0)" } ?? "")".contains("cannot open GGUF file '/nonexistent/ptune/model.gguf'"))
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-empty-\(getpid()).gguf").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = FileManager.default.createFile(atPath: path, contents: Data())
    #expect(throws: GGUFError.truncated(at: 0, context: "the magic")) { try GGUFFile(path: path) }
}
