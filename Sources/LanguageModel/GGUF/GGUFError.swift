import Foundation
import Numerics

/// Everything that can be wrong with a GGUF file or the model it describes. Each message is one
/// line that says what was expected and what was found, and where (byte offset, key, tensor).
public enum GGUFError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: - File level
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The first four bytes are not `GGUF`.
    case invalidMagic(found: [UInt8])
    /// A version other than 2 or 3.
    case unsupportedVersion(UInt32)
    /// The version field reads as 2 or 3 only when byte-swapped: a big-endian file.
    case bigEndian(version: UInt32)
    /// The file ended inside a field.
    case truncated(at: Int, context: String)
    /// A count or length claims more than the remaining bytes could hold; refused before allocating.
    case countTooLarge(what: String, count: UInt64, at: Int, bytesLeft: Int, context: String)

    // MARK: - Metadata
    /// A value-type tag outside 0…12.
    case invalidValueType(UInt32, at: Int, context: String)
    /// Arrays nested deeper than the reader allows.
    case nestingTooDeep(at: Int, context: String)
    /// A string that is not valid UTF-8.
    case invalidUTF8(at: Int, context: String)
    /// The same metadata key twice.
    case duplicateKey(String)
    /// `general.alignment` is not a positive power of two.
    case invalidAlignment(String)
    /// A required key is absent.
    case missingKey(String)
    /// A key holds a value of the wrong type.
    case wrongValueType(key: String, expected: String, found: String)
    /// A key's value is out of its meaningful range.
    case invalidValue(key: String, reason: String)

    // MARK: - Tensors
    /// The same tensor name twice.
    case duplicateTensor(String)
    /// More than 4 dimensions, or none.
    case invalidDimensionCount(tensor: String, count: UInt32)
    /// A dimension that is negative, overflows, or leaves a partial block in the first dimension.
    case invalidShape(tensor: String, dimensions: [UInt64], reason: String)
    /// A type id ggml does not define.
    case unknownTensorType(UInt32, tensor: String)
    /// A known type ptune cannot dequantize.
    case unsupportedTensorType(GGMLType, tensor: String)
    /// A data offset that is not a multiple of the alignment.
    case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
    /// A data range that does not lie inside the file.
    case tensorOutOfRange(tensor: String, start: UInt64, end: UInt64, fileSize: Int)
    /// A tensor the model needs is absent.
    case missingTensor(String)

    // MARK: - Model
    /// `general.architecture` is not one ptune runs.
    case unsupportedArchitecture(String)
    /// A tensor's shape disagrees with the configuration.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// Hyperparameters that contradict each other.
    case invalidConfig(String)
    /// The file asks for something ptune's blocks do not compute (a rope scaling, a bias, experts,
    /// a tensor it has no use for): refused, since running without it would answer wrongly.
    case unsupportedFeature(String)
    /// The Float32 copies of the weights (`needed` bytes, `parameters` values) would not fit in the
    /// `available` bytes: refused before anything is allocated.
    case weightsTooLarge(parameters: Int, needed: Int, available: Int)

    /// One line: what was expected and what was found.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open GGUF file '\(path)': \(reason)"
        case .invalidMagic(let found):
            return "invalid magic '\(Self.printable(found))', expected 'GGUF'"
        case .unsupportedVersion(let v):
            return v == 1
                ? "unsupported GGUF version 1 (the pre-2023 format); expected version 2 or 3 — re-convert the model with a current llama.cpp"
                : "unsupported GGUF version \(v); expected version 2 or 3"
        case .bigEndian(let v):
            return "big-endian GGUF file (version field reads \(v), \(v.byteSwapped) when byte-swapped); ptune reads little-endian files only"
        case .truncated(let at, let context):
            return "truncated at byte \(at) while reading \(context)"
        case .countTooLarge(let what, let count, let at, let left, let context):
            return "\(what) \(count) at byte \(at) cannot fit in the \(left) bytes left, while reading \(context)"
        case .invalidValueType(let t, let at, let context):
            return "invalid metadata value type \(t) at byte \(at) while reading \(context); expected 0…12"
        case .nestingTooDeep(let at, let context):
            return "arrays nested too deeply at byte \(at) while reading \(context)"
        case .invalidUTF8(let at, let context):
            return "string at byte \(at) is not valid UTF-8, while reading \(context)"
        case .duplicateKey(let key):
            return "metadata key '\(key)' appears twice"
        case .invalidAlignment(let found):
            return "general.alignment must be a positive power of two, found \(found)"
        case .missingKey(let key):
            return "missing metadata key '\(key)'"
        case .wrongValueType(let key, let expected, let found):
            return "metadata key '\(key)' should be \(expected), found \(found)"
        case .invalidValue(let key, let reason):
            return "metadata key '\(key)': \(reason)"
        case .duplicateTensor(let name):
            return "tensor '\(name)' appears twice"
        case .invalidDimensionCount(let tensor, let count):
            return "tensor '\(tensor)' has \(count) dimensions; expected 1 to 4"
        case .invalidShape(let tensor, let dims, let reason):
            return "tensor '\(tensor)' has invalid dimensions \(dims): \(reason)"
        case .unknownTensorType(let raw, let tensor):
            return "unknown tensor type \(raw) for '\(tensor)'"
        case .unsupportedTensorType(let type, let tensor):
            return "unsupported tensor type \(type.name) (\(type.rawValue)) for '\(tensor)'; ptune reads \(GGMLType.supportedList)"
        case .misalignedTensor(let tensor, let offset, let alignment):
            return "tensor '\(tensor)' data offset \(offset) is not a multiple of the alignment \(alignment)"
        case .tensorOutOfRange(let tensor, let start, let end, let size):
            return "tensor '\(tensor)' data at bytes \(start)..<\(end) lies outside the file of \(size) bytes"
        case .missingTensor(let name):
            return "missing tensor '\(name)'"
        case .unsupportedArchitecture(let arch):
            return "unsupported architecture '\(arch)'; ptune runs Llama-family models"
        case .shapeMismatch(let tensor, let expected, let found):
            return "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .invalidConfig(let reason):
            return "invalid model configuration: \(reason)"
        case .unsupportedFeature(let feature):
            return "this model uses \(feature), which ptune does not compute; it refuses the model rather than answer wrongly"
        case .weightsTooLarge(let parameters, let needed, let available):
            let count = parameters >= 1_000_000_000 ? String(format: "%.2f B", Double(parameters) / 1e9)
                : parameters >= 1_000_000 ? String(format: "%.1f M", Double(parameters) / 1e6) : "\(parameters)"
            return "the model's \(count) weights need \(MemoryBudget.format(needed)) as Float32 (ptune tunes through a Float32 copy); "
                + "\(MemoryBudget.format(available)) of memory is available — use a smaller model, or free memory (PTUNE_MEMORY_LIMIT sets the budget)"
        }
    }

    /// Bytes as ASCII with anything unprintable escaped (`\x00`), for the magic message.
    static func printable(_ bytes: [UInt8]) -> String {
        bytes.map { b in
            (0x20..<0x7F).contains(b) && b != 0x27 ? String(UnicodeScalar(b)) : "\\x" + String(format2hex: b)
        }.joined()
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2hex b: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
