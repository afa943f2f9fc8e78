// A pseudo-terminal pair for driving the libedit editor as a user would, inside the test process.
import Foundation
@testable import Terminal
import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The master side (what a terminal emulator holds) and the slave side (what the program reads).
final class PseudoTerminal {
    let master: Int32
    let slave: Int32

    init() throws {
        let m = posix_openpt(O_RDWR | O_NOCTTY)
        guard m >= 0, grantpt(m) == 0, unlockpt(m) == 0, let name = ptsname(m) else {
            throw PseudoTerminalError(message: "could not create a pseudo-terminal (errno \(errno))")
        }
        let s = open(name, O_RDWR | O_NOCTTY)
        guard s >= 0 else { close(m); throw PseudoTerminalError(message: "could not open \(String(cString: name))") }
        master = m
        slave = s
    }

    deinit {
        close(master)
        close(slave)
    }

    /// Types `keys` as the user would.
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the program has switched the terminal out of canonical (cooked) mode, so keys
    /// typed next reach the editor rather than the kernel's line discipline (which would act on
    /// ^C and ^R itself). Returns whether that happened within `timeout` seconds.
    @discardableResult
    func waitForRawMode(timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var t = termios()
            if tcgetattr(slave, &t) == 0 && (t.c_lflag & tcflag_t(ICANON)) == 0 { return true }
            usleep(1000)
        }
        return false
    }

    /// Everything the program printed until `predicate` holds or `timeout` passes.
    @discardableResult
    func readUntil(timeout: Double = 5, _ predicate: (String) -> Bool) -> String {
        var collected = [UInt8]()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) > 0 {
                var chunk = [UInt8](repeating: 0, count: 1024)
                let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 { collected += chunk[..<n] }
            }
            if predicate(String(decoding: collected, as: UTF8.self)) { break }
        }
        return String(decoding: collected, as: UTF8.self)
    }
}

struct PseudoTerminalError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs one `readLine` on a background thread and hands back its result.
final class BackgroundRead: @unchecked Sendable {
    // written by the reader thread before `done` is signalled, read after waiting on it
    private var result: LineEditorResult?
    private let done = DispatchSemaphore(value: 0)

    init(_ editor: LibEditLineEditor, prompt: String) {
        let box = UncheckedBox(editor)
        Thread.detachNewThread { [self] in
            self.result = box.value.readLine(prompt: prompt)
            self.done.signal()
        }
    }

    /// The result, or nil if the editor did not return within `timeout` seconds.
    func wait(timeout: Double = 5) -> LineEditorResult? {
        done.wait(timeout: .now() + timeout) == .success ? result : nil
    }
}

/// Moves a non-Sendable editor to the reader thread; the test thread only types into the pty meanwhile.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
