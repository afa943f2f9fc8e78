import PTScript

// MARK: - UTF-16 ↔ UTF-8, in one place
//
// PTScript counts UTF-8 offsets (and scalar columns); LSP counts UTF-16 code units per line.
// Every conversion between the two goes through this file. A scalar above U+FFFF (an emoji) is
// four UTF-8 bytes and two UTF-16 units; a CJK character is three bytes and one unit.

/// Converts between LSP positions and UTF-8 offsets of one document version.
public struct PositionConverter: Sendable {
    /// The document text with its line table.
    public let source: SourceFile

    /// Wraps a source file (its line table is reused).
    public init(_ source: SourceFile) { self.source = source }

    // MARK: - UTF-8 → LSP

    /// The LSP position of a UTF-8 offset (clamped into the document; snapped back to a scalar start).
    public func position(utf8Offset: Int) -> Position {
        let location = source.location(at: utf8Offset)
        let lineStart = source.lineStarts[location.line - 1]
        return Position(line: location.line - 1, character: utf16Count(from: lineStart, to: location.utf8Offset))
    }

    /// The LSP range of a PTScript range.
    public func range(_ range: SourceRange) -> LSPRange {
        LSPRange(start: position(utf8Offset: range.start.utf8Offset), end: position(utf8Offset: range.end.utf8Offset))
    }

    /// The LSP range of UTF-8 offsets.
    public func range(utf8 offsets: Range<Int>) -> LSPRange {
        LSPRange(start: position(utf8Offset: offsets.lowerBound), end: position(utf8Offset: offsets.upperBound))
    }

    /// UTF-16 units between two UTF-8 offsets (the length of a token for semantic tokens).
    public func utf16Count(from start: Int, to end: Int) -> Int {
        let bytes = source.utf8
        var units = 0
        var index = max(start, 0)
        let stop = min(end, bytes.count)
        while index < stop {
            let byte = bytes[index]
            // A lead byte tells the scalar's length; 4-byte scalars are outside the BMP → a surrogate pair.
            if byte < 0x80 {
                units += 1; index += 1
            } else if byte >= 0xF0 {
                units += 2; index += 4
            } else if byte >= 0xE0 {
                units += 1; index += 3
            } else if byte >= 0xC0 {
                units += 1; index += 2
            } else {
                index += 1  // a stray continuation byte counts nothing
            }
        }
        return units
    }

    // MARK: - LSP → UTF-8

    /// The UTF-8 offset of an LSP position. A line past the end maps to the end of the document; a
    /// character past the end of its line maps to the line's end (as the protocol says); a
    /// character inside a surrogate pair maps to the start of that scalar.
    public func utf8Offset(_ position: Position) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < source.lineCount else { return source.utf8.count }
        let bytes = source.utf8
        let lineEnd = source.lineEndOffset(position.line + 1)
        var index = source.lineStarts[position.line]
        var units = 0
        while index < lineEnd {
            let byte = bytes[index]
            let (length, width) = byte < 0x80 ? (1, 1) : byte >= 0xF0 ? (4, 2) : byte >= 0xE0 ? (3, 1) : byte >= 0xC0 ? (2, 1) : (1, 0)
            if units + width > position.character { break }
            units += width
            index += length
        }
        return min(index, lineEnd)
    }
}
