// MARK: - Source text, locations and ranges
//
// Every position in PTScript is a UTF-8 offset into the source; lines and columns are derived
// from it through one line table. Columns count Unicode scalars (what a person counts on a line
// that has no wide glyphs); the LSP converts to UTF-16 in its own layer.

/// A position in a source file: 1-based line and column (column counted in Unicode scalars)
/// plus the 0-based UTF-8 offset it was derived from.
public struct SourceLocation: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// 1-based line number.
    public let line: Int
    /// 1-based column, counted in Unicode scalars from the start of the line.
    public let column: Int
    /// 0-based UTF-8 byte offset from the start of the file.
    public let utf8Offset: Int

    /// Creates a location; callers normally obtain locations from `SourceFile.location(at:)`.
    public init(line: Int, column: Int, utf8Offset: Int) {
        self.line = line
        self.column = column
        self.utf8Offset = utf8Offset
    }

    /// Orders locations by their offset in the file.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.utf8Offset < b.utf8Offset }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A half-open span of source text `[start, end)`.
public struct SourceRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// First character of the span.
    public let start: SourceLocation
    /// One past the last character of the span (equal to `start` for an empty span).
    public let end: SourceLocation

    /// Creates a range; `end` must not precede `start`.
    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = max(start, end)
    }

    /// The UTF-8 offsets the range covers.
    public var utf8Range: Range<Int> { start.utf8Offset..<end.utf8Offset }

    /// The smallest range that covers both `self` and `other`.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    /// `line:column-line:column`.
    public var description: String { "\(start)-\(end)" }
}

/// A named source text with a line table for offset → line/column conversion.
public struct SourceFile: Sendable {
    /// The name shown in diagnostics (a path, or `<input>` for REPL lines).
    public let name: String
    /// The full text.
    public let text: String
    /// The text as UTF-8 bytes; all offsets index this array.
    public let utf8: [UInt8]
    /// UTF-8 offset of the first byte of each line (line 1 starts at 0).
    public let lineStarts: [Int]

    /// Builds the line table. Lines end at `\n`; a `\r` before it belongs to the line ending.
    public init(name: String = "<input>", text: String) {
        self.name = name
        self.text = text
        self.utf8 = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in utf8.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// Number of lines (a file that ends with a newline has an empty last line).
    public var lineCount: Int { lineStarts.count }

    // MARK: - Offset ↔ location

    /// The location of a UTF-8 offset; offsets past the end clamp to the end of the file.
    public func location(at utf8Offset: Int) -> SourceLocation {
        let offset = min(max(utf8Offset, 0), utf8.count)
        // Binary search for the last line start ≤ offset.
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        // Column = 1 + number of scalars between the line start and the offset: count the bytes
        // that begin a scalar (every byte that is not a UTF-8 continuation byte 10xxxxxx).
        var column = 1
        var index = lineStart
        while index < offset {
            if utf8[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(line: low + 1, column: column, utf8Offset: offset)
    }

    /// The range between two UTF-8 offsets.
    public func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(start: location(at: start), end: location(at: end))
    }

    /// The UTF-8 offset of a 1-based line and scalar column (clamped to the line's end).
    public func offset(line: Int, column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return line < 1 ? 0 : utf8.count }
        let end = lineEndOffset(line)
        var index = lineStarts[line - 1]
        var remaining = column - 1
        while remaining > 0, index < end {
            index += 1
            while index < end, utf8[index] & 0xC0 == 0x80 { index += 1 }
            remaining -= 1
        }
        return index
    }

    // MARK: - Lines

    /// The offset just past the last character of a line, before its `\r\n` or `\n`.
    public func lineEndOffset(_ line: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return utf8.count }
        var end = line < lineStarts.count ? lineStarts[line] - 1 : utf8.count
        if end > lineStarts[line - 1], utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// The text of a 1-based line without its line ending; empty for lines out of range.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        return text(lineStarts[line - 1], lineEndOffset(line))
    }

    /// The text between two UTF-8 offsets (invalid sequences repaired, never trapping).
    public func text(_ start: Int, _ end: Int) -> String {
        let lower = min(max(start, 0), utf8.count), upper = min(max(end, lower), utf8.count)
        // Through a buffer pointer: decoding an ArraySlice takes String's slow generic path,
        // and the lexer asks for the text of every token.
        return utf8.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[lower..<upper]), as: UTF8.self) }
    }

    /// The text a range covers.
    public func text(in range: SourceRange) -> String {
        text(range.start.utf8Offset, range.end.utf8Offset)
    }
}
