/// Why a safetensors file could not be read or written. One line each: what was expected, what was found.
public enum SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// Fewer than 8 bytes: no header length.
    case tooShort(size: Int)
    /// The header length does not fit in the file.
    case headerLength(length: UInt64, available: Int)
    /// The header is not a JSON object.
    case invalidHeader(reason: String)
    /// A tensor entry lacks a field or has a wrong one.
    case invalidEntry(tensor: String, reason: String)
    /// A dtype this reader does not know.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's byte range disagrees with its shape and dtype.
    case sizeMismatch(tensor: String, expected: Int, found: Int)
    /// Tensor data ranges leave gaps, overlap or exceed the data section.
    case offsets(tensor: String, reason: String)
    /// A tensor was asked for by a name the file does not have.
    case missingTensor(name: String, available: [String])
    /// A tensor's dtype cannot be converted to Float32.
    case unsupportedDType(tensor: String, dtype: String)
    /// Writing was given values that do not match the shape.
    case valueCount(tensor: String, expected: Int, found: Int)

    /// The one-line message.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read the file (\(reason))"
        case let .tooShort(size): return "expected a safetensors file of at least 8 bytes, found \(size)"
        case let .headerLength(length, available):
            return "expected a safetensors header length of at most \(available) bytes, found \(length)"
        case let .invalidHeader(reason): return "expected a JSON object as safetensors header, found \(reason)"
        case let .invalidEntry(tensor, reason): return "tensor '\(tensor)': \(reason)"
        case let .unknownDType(tensor, dtype): return "tensor '\(tensor)': expected a safetensors dtype such as F32, found '\(dtype)'"
        case let .sizeMismatch(tensor, expected, found):
            return "tensor '\(tensor)': expected \(expected) bytes from its shape and dtype, found \(found)"
        case let .offsets(tensor, reason): return "tensor '\(tensor)': \(reason)"
        case let .missingTensor(name, available):
            return "expected a tensor named '\(name)', found " + (available.isEmpty ? "none" : available.map { "'\($0)'" }.joined(separator: ", "))
        case let .unsupportedDType(tensor, dtype): return "tensor '\(tensor)': expected dtype F32, F16 or BF16, found \(dtype)"
        case let .valueCount(tensor, expected, found): return "tensor '\(tensor)': expected \(expected) values for its shape, found \(found)"
        }
    }
}
