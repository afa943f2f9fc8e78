import Foundation

/// One Float32 tensor to write.
public struct SafetensorsTensor: Sendable {
    /// Header key.
    public var name: String
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Values in row-major (C) order.
    public var values: [Float]

    /// Creates a tensor.
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// Serializes Float32 tensors as safetensors bytes, in the given order, with the header padded
/// with spaces to a multiple of 8 bytes (as the reference implementation does) so the data is
/// aligned. Returns bytes; the caller decides how to write them (atomically, for adapters).
public enum SafetensorsWriter {
    /// The file's bytes.
    public static func data(tensors: [SafetensorsTensor], metadata: [String: String] = [:]) throws(SafetensorsError) -> Data {
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            let expected = tensor.shape.reduce(1, *)
            guard expected == tensor.values.count else {
                throw .valueCount(tensor: tensor.name, expected: expected, found: tensor.values.count)
            }
            let end = offset + 4 * tensor.values.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(quote(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for tensor in tensors {
            let littleEndian = tensor.values.map { $0.bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// A JSON string literal.
    private static func quote(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
