import Foundation

/// Where a command's output goes. Human mode writes text as it is produced; JSON mode keeps stdout
/// for exactly one JSON object per executed command (DESIGN §4) and sends progress to stderr.
public final class Console: @unchecked Sendable {
    /// How results are printed.
    public enum Mode: Sendable { case human, json }

    /// Human text or JSON lines.
    public let mode: Mode
    /// Whether ANSI colour may be used on stderr/stdout.
    public let color: Bool
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void

    /// A console over the process's stdout and stderr.
    public convenience init(mode: Mode, color: Bool) {
        self.init(mode: mode, color: color,
                  out: { FileHandle.standardOutput.write(Data($0.utf8)) },
                  err: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A console over two writer closures (tests capture output this way).
    public init(mode: Mode, color: Bool, out: @escaping (String) -> Void, err: @escaping (String) -> Void) {
        self.mode = mode
        self.color = color
        self.writeOut = out
        self.writeErr = err
    }

    /// Text for a person, printed only in human mode (e.g. tokens streamed by `ask`).
    public func stream(_ text: String) {
        if mode == .human { writeOut(text) }
    }

    /// A full line for a person on stdout, human mode only.
    public func line(_ text: String) {
        if mode == .human { writeOut(text + "\n") }
    }

    /// A line on stderr in either mode (progress, warnings, notices).
    public func note(_ text: String) { writeErr(text + "\n") }

    /// Raw text on stderr (progress bars that redraw in place).
    public func errorStream(_ text: String) { writeErr(text) }

    /// One JSON object on its own stdout line, JSON mode only.
    public func json(_ value: JSONValue) {
        if mode == .json { writeOut(value.serialized() + "\n") }
    }
}
