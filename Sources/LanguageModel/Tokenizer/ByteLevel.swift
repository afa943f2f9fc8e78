/// GPT-2's reversible map between bytes and printable Unicode scalars.
///
/// Byte-level BPE vocabularies store every token as a string of these scalars, one per byte, so
/// that no token contains a space or a control character: the space byte 0x20 is "Ġ" (U+0120),
/// newline 0x0A is "Ċ" (U+010A). Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) map to
/// themselves; the other 68 bytes map, in byte order, to U+0100, U+0101, …
enum ByteLevel {
    /// `scalar[b]` is the scalar that stands for byte `b`.
    static let scalarForByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if keepsItself(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The inverse table, indexed by scalar value (all stand-ins are below U+0144); -1 = not a stand-in.
    private static let byteForScalarValue: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, scalar) in scalarForByte.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()

    /// The byte a vocabulary scalar stands for, or nil if it is not one of the 256 stand-ins.
    @inline(__always)
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < byteForScalarValue.count else { return nil }
        let byte = byteForScalarValue[value]
        return byte < 0 ? nil : UInt8(byte)
    }

    /// The vocabulary spelling of some bytes, e.g. `[0x20, 0x77]` → "Ġw".
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var view = String.UnicodeScalarView()
        for byte in bytes { view.append(scalarForByte[Int(byte)]) }
        return String(view)
    }

    /// The bytes a vocabulary piece stands for. A scalar that is not a stand-in (only in
    /// hand-added tokens) contributes its own UTF-8, as llama.cpp does for such tokens.
    static func decode(_ piece: String, into bytes: inout [UInt8]) {
        for scalar in piece.unicodeScalars {
            if let byte = byte(for: scalar) {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private static func keepsItself(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }
}
