/// The three Unicode classes the split regexes ask about: `\p{L}`, `\p{N}` and `\s`.
///
/// `\p{L}` is general category L* (Lu, Ll, Lt, Lm, Lo); `\p{N}` is N* (Nd, Nl, No), which is also
/// what HF's `Digits` pre-tokenizer tests (Rust `char::is_numeric`); `\s` is the Unicode
/// `White_Space` property, which is what Oniguruma's `\s` means for Unicode text.
/// Everything else (punctuation, symbols, marks, unassigned) is `other`: `[^\s\p{L}\p{N}]`.
enum CharacterClass: UInt8, Sendable {
    case letter, number, whitespace, other

    /// The class of one scalar; ASCII is answered from a table because it is most of the text.
    @inline(__always)
    static func of(_ scalar: Unicode.Scalar) -> CharacterClass {
        let value = scalar.value
        if value < 128 { return asciiTable[Int(value)] }
        return classify(scalar)
    }

    // MARK: - Tables

    private static let asciiTable: [CharacterClass] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    private static func classify(_ scalar: Unicode.Scalar) -> CharacterClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }
}

/// Scalars of one text segment with their classes, read by the split scanners.
///
/// Reads outside `range` answer `nil`, so a scanner never looks across a segment boundary —
/// the same rule as applying a regex to each segment separately.
struct ScalarWindow {
    let scalars: [Unicode.Scalar]
    let classes: [CharacterClass]
    let range: Range<Int>

    @inline(__always)
    func scalar(_ i: Int) -> Unicode.Scalar? { range.contains(i) ? scalars[i] : nil }

    @inline(__always)
    func cls(_ i: Int) -> CharacterClass? { range.contains(i) ? classes[i] : nil }

    /// Counts whitespace scalars starting at `i`.
    @inline(__always)
    func whitespaceRun(from i: Int) -> Int {
        var n = 0
        while cls(i + n) == .whitespace { n += 1 }
        return n
    }
}
