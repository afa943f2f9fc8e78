import AtomicFiles
import Foundation
import Numerics

/// Builds GGUF version 3 files (or version 2, which has the same layout): metadata of every value
/// type and tensors in any format `Quantize` encodes. Used for hand-made test files, fuzz seeds
/// and tiny test models.
///
/// Tensor data is padded to the alignment between tensors but not after the last one, so every
/// proper prefix of a written file is invalid (the truncation tests rely on that).
public struct GGUFWriter: Sendable {
    /// One tensor waiting to be written.
    struct PendingTensor: Sendable {
        var name: String
        var dimensions: [Int]
        var type: GGMLType
        var bytes: [UInt8]
    }

    /// The version number written in the header (2 or 3).
    public var version: UInt32
    /// Data alignment; written as `general.alignment` when it is not the default 32.
    public let alignment: Int
    private(set) var keys: [String] = []
    private(set) var values: [String: GGUFValue] = [:]
    private(set) var tensors: [PendingTensor] = []

    /// Starts an empty file.
    public init(version: UInt32 = 3, alignment: Int = 32) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.version = version
        self.alignment = alignment
        if alignment != 32 { set(GGUFKey.alignment, .uint32(UInt32(alignment))) }
    }

    // MARK: - Metadata

    /// Sets `key` to `value`; a key set twice keeps its first position and the last value.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    // MARK: - Tensors

    /// Adds a tensor from Float32 values in row-major order of `shape` (slowest dimension first,
    /// e.g. `[out, in]`), encoded as `type`.
    public mutating func addTensor(_ name: String, shape: [Int], type: GGMLType = .f32, values: [Float]) throws {
        guard shape.reduce(1, *) == values.count else {
            throw GGUFError.shapeMismatch(tensor: name, expected: shape, found: [values.count])
        }
        // GGUF quantizes along rows: the innermost dimension must hold whole blocks.
        guard let inner = shape.last, inner % type.blockSize == 0 else {
            throw GGUFError.invalidShape(tensor: name, dimensions: shape.reversed().map { UInt64(max(0, $0)) },
                                         reason: "first dimension is not a multiple of the \(type.name) block size \(type.blockSize)")
        }
        addRawTensor(name, dimensions: shape.reversed(), type: type, bytes: try Quantize.bytes(type, values))
    }

    /// Adds a tensor from already-encoded bytes with GGUF dimensions (`ne`, fastest first).
    /// No checks: tests use this to build deliberately broken files.
    public mutating func addRawTensor(_ name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8]) {
        tensors.append(PendingTensor(name: name, dimensions: dimensions, type: type, bytes: bytes))
    }

    // MARK: - Output

    /// The file's bytes.
    public func data() throws -> Data {
        var out = ByteSink()
        out.bytes(Array("GGUF".utf8))
        out.int(version)
        out.int(UInt64(tensors.count))
        out.int(UInt64(keys.count))
        for key in keys {
            out.string(key)
            try out.value(values[key]!, key: key)
        }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset = (offset + t.bytes.count + alignment - 1) / alignment * alignment
        }
        for (t, offset) in zip(tensors, offsets) {
            out.string(t.name)
            out.int(UInt32(t.dimensions.count))
            for d in t.dimensions { out.int(UInt64(d)) }
            out.int(t.type.rawValue)
            out.int(UInt64(offset))
        }
        guard !tensors.isEmpty else { return Data(out.buffer) }
        out.pad(to: alignment)
        let dataStart = out.buffer.count
        for (t, offset) in zip(tensors, offsets) {
            out.zeros(dataStart + offset - out.buffer.count)
            out.bytes(t.bytes)
        }
        return Data(out.buffer)
    }

    /// Writes the file to `path`, replacing any file there.
    public func write(to path: String) throws {
        try AtomicFile.write(data(), to: URL(fileURLWithPath: path))
    }
}

// MARK: - Encoding

/// Little-endian byte accumulator.
private struct ByteSink {
    var buffer: [UInt8] = []

    mutating func bytes(_ b: [UInt8]) { buffer += b }
    mutating func zeros(_ n: Int) { buffer += repeatElement(0, count: max(0, n)) }
    mutating func pad(to alignment: Int) { zeros((alignment - buffer.count % alignment) % alignment) }
    mutating func int<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { buffer += $0 } }
    mutating func string(_ s: String) {
        int(UInt64(s.utf8.count))
        buffer += s.utf8
    }

    mutating func value(_ v: GGUFValue, key: String, typeTag: Bool = true) throws {
        if typeTag { int(v.type.rawValue) }
        switch v {
        case .uint8(let x): int(x)
        case .int8(let x): int(x)
        case .uint16(let x): int(x)
        case .int16(let x): int(x)
        case .uint32(let x): int(x)
        case .int32(let x): int(x)
        case .uint64(let x): int(x)
        case .int64(let x): int(x)
        case .float32(let x): int(x.bitPattern)
        case .float64(let x): int(x.bitPattern)
        case .bool(let x): int(UInt8(x ? 1 : 0))
        case .string(let s): string(s)
        case .array(let element, let items):
            int(element.rawValue)
            int(UInt64(items.count))
            for item in items {
                guard item.type == element else {
                    throw GGUFError.invalidValue(key: key, reason: "array of \(element) holds a \(item.typeName)")
                }
                try value(item, key: key, typeTag: false)
            }
        }
    }
}
