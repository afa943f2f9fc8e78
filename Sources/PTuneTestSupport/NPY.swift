import Foundation

/// A NumPy `.npy` array of little-endian float32 values (format versions 1–3, C order).
/// Enough for the reference figures in `Tests/Fixtures`, which are all `<f4` arrays.
public struct NPY: Sendable, Equatable {
    /// Dimensions, slowest first (NumPy's `shape`).
    public let shape: [Int]
    /// The values in C (row-major) order.
    public let values: [Float]

    /// Why a file is not a readable `.npy` float32 array.
    public struct FormatError: Error, CustomStringConvertible {
        /// One line: what was expected and what was found.
        public let description: String
    }

    /// Reads the fixture called `name` (e.g. `smollm2-prompt-init.npy`).
    public static func fixture(_ name: String) throws -> NPY { try NPY(data: Fixtures.data(name)) }

    /// Parses `.npy` bytes.
    public init(data: Data) throws {
        let bytes = [UInt8](data)
        func fail(_ m: String) -> FormatError { FormatError(description: "not a float32 .npy array: \(m)") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("missing the \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header length") }
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
            headerStart = 12
        default:
            throw fail("format version \(major), expected 1, 2 or 3")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail("header of \(headerLength) bytes does not fit in \(bytes.count)")
        }
        guard header.contains("'descr': '<f4'") else { throw fail("dtype in \(header), expected '<f4'") }
        guard header.contains("'fortran_order': False") else { throw fail("Fortran order, expected C order") }
        guard let open = header.range(of: "'shape': ("),
              let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw fail("no shape in \(header)")
        }
        let dims = header[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let n = Int(d), n >= 0 else { throw fail("bad dimension '\(d)'") }
            return n
        }
        let count = shape.reduce(1, *)
        let start = headerStart + headerLength
        guard bytes.count - start == 4 * count else {
            throw fail("shape \(shape) needs \(4 * count) bytes of data, found \(bytes.count - start)")
        }
        self.shape = shape
        values = (0..<count).map { i in
            let o = start + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            return Float(bitPattern: bits)
        }
    }

    /// Row `i` of a 2-D array.
    public func row(_ i: Int) -> ArraySlice<Float> {
        precondition(shape.count == 2, "row(_:) needs a 2-D array")
        return values[(i * shape[1])..<((i + 1) * shape[1])]
    }
}
