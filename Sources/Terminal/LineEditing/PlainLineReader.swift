// The line editor for pipes, scripts fed on stdin, and tests: no terminal control at all.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `\n`-terminated lines from a file descriptor (a trailing `\r` is stripped, a final
/// line without a newline is still returned). ^C while waiting (with `Interrupts` installed)
/// returns `.interrupted`.
public final class PlainLineReader: LineEditor {
    /// The descriptor lines are read from (not closed by this reader).
    public let fileDescriptor: Int32
    /// Where the prompt is shown; nil shows none (the usual case for pipes).
    private let promptOutput: (any TerminalWriter)?
    /// The flags a ^C sets (the process's, unless a test gives its own).
    private let interrupts: InterruptState
    /// Lines accepted so far (in memory only: piped sessions do not touch the history file).
    public private(set) var history = LineHistory()

    // bytes read but not yet returned as lines
    private var buffer: [UInt8] = []
    private var reachedEnd = false

    /// A reader over `fileDescriptor`, showing prompts on `promptOutput` if given.
    /// A signal that interrupts the wait counts as ^C when `interrupts` holds a request.
    public init(fileDescriptor: Int32 = 0 /* stdin */, promptOutput: (any TerminalWriter)? = nil,
                interrupts: InterruptState = .process) {
        self.fileDescriptor = fileDescriptor
        self.promptOutput = promptOutput
        self.interrupts = interrupts
    }

    // MARK: - LineEditor

    public func readLine(prompt: String) -> LineEditorResult {
        promptOutput?.write(prompt)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = takeLine(upTo: newline)
                buffer.removeFirst()  // the newline itself
                return .line(line)
            }
            if reachedEnd {
                if buffer.isEmpty { return .endOfInput }
                return .line(takeLine(upTo: buffer.endIndex))
            }
            switch fill() {
            case .data: continue
            case .end: reachedEnd = true
            case .interrupted:
                buffer.removeAll()
                promptOutput?.write("\n")
                return .interrupted
            }
        }
    }

    public func addHistory(_ line: String) {
        history.add(line)
    }

    public func saveHistory() {}

    // MARK: - Reading

    private enum FillOutcome { case data, end, interrupted }

    /// Removes and decodes `buffer[..<end]`, dropping one trailing carriage return.
    private func takeLine(upTo end: Int) -> String {
        var bytes = buffer[..<end]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        buffer.removeFirst(end)
        return line
    }

    /// Waits for input with poll(2) — unlike read(2), poll is never restarted after a signal,
    /// so a ^C reaches us even when the SIGINT handler uses SA_RESTART.
    private func fill() -> FillOutcome {
        var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&pfd, 1, -1)
            if ready < 0 {
                if errno == EINTR {
                    if interrupts.isRequested {
                        interrupts.clear()
                        return .interrupted
                    }
                    continue
                }
                return .end
            }
            break
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[..<n])
                return .data
            }
            if n == 0 { return .end }
            if errno == EINTR {
                if interrupts.isRequested {
                    interrupts.clear()
                    return .interrupted
                }
                continue
            }
            return .end
        }
    }
}
