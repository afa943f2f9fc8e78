/// Turning ids back into text: the byte-level decoder, readable pieces for teaching views, and
/// a streaming decoder for generation.
extension BPETokenizer {
    // MARK: - Decode

    /// The bytes `id` stands for: a special token's own text, or a normal piece mapped back
    /// through GPT-2's byte table. Ids outside the vocabulary contribute nothing.
    func appendBytes(of id: Int32, to bytes: inout [UInt8]) {
        guard pieces.indices.contains(Int(id)) else { return }
        let type = tokenTypes[Int(id)]
        if type == Self.controlType || type == Self.userDefinedType {
            bytes.append(contentsOf: pieces[Int(id)].utf8)
        } else {
            ByteLevel.decode(pieces[Int(id)], into: &bytes)
        }
    }

    /// The text of `ids`: pieces joined, bytes restored, UTF-8 decoded (an invalid sequence
    /// becomes U+FFFD). Control tokens decode to their literal text; spaces are not cleaned up.
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        for id in ids { appendBytes(of: id, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Display

    /// `id`'s text made readable for token views: a space shows as "␣", a newline as "↵",
    /// a tab as "→", a carriage return as "␍"; a piece that is only part of a UTF-8 character
    /// shows its bytes as "<0xF0>"; control tokens show their own text.
    public func displayPiece(_ id: Int32) -> String {
        guard pieces.indices.contains(Int(id)) else { return "<invalid \(id)>" }
        if tokenTypes[Int(id)] == Self.controlType { return pieces[Int(id)] }
        var bytes: [UInt8] = []
        appendBytes(of: id, to: &bytes)
        var out = ""
        var i = 0
        while i < bytes.count {
            if let length = UTF8Sequence.length(lead: bytes[i]), i + length <= bytes.count,
               UTF8Sequence.isValid(bytes[i..<(i + length)]) {
                out += Self.visible(String(decoding: bytes[i..<(i + length)], as: UTF8.self))
                i += length
            } else {
                out += "<0x" + String(bytes[i], radix: 16, uppercase: true) + ">"
                i += 1
            }
        }
        return out
    }

    private static func visible(_ text: String) -> String {
        switch text {
        case " ": return "␣"
        case "\n": return "↵"
        case "\t": return "→"
        case "\r": return "␍"
        default: return text
        }
    }
}

/// Decodes ids one at a time and hands out only complete UTF-8 text.
///
/// An emoji is four bytes and a byte-level vocabulary may spell it with two or more ids; printing
/// each id's bytes alone would print U+FFFD garbage. The decoder holds back a trailing partial
/// sequence until the ids that complete it arrive.
public struct StreamingDecoder: Sendable {
    private let tokenizer: BPETokenizer
    /// Bytes of an incomplete UTF-8 sequence at the end of what was seen (at most 3).
    private var pending: [UInt8] = []

    /// A decoder that reads ids of `tokenizer`.
    public init(tokenizer: BPETokenizer) { self.tokenizer = tokenizer }

    /// Adds one id; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        tokenizer.appendBytes(of: id, to: &pending)
        let cut = UTF8Sequence.completePrefixLength(pending)
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Ends the stream: returns whatever is held back (an unfinished sequence becomes U+FFFD).
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Whether bytes of an unfinished character are being held back.
    public var hasPendingBytes: Bool { !pending.isEmpty }
}

/// UTF-8 sequence arithmetic shared by the decoders.
enum UTF8Sequence {
    /// The length announced by a lead byte, or nil for a continuation or invalid byte.
    static func length(lead: UInt8) -> Int? {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return nil
        }
    }

    /// Whether `bytes` is one whole well-formed sequence, or (with `expectedLength`) a well-formed
    /// start of one that long. Follows the Unicode table of well-formed byte sequences: no
    /// overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValid(_ bytes: ArraySlice<UInt8>, expectedLength: Int? = nil) -> Bool {
        guard let lead = bytes.first, let length = length(lead: lead) else { return false }
        if let expectedLength { guard length == expectedLength, bytes.count <= length else { return false } }
        else { guard bytes.count == length else { return false } }
        for (k, byte) in bytes.dropFirst().enumerated() {
            var range: ClosedRange<UInt8> = 0x80...0xBF
            if k == 0 {
                switch lead {
                case 0xE0: range = 0xA0...0xBF
                case 0xED: range = 0x80...0x9F
                case 0xF0: range = 0x90...0xBF
                case 0xF4: range = 0x80...0x8F
                default: break
                }
            }
            if !range.contains(byte) { return false }
        }
        return true
    }

    /// How many leading bytes of `bytes` can be decoded now: all of them, unless they end in the
    /// first bytes of a sequence that more bytes could still complete.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Only the last three bytes can start an unfinished sequence.
        let lowest = max(0, bytes.count - 3)
        var i = bytes.count - 1
        while i >= lowest {
            let byte = bytes[i]
            if byte & 0xC0 != 0x80 {  // not a continuation byte: a lead (or invalid) byte
                if let length = length(lead: byte), i + length > bytes.count,
                   isValid(bytes[i...], expectedLength: length) { return i }
                return bytes.count
            }
            i -= 1
        }
        return bytes.count
    }
}
