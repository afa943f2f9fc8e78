import Foundation

/// The element types of the safetensors format.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL", u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case i64 = "I64", u64 = "U64", f64 = "F64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .i64, .u64, .f64: return 8
        }
    }
}

/// One tensor's header entry.
public struct SafetensorsTensorInfo: Sendable, Equatable {
    /// The tensor's name (the header key).
    public var name: String
    /// Element type.
    public var dtype: SafetensorsDType
    /// Dimensions, outermost first.
    public var shape: [Int]
    /// Byte range within the data section (after the header).
    public var dataRange: Range<Int>

    /// Number of elements: the product of the shape (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file read and validated as a whole: `u64 LE header length`, a JSON header
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`, then the
/// data section. Every length is checked against the bytes there are; the tensors' ranges must
/// tile the data section exactly (no gaps, no overlaps), as the format requires.
public struct SafetensorsFile: Sendable {
    /// The `__metadata__` strings (empty when absent).
    public let metadata: [String: String]
    /// Tensors in data order.
    public let tensors: [SafetensorsTensorInfo]
    private let bytes: Data
    private let dataStart: Int

    /// The safetensors format's own limit on the header size.
    public static let maxHeaderLength = 100_000_000

    /// Reads and validates the file at `url`.
    public init(contentsOf url: URL) throws(SafetensorsError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(data: data)
    }

    /// Parses and validates safetensors bytes.
    public init(data: Data) throws(SafetensorsError) {
        let bytes = Data(data)  // rebase indices at 0
        guard bytes.count >= 8 else { throw .tooShort(size: bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        let available = min(bytes.count - 8, Self.maxHeaderLength)
        guard length >= 2, length <= UInt64(available) else { throw .headerLength(length: length, available: available) }
        let headerEnd = 8 + Int(length)
        let header = bytes[8..<headerEnd]
        guard header.first == UInt8(ascii: "{") else { throw .invalidHeader(reason: "text not starting with '{'") }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
                throw SafetensorsError.invalidHeader(reason: "a JSON value that is not an object")
            }
            object = parsed
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw .invalidHeader(reason: "invalid JSON")
        }
        var metadata: [String: String] = [:]
        var tensors: [SafetensorsTensorInfo] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw .invalidEntry(tensor: name, reason: "expected an object of strings")
                }
                metadata = strings
                continue
            }
            tensors.append(try Self.entry(name: name, value: value))
        }
        tensors.sort { ($0.dataRange.lowerBound, $0.dataRange.upperBound, $0.name) < ($1.dataRange.lowerBound, $1.dataRange.upperBound, $1.name) }
        let dataSize = bytes.count - headerEnd
        var expectedStart = 0
        for tensor in tensors {
            guard tensor.dataRange.lowerBound == expectedStart else {
                let reason = tensor.dataRange.lowerBound < expectedStart ? "overlaps the previous tensor" : "leaves a gap before it"
                throw .offsets(tensor: tensor.name, reason: "expected data to start at byte \(expectedStart), found \(tensor.dataRange.lowerBound) (\(reason))")
            }
            guard tensor.dataRange.upperBound <= dataSize else {
                throw .offsets(tensor: tensor.name, reason: "expected data to end within the \(dataSize)-byte data section, found end \(tensor.dataRange.upperBound)")
            }
            expectedStart = tensor.dataRange.upperBound
        }
        guard expectedStart == dataSize else {
            throw .offsets(tensor: tensors.last?.name ?? "", reason: "expected the tensors to cover all \(dataSize) data bytes, found \(expectedStart)")
        }
        self.metadata = metadata
        self.tensors = tensors
        self.bytes = bytes
        self.dataStart = headerEnd
    }

    /// The entry named `name`, if any.
    public func tensor(named name: String) -> SafetensorsTensorInfo? { tensors.first { $0.name == name } }

    /// The values of tensor `name` as Float32 (F32 as is; F16 and BF16 widened exactly).
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        guard let info = tensor(named: name) else { throw .missingTensor(name: name, available: tensors.map(\.name)) }
        let start = dataStart + info.dataRange.lowerBound
        let count = info.elementCount
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + start
            switch info.dtype {
            case .f32:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f16:
                for i in 0..<count { out[i] = HalfFloat.float(fromHalf: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bf16:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            default:
                break
            }
        }
        guard [.f32, .f16, .bf16].contains(info.dtype) else { throw .unsupportedDType(tensor: name, dtype: info.dtype.rawValue) }
        return out
    }

    // MARK: - Header entries

    private static func entry(name: String, value: Any) throws(SafetensorsError) -> SafetensorsTensorInfo {
        guard let fields = value as? [String: Any] else { throw .invalidEntry(tensor: name, reason: "expected an object with dtype, shape and data_offsets") }
        guard let dtypeName = fields["dtype"] as? String else { throw .invalidEntry(tensor: name, reason: "expected a string 'dtype'") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else { throw .unknownDType(tensor: name, dtype: dtypeName) }
        guard let shape = integers(fields["shape"]) else { throw .invalidEntry(tensor: name, reason: "expected 'shape' as a list of non-negative integers") }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] <= offsets[1] else {
            throw .invalidEntry(tensor: name, reason: "expected 'data_offsets' as [begin, end] with begin <= end")
        }
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .invalidEntry(tensor: name, reason: "shape \(shape) is too large") }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == offsets[1] - offsets[0] else {
            throw .sizeMismatch(tensor: name, expected: overflow ? Int.max : byteCount, found: offsets[1] - offsets[0])
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataRange: offsets[0]..<offsets[1])
    }

    /// A JSON list of non-negative integers, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Int] = []
        for item in list {
            guard let number = item as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
            let double = number.doubleValue
            guard double >= 0, double == double.rounded(), double < 9e15 else { return nil }
            out.append(number.intValue)
        }
        return out
    }
}

/// IEEE 754 half-precision conversion, done by hand so it works where `Float16` is unavailable.
enum HalfFloat {
    /// The Float32 value of half-precision bits (exact: every half is a float).
    static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
