import Foundation

/// A bounds-checked little-endian cursor over a GGUF file's bytes. Every read checks the bytes
/// left first, and every count is checked against the bytes left before anything is allocated,
/// so a corrupt or hostile header produces a `GGUFError`, never a crash or a huge allocation.
struct GGUFByteReader {
    /// Deepest array nesting accepted (real files nest at most once; this stops stack exhaustion).
    static let maximumNesting = 8

    let base: UnsafeRawPointer
    let size: Int
    private(set) var position: Int = 0
    /// What is being read, for error messages ("metadata key 7 of 24").
    var context: String = "header"

    init(base: UnsafeRawPointer, size: Int) {
        self.base = base
        self.size = size
    }

    /// Bytes between the cursor and the end of the file.
    var bytesLeft: Int { size - position }

    // MARK: - Scalars

    /// Claims `count` bytes and returns where they start.
    mutating func take(_ count: Int) throws -> UnsafeRawPointer {
        guard count <= bytesLeft else { throw GGUFError.truncated(at: size, context: context) }
        defer { position += count }
        return base + position
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        T(littleEndian: try take(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    mutating func float32() throws -> Float { Float(bitPattern: try read(UInt32.self)) }
    mutating func float64() throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    /// Reads a count and checks that `count` items of at least `minimumSize` bytes fit in what is left.
    mutating func count(_ what: String, minimumSize: Int) throws -> Int {
        let at = position
        let raw = try read(UInt64.self)
        guard raw <= UInt64(bytesLeft / max(1, minimumSize)) else {
            throw GGUFError.countTooLarge(what: what, count: raw, at: at, bytesLeft: bytesLeft, context: context)
        }
        return Int(raw)
    }

    // MARK: - Strings

    /// A length-prefixed UTF-8 string.
    mutating func string() throws -> String {
        let length = try count("string length", minimumSize: 1)
        let at = position
        let bytes = UnsafeRawBufferPointer(start: try take(length), count: length)
        guard let s = Self.decodeUTF8(bytes) else { throw GGUFError.invalidUTF8(at: at, context: context) }
        return s
    }

    /// Strict UTF-8 decoding (nil on any invalid sequence; never replacement characters).
    static func decodeUTF8(_ bytes: UnsafeRawBufferPointer) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        #if os(Linux)
        return String(validating: bytes, as: UTF8.self)
        #else
        if #available(macOS 15, iOS 18, *) { return String(validating: bytes, as: UTF8.self) }
        return String(bytes: bytes, encoding: .utf8)
        #endif
    }

    // MARK: - Metadata values

    /// A value-type tag.
    mutating func valueType() throws -> GGUFValueType {
        let at = position
        let raw = try read(UInt32.self)
        guard let type = GGUFValueType(rawValue: raw) else {
            throw GGUFError.invalidValueType(raw, at: at, context: context)
        }
        return type
    }

    /// One value of `type`; arrays recurse up to `maximumNesting` deep.
    mutating func value(of type: GGUFValueType, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self))
        case .int8: return .int8(try read(Int8.self))
        case .uint16: return .uint16(try read(UInt16.self))
        case .int16: return .int16(try read(Int16.self))
        case .uint32: return .uint32(try read(UInt32.self))
        case .int32: return .int32(try read(Int32.self))
        case .float32: return .float32(try float32())
        case .uint64: return .uint64(try read(UInt64.self))
        case .int64: return .int64(try read(Int64.self))
        case .float64: return .float64(try float64())
        case .bool:
            // gguf-py writes 0/1; any nonzero byte reads as true, as in ggml.
            return .bool(try read(UInt8.self) != 0)
        case .string: return .string(try string())
        case .array:
            guard depth < Self.maximumNesting else { throw GGUFError.nestingTooDeep(at: position, context: context) }
            let element = try valueType()
            let n = try count("array length", minimumSize: element.minimumEncodedSize)
            var items: [GGUFValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try value(of: element, depth: depth + 1)) }
            return .array(element, items)
        }
    }
}
