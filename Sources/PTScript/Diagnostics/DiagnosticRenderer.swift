// MARK: - Terminal rendering of diagnostics
//
// The one place diagnostics become text:
//
//   sentiment.ptscript:3:1: error: unknown command 'trian' [PT0020]
//      3 | trian 50
//        | ^~~~~
//        = help: did you mean 'train'?

/// Draws diagnostics for a terminal, optionally with ANSI colour.
public struct DiagnosticRenderer: Sendable {
    /// True to colour severities and carets with ANSI escapes.
    public var colors: Bool

    /// Creates a renderer.
    public init(colors: Bool = false) {
        self.colors = colors
    }

    /// All diagnostics, each followed by a blank line.
    public func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
        diagnostics.map { render($0, in: source) + "\n" }.joined()
    }

    /// One diagnostic: header, source line, underline, then help and note lines.
    public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        var lines = [header(source.name, diagnostic.range.start, diagnostic.severity,
                            "\(printable(diagnostic.text)) [\(diagnostic.id)]")]
        lines += snippet(diagnostic.range, in: source)
        let gutter = String(repeating: " ", count: gutterWidth(diagnostic.range.start.line))
        for fixIt in diagnostic.fixIts {
            lines.append("\(gutter) = \(paint("help", .help)): \(printable(fixIt.message))")
        }
        for note in diagnostic.notes {
            if let range = note.range {
                lines.append(header(source.name, range.start, .note, printable(note.message)))
                lines += snippet(range, in: source)
            } else {
                lines.append("\(gutter) = \(paint("note", .note)): \(printable(note.message))")
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Pieces

    private func header(_ file: String, _ at: SourceLocation, _ severity: Severity, _ text: String) -> String {
        let style: Style = severity == .error ? .error : severity == .warning ? .warning : .note
        return paint("\(file):\(at.line):\(at.column):", .bold) + " " + paint("\(severity.rawValue):", style) + " "
            + paint(text, .bold)
    }

    /// Longest line, in UTF-8 bytes, shown whole; a longer one is shown as a window of about this
    /// many bytes around the range's start, "…" marking what is cut. Keeps each snippet's cost and
    /// size bounded, so a line with thousands of diagnostics (a pasted binary file) renders in
    /// linear time instead of repeating the whole line under every one.
    static let longestShownLine = 160
    /// Bytes of a long line shown before the range's start.
    static let contextBefore = 48

    private func snippet(_ range: SourceRange, in source: SourceFile) -> [String] {
        let line = range.start.line
        guard line >= 1, line <= source.lineCount else { return [] }
        let width = gutterWidth(line)
        let number = String(line)
        // The shown part of the line: all of it, or a window around the start, cut at scalar starts.
        let lineStart = source.lineStarts[line - 1], lineEnd = source.lineEndOffset(line)
        let start = min(max(range.start.utf8Offset, lineStart), lineEnd)
        var from = lineStart, to = lineEnd
        if lineEnd - lineStart > Self.longestShownLine {
            from = max(lineStart, start - Self.contextBefore)
            while from > lineStart, source.utf8[from] & 0xC0 == 0x80 { from -= 1 }
            to = min(lineEnd, from + Self.longestShownLine)
            while to < lineEnd, source.utf8[to] & 0xC0 == 0x80 { to += 1 }
        }
        let cutBefore = from > lineStart, cutAfter = to < lineEnd
        let scalars = Array(source.text(from, to).unicodeScalars)
        // Columns within the shown text (1-based, past a leading "…").
        let startColumn = scalarCount(source, from, start) + 1
        let endColumn: Int
        if range.end.line == line {
            let end = min(max(range.end.utf8Offset, start), to)
            endColumn = scalarCount(source, from, end) + 1
        } else {
            endColumn = scalars.count + 1
        }
        let length = max(1, endColumn - startColumn)
        // Copy tabs from the source line so the caret lines up under tab-indented text.
        let pad = (cutBefore ? " " : "") + scalars.prefix(max(0, startColumn - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        let underline = "^" + String(repeating: "~", count: length - 1)
        let shown = (cutBefore ? "…" : "") + String(String.UnicodeScalarView(scalars.map(visible))) + (cutAfter ? "…" : "")
        return [
            String(repeating: " ", count: width - number.count) + number + " | " + shown,
            String(repeating: " ", count: width) + " | " + pad + paint(underline, .caret),
        ]
    }

    /// Scalars between two UTF-8 offsets (bytes that are not continuation bytes).
    private func scalarCount(_ source: SourceFile, _ from: Int, _ to: Int) -> Int {
        var count = 0
        for index in from..<max(from, to) where source.utf8[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// A control character (other than tab) as its Unicode control picture (NUL → ␀, ESC → ␛):
    /// one scalar, so columns still line up, and nothing in a script can drive the terminal.
    private func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x09: scalar
        case 0x00..<0x20: Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: "\u{2421}"
        default: scalar
        }
    }

    /// A message as it is printed: it may quote the script's own strings (a path, a value), so its
    /// control characters are shown as pictures too, newlines and tabs included (a message is one line).
    private func printable(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return message }
        return String(String.UnicodeScalarView(message.unicodeScalars.map { $0 == "\t" ? "\u{2409}" : visible($0) }))
    }

    private func gutterWidth(_ line: Int) -> Int { max(3, String(line).count) + 1 }

    // MARK: - Colour

    private enum Style: String {
        case error = "\u{1B}[1;31m", warning = "\u{1B}[1;33m", note = "\u{1B}[1;36m"
        case help = "\u{1B}[1;32m", caret = "\u{1B}[32m", bold = "\u{1B}[1m"
    }

    private func paint(_ text: String, _ style: Style) -> String {
        colors ? style.rawValue + text + "\u{1B}[0m" : text
    }
}
