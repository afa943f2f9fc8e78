/// The type tag of a GGUF metadata value (`gguf_type` in ggml).
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The fewest bytes one value of this type occupies; bounds array counts before allocating.
    public var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string: return 8     // the length prefix
        case .array: return 12     // element type + count
        }
    }

    /// The spec's name, e.g. `uint32`.
    public var description: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// One GGUF metadata value. Arrays carry their element type so that an empty array keeps it
/// (the writer needs it), and may nest.
public enum GGUFValue: Sendable, Equatable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String)
    case array(GGUFValueType, [GGUFValue])
    case uint64(UInt64), int64(Int64), float64(Double)

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }

    /// A short type name for error messages, e.g. `array of string`.
    public var typeName: String {
        if case .array(let element, _) = self { return "array of \(element)" }
        return type.description
    }

    // MARK: - Accessors

    /// Any integer value as `Int` (nil for non-integers and for a uint64 above `Int.max`).
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(exactly: v)
        default: return nil
        }
    }

    /// Any numeric value as `Double` (floats exactly; integers converted).
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return int.map(Double.init)
        }
    }

    /// Any numeric value as `Float` (a float32 exactly; others rounded).
    public var float: Float? {
        if case .float32(let v) = self { return v }
        return double.map(Float.init)
    }

    /// A bool value.
    public var bool: Bool? { if case .bool(let v) = self { return v } else { return nil } }

    /// A string value.
    public var string: String? { if case .string(let v) = self { return v } else { return nil } }

    /// The elements of an array value.
    public var array: [GGUFValue]? { if case .array(_, let v) = self { return v } else { return nil } }

    /// An array of strings.
    public var stringArray: [String]? {
        guard case .array(.string, let items) = self else { return nil }
        return items.compactMap(\.string)
    }

    /// An array of integers (any integer element type).
    public var intArray: [Int]? {
        guard let items = array else { return nil }
        let ints = items.compactMap(\.int)
        return ints.count == items.count ? ints : nil
    }

    /// An array of numbers as Float (any numeric element type).
    public var floatArray: [Float]? {
        guard let items = array else { return nil }
        let floats = items.compactMap(\.float)
        return floats.count == items.count ? floats : nil
    }

    /// A readable rendering; long arrays are abbreviated.
    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return b ? "true" : "false"
        case .array(let t, let items):
            let head = items.prefix(8).map(\.description).joined(separator: ", ")
            return "[\(t) × \(items.count): \(head)\(items.count > 8 ? ", …" : "")]"
        case .float32(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        default: return int.map(String.init) ?? "\(self)"
        }
    }
}
