// How many terminal columns a string takes: what tables, bars and charts align by.

/// Terminal column widths of text (wcwidth-like, per grapheme cluster).
///
/// A cluster counts 2 when it is East Asian Wide/Fullwidth or shown as emoji, 0 when it is a
/// control or format character or a lone combining mark, else 1; combining marks inside a
/// cluster add nothing. ANSI escape sequences (CSI, e.g. colors) count 0.
public enum DisplayWidth {
    // MARK: - Measuring

    /// The number of columns `text` occupies.
    public static func of(_ text: String) -> Int {
        var total = 0
        for piece in visiblePieces(text) { total += of(piece) }
        return total
    }

    /// The number of columns one character (grapheme cluster) occupies.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains("\u{FE0F}") { return 2 }  // emoji presentation selector
        let props = first.properties
        if props.isEmojiPresentation { return 2 }
        if first.value < 0x20 || (0x7F..<0xA0).contains(first.value) { return 0 }
        switch props.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if first.value == 0x200B { return 0 }
        return isWide(first) ? 2 : 1
    }

    /// East Asian Wide (W) and Fullwidth (F) ranges, from Unicode's EastAsianWidth.txt (condensed).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
        0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        guard v >= 0x1100 else { return false }
        var lo = 0
        var hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if wideRanges[mid].upperBound < v { lo = mid + 1 } else if wideRanges[mid].lowerBound > v { hi = mid - 1 } else { return true }
        }
        return false
    }

    // MARK: - Fitting

    /// `text` cut to at most `width` columns, ending in `ellipsis` when something was cut.
    /// Escape sequences are kept (a trailing reset is added if any were present).
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard of(text) > width else { return text }
        let room = max(0, width - of(ellipsis))
        var out = ""
        var used = 0
        var sawEscape = false
        for piece in pieces(text) {
            switch piece {
            case .escape(let sequence):
                sawEscape = true
                out += sequence
            case .character(let ch):
                let w = of(ch)
                if used + w > room { return out + (width >= of(ellipsis) ? ellipsis : "") + (sawEscape ? "\u{1B}[0m" : "") }
                out.append(ch)
                used += w
            }
        }
        return out
    }

    /// `text` padded with spaces to `width` columns (on the right unless `alignRight`).
    public static func pad(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(text)))
        return alignRight ? fill + text : text + fill
    }

    /// `text` with ANSI escape sequences removed.
    public static func stripEscapes(_ text: String) -> String {
        String(visiblePieces(text))
    }

    // MARK: - Escape sequences

    private enum Piece {
        case character(Character)
        case escape(String)
    }

    private static func visiblePieces(_ text: String) -> [Character] {
        pieces(text).compactMap { if case .character(let c) = $0 { return c } else { return nil } }
    }

    /// Characters and CSI escape sequences (ESC [ params final) of `text`, in order.
    private static func pieces(_ text: String) -> [Piece] {
        guard text.contains("\u{1B}") else { return text.map(Piece.character) }
        var result: [Piece] = []
        var escape: String?
        for ch in text {
            if var seq = escape {
                seq.append(ch)
                let isFinal = seq.count > 2 && ch.unicodeScalars.count == 1
                    && (0x40...0x7E).contains(ch.unicodeScalars.first!.value)
                if isFinal || (seq.count == 2 && ch != "[") {
                    result.append(.escape(seq))
                    escape = nil
                } else {
                    escape = seq
                }
            } else if ch == "\u{1B}" {
                escape = "\u{1B}"
            } else {
                result.append(.character(ch))
            }
        }
        if let seq = escape { result.append(.escape(seq)) }
        return result
    }
}
