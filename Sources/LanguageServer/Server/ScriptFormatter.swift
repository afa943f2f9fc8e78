import PTScript

// MARK: - The canonical layout
//
// One statement per line; a single space between the command word and each argument; no
// indentation and no trailing whitespace; `;`-joined statements split onto their own lines; a
// statement continued after `->` or `to` joined onto one line; comments kept (a comment that
// trailed a statement stays on its line, one space after it); runs of blank lines collapsed to
// one; exactly one newline at the end. Lexemes are kept as written (a string's escapes, a
// number's spelling), so formatting never changes what a script means, and formatting a
// formatted script changes nothing.

/// Lays out `.ptscript` text canonically.
public enum ScriptFormatter {
    /// The canonical text, or nil when the text has syntax errors (it is left for the user to
    /// fix rather than rearranged around the mistake).
    public static func format(_ source: SourceFile) -> String? {
        let script = Parser.parse(source)
        guard script.diagnostics.isEmpty else { return nil }
        let newline = source.text.contains("\r\n") ? "\r\n" : "\n"
        var lines: [String] = []
        var line: [String] = []       // pieces of the output line being built
        var lastLine = 0              // last source line that produced output (0: none yet)
        var statementLength = 0       // tokens in the current statement

        func flush() {
            if !line.isEmpty { lines.append(line.joined(separator: " ")) }
            line = []
        }
        // A blank source line between two pieces of output becomes one blank output line.
        func startLine(at sourceLine: Int) {
            if lastLine > 0, sourceLine > lastLine + 1, lines.last?.isEmpty == false { lines.append("") }
        }

        let tokens = Lexer.tokenize(source).tokens
        var previous: Token?
        for token in tokens {
            for comment in token.leadingComments {
                let written = source.text(in: comment.range).trimmingTrailingWhitespace()
                if !line.isEmpty, comment.range.start.line == lastLine {
                    line.append(written)  // trails the statement on its line
                    flush()
                } else {
                    flush()
                    startLine(at: comment.range.start.line)
                    lines.append(written)
                }
                lastLine = comment.range.end.line
            }
            switch token.kind {
            case .eof:
                flush()
            case .newline:
                let afterConnector = statementLength > 1 && (previous?.kind == .arrow || previous?.lexeme == "to")
                if !afterConnector {
                    flush()
                    statementLength = 0
                }
            case .semicolon:
                flush()
                statementLength = 0
            default:
                if line.isEmpty { startLine(at: token.range.start.line) }
                line.append(token.lexeme)
                statementLength += 1
                lastLine = token.range.end.line
            }
            if token.kind != .newline || statementLength == 0 { previous = token }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: newline) + newline
    }
}

extension ScriptService {
    /// Edits that bring the document to the canonical layout: one edit replacing the whole text,
    /// or none when it is already canonical or has syntax errors.
    public func format(_ snapshot: DocumentSnapshot) -> [TextEdit] {
        guard let formatted = ScriptFormatter.format(snapshot.source), formatted != snapshot.text else { return [] }
        let whole = snapshot.positions.range(utf8: 0..<snapshot.source.utf8.count)
        return [TextEdit(range: whole, newText: formatted)]
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
