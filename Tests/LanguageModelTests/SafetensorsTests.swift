import Foundation
import Testing
@testable import LanguageModel

/// Bytes of a safetensors file with `header` as its JSON and `data` after it.
private func file(_ header: String, _ data: [UInt8] = []) -> Data {
    let json = Array(header.utf8)
    var out = Data()
    var length = UInt64(json.count).littleEndian
    withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
    out.append(contentsOf: json)
    out.append(contentsOf: data)
    return out
}

/// The error parsing `data` throws, or nil.
private func parseError(_ data: Data) -> SafetensorsError? {
    do {
        _ = try SafetensorsFile(data: data)
        return nil
    } catch {
        return error
    }
}

@Suite("Safetensors")
struct SafetensorsTests {
    @Test func writeThenReadRoundTrips() throws {
        let values: [Float] = [1, -2.5, 3.25, .pi, -0.0, 1e-30]
        let bytes = try SafetensorsWriter.data(
            tensors: [SafetensorsTensor(name: "prompt_embeddings", shape: [2, 3], values: values),
                      SafetensorsTensor(name: "b/\"odd\" name", shape: [1], values: [7])],
            metadata: ["format": "pt"])
        // Header padded to 8 bytes, so data starts aligned.
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let file = try SafetensorsFile(data: bytes)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors.map(\.name) == ["prompt_embeddings", "b/\"odd\" name"])
        #expect(file.tensor(named: "prompt_embeddings")?.shape == [2, 3])
        #expect(file.tensor(named: "prompt_embeddings")?.dtype == .f32)
        #expect(try file.floats("prompt_embeddings").map(\.bitPattern) == values.map(\.bitPattern))
        #expect(try file.floats("b/\"odd\" name") == [7])
        #expect(throws: SafetensorsError.missingTensor(name: "x", available: ["prompt_embeddings", "b/\"odd\" name"])) {
            try file.floats("x")
        }
    }

    @Test func exactBytesOfASmallFile() throws {
        // One 1-element F32 tensor: header is 8-byte padded, value 1.0 = 00 00 80 3F.
        let bytes = try SafetensorsWriter.data(tensors: [SafetensorsTensor(name: "a", shape: [1], values: [1])])
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        #expect(bytes == file(padded, [0x00, 0x00, 0x80, 0x3F]))
    }

    @Test func halfAndBFloatAreWidened() throws {
        // F16: 1.0 = 0x3C00, -2 = 0xC000, 65504 = 0x7BFF, smallest subnormal 0x0001 = 2^-24.
        // BF16: 1.0 = 0x3F80, -3.5 = 0xC060.
        let header = #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"__metadata__":{"k":"v"}}"#
        let data: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00, 0x80, 0x3F, 0x60, 0xC0]
        let parsed = try SafetensorsFile(data: file(header, data))
        #expect(try parsed.floats("h") == [1, -2, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(try parsed.floats("b") == [1, -3.5])
        #expect(HalfFloat.float(fromHalf: 0x7C00) == .infinity)
        #expect(HalfFloat.float(fromHalf: 0x7E00).isNaN)
    }

    @Test func integerTensorsAreReadableButNotAsFloats() throws {
        let parsed = try SafetensorsFile(data: file(#"{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, Array(repeating: 0, count: 8)))
        #expect(throws: SafetensorsError.unsupportedDType(tensor: "i", dtype: "I64")) { try parsed.floats("i") }
    }

    @Test(arguments: [
        (Data([1, 2, 3]), "expected a safetensors file of at least 8 bytes, found 3"),
        (Data([0xFF, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]), "expected a safetensors header length of at most 2 bytes, found 255"),
        (file("[1, 2]"), "expected a JSON object as safetensors header, found text not starting with '{'"),
        (file("{\"a\": "), "expected a JSON object as safetensors header, found invalid JSON"),
        (file(#"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]),
         "tensor 'a': expected a safetensors dtype such as F32, found 'Q4'"),
        (file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]),
         "tensor 'a': expected 8 bytes from its shape and dtype, found 4"),
        (file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]),
         "tensor 'a': expected 'shape' as a list of non-negative integers"),
        (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, [0, 0, 0, 0]),
         "tensor 'a': expected 'data_offsets' as [begin, end] with begin <= end"),
        (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, [0, 0]),
         "tensor 'a': expected data to end within the 2-byte data section, found end 4"),
        (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, Array(repeating: 0, count: 8)),
         "tensor 'a': expected data to start at byte 0, found 4 (leaves a gap before it)"),
        (file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, Array(repeating: 0, count: 8)),
         "tensor 'b': expected data to start at byte 8, found 4 (overlaps the previous tensor)"),
        (file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, Array(repeating: 0, count: 6)),
         "tensor 'a': expected the tensors to cover all 6 data bytes, found 4"),
        (file(#"{"__metadata__":{"k":1}}"#), "tensor '__metadata__': expected an object of strings"),
    ])
    func malformedFilesAreRejected(bytes: Data, message: String) {
        let error = parseError(bytes)
        #expect(error?.description == message, "got \(String(describing: error))")
    }

    @Test func writerChecksValueCounts() {
        #expect(throws: SafetensorsError.valueCount(tensor: "p", expected: 6, found: 5)) {
            try SafetensorsWriter.data(tensors: [SafetensorsTensor(name: "p", shape: [2, 3], values: [1, 2, 3, 4, 5])])
        }
    }
}
