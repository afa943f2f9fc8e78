// The built `ptune` executable under a pseudo-terminal, typed at as a user would.
import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `ptune` process whose standard streams are the slave side of a pty; the test holds the master.
final class REPLSession {
    let master: Int32
    let slave: Int32
    let process = Process()
    let home: String
    /// Everything the REPL has printed so far.
    private(set) var transcript = ""
    /// Where the next `expect` starts looking: output already matched is not matched again.
    private var consumed: String.Index

    init(binary: String, color: Bool = false, arguments: [String] = []) throws {
        let m = posix_openpt(O_RDWR | O_NOCTTY)
        guard m >= 0, grantpt(m) == 0, unlockpt(m) == 0, let name = ptsname(m) else {
            throw REPLSessionError("could not create a pseudo-terminal (errno \(errno))")
        }
        let s = open(name, O_RDWR | O_NOCTTY)
        guard s >= 0 else { close(m); throw REPLSessionError("could not open \(String(cString: name))") }
        master = m
        slave = s
        consumed = transcript.startIndex
        home = NSTemporaryDirectory() + "ptune-pty-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)

        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = home
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = color ? nil : "1"
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: home)
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        close(master)
        close(slave)
        try? FileManager.default.removeItem(atPath: home)
    }

    // MARK: - Typing

    /// Waits for the prompt (new output ending in `prompt`) and for the editor's raw mode, so keys
    /// reach libedit rather than the kernel's line discipline; false when either never came.
    @discardableResult
    func waitForPrompt(_ prompt: String = "ptune> ", timeout: Double = 10) -> Bool {
        guard expect(prompt, timeout: timeout) != nil else { return false }
        return waitForRawMode(timeout: timeout)
    }

    /// Waits until the editor has taken the terminal out of canonical mode.
    @discardableResult
    func waitForRawMode(timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var t = termios()
            if tcgetattr(slave, &t) == 0 && (t.c_lflag & tcflag_t(ICANON)) == 0 { return true }
            usleep(1000)
        }
        return false
    }

    /// Sends keys as the user types them.
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    // MARK: - Reading

    /// Reads until the output after the last match contains `text`; returns that output (up to
    /// and including `text`) and marks it consumed, or nil on timeout.
    @discardableResult
    func expect(_ text: String, timeout: Double = 10) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let found = transcript[consumed...].range(of: text) {
                let seen = String(transcript[consumed..<found.upperBound])
                consumed = found.upperBound
                return seen
            }
            guard Date() < deadline else { return nil }
            pump(milliseconds: 50)
        }
    }

    /// Reads what is available for up to `milliseconds`.
    func pump(milliseconds: Int32) {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, milliseconds) > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        guard n > 0 else { return }
        // Keep `consumed` valid across the append: it is an index into the old string.
        let offset = transcript.utf8.distance(from: transcript.startIndex, to: consumed)
        transcript += String(decoding: chunk[..<n], as: UTF8.self)
        consumed = transcript.utf8.index(transcript.startIndex, offsetBy: offset)
    }

    /// Waits for the process to end, draining its output; the exit status, or nil on timeout.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { pump(milliseconds: 20) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }
}

struct REPLSessionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
