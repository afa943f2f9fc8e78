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
                            "\(diagnostic.text) [\(diagnostic.id)]")]
        lines += snippet(diagnostic.range, in: source)
        let gutter = String(repeating: " ", count: gutterWidth(diagnostic.range.start.line))
        for fixIt in diagnostic.fixIts {
            lines.append("\(gutter) = \(paint("help", .help)): \(fixIt.message)")
        }
        for note in diagnostic.notes {
            if let range = note.range {
                lines.append(header(source.name, range.start, .note, note.message))
                lines += snippet(range, in: source)
            } else {
                lines.append("\(gutter) = \(paint("note", .note)): \(note.message)")
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

    private func snippet(_ range: SourceRange, in source: SourceFile) -> [String] {
        let line = range.start.line
        guard line <= source.lineCount else { return [] }
        let text = source.lineText(line)
        let width = gutterWidth(line)
        let number = String(line)
        // Underline from the start column to the end of the range on this line (at least one caret).
        let scalars = Array(text.unicodeScalars)
        let startColumn = range.start.column
        let endColumn = range.end.line == line ? range.end.column : scalars.count + 1
        let length = max(1, endColumn - startColumn)
        // Copy tabs from the source line so the caret lines up under tab-indented text.
        let pad = scalars.prefix(max(0, startColumn - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        let underline = "^" + String(repeating: "~", count: length - 1)
        return [
            String(repeating: " ", count: width - number.count) + number + " | " + text,
            String(repeating: " ", count: width) + " | " + pad + paint(underline, .caret),
        ]
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
