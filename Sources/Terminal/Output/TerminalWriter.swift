// Where rendered text goes. Renderers take a writer instead of printing so tests can capture
// exactly what a terminal would receive.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Protocol

/// A destination for terminal text (escape sequences included, written as-is).
public protocol TerminalWriter: AnyObject {
    /// Writes `text` immediately (no buffering that would delay a progress redraw).
    func write(_ text: String)
}

// MARK: - File descriptors

/// Writes to a file descriptor with `write(2)`, retrying short and interrupted writes.
public final class StandardStreamWriter: TerminalWriter {
    /// The descriptor written to.
    public let fileDescriptor: Int32

    /// A writer for `fileDescriptor`; the descriptor is not closed by this object.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// A writer for standard output.
    public static var standardOutput: StandardStreamWriter { StandardStreamWriter(fileDescriptor: STDOUT_FILENO) }
    /// A writer for standard error (progress and prompts for piped sessions go here).
    public static var standardError: StandardStreamWriter { StandardStreamWriter(fileDescriptor: STDERR_FILENO) }

    /// Whether the descriptor is a terminal.
    public var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // a closed stream is not worth crashing the REPL over
                }
                offset += n
            }
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

// MARK: - Capture

/// Collects everything written, for tests and for rendering into a string.
public final class CapturedOutput: TerminalWriter {
    /// Everything written so far, in order.
    public private(set) var text = ""
    /// Each `write` call's text, in order (lets tests check the sequencing of redraws).
    public private(set) var writes: [String] = []

    /// An empty capture.
    public init() {}

    public func write(_ text: String) {
        self.text += text
        writes.append(text)
    }
}
