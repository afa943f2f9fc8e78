// The line editor behind the REPL: one small protocol, two implementations
// (libedit for terminals, a plain reader for pipes and tests). Nothing here knows ptune's
// commands — completion and highlighting arrive as closures.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Protocol

/// What one `readLine(prompt:)` call produced.
public enum LineEditorResult: Equatable, Sendable {
    /// A complete line, without its line terminator.
    case line(String)
    /// The user pressed ^C: the current line was discarded; the REPL should prompt again.
    case interrupted
    /// ^D on an empty line, or the input stream ended.
    case endOfInput
}

/// Reads lines from the user and keeps a history of accepted lines.
public protocol LineEditor: AnyObject {
    /// Shows `prompt` (for continuation lines, the caller passes a different prompt) and reads one line.
    func readLine(prompt: String) -> LineEditorResult
    /// Records an accepted line in the history (consecutive duplicates and blank lines are dropped).
    func addHistory(_ line: String)
    /// Writes the history to its file, if this editor has one.
    func saveHistory()
}

// MARK: - Closures supplied by the front end

/// Tab completion: given the whole line and the cursor as a UTF-8 offset, the UTF-8 offset where
/// the word being completed starts and the full replacement candidates for `line[from..<cursor]`.
public typealias CompletionProvider =
    (_ line: String, _ cursorUTF8: Int) -> (replaceFromUTF8: Int, candidates: [String])

/// Returns `line` with ANSI styling added (same visible characters), for echoing accepted lines.
public typealias LineHighlighter = (_ line: String) -> String

// MARK: - Factory

/// Picks the right editor for the process's standard streams.
public enum LineEditorFactory {
    /// libedit when stdin and stdout are both terminals; otherwise the plain reader (which shows
    /// its prompt on stderr only when stdin is a terminal, so piped stdout stays clean).
    /// - Parameters:
    ///   - historyPath: file that keeps the history between sessions (nil: in memory only).
    ///   - completion: tab completion, if any.
    ///   - highlighter: styling for the echoed line, if any (libedit only).
    public static func make(
        historyPath: String?,
        completion: CompletionProvider? = nil,
        highlighter: LineHighlighter? = nil
    ) -> any LineEditor {
        let stdinIsTTY = isatty(STDIN_FILENO) == 1
        if stdinIsTTY && isatty(STDOUT_FILENO) == 1,
            let editor = LibEditLineEditor(
                historyPath: historyPath, completion: completion, highlighter: highlighter)
        {
            return editor
        }
        return PlainLineReader(
            fileDescriptor: STDIN_FILENO,
            promptOutput: stdinIsTTY ? StandardStreamWriter.standardError : nil)
    }
}
