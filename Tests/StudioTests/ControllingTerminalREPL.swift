// The built `ptune` REPL on a pseudo-terminal that is its *controlling* terminal, so a ^C typed
// while a command runs (the terminal back in cooked mode, ISIG on) becomes SIGINT from the
// kernel's line discipline — the path a user's ^C takes — instead of a key or a test's kill().
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `ptune` process started in its own session with the pty slave as stdin, stdout, stderr and
/// controlling terminal; the test holds the master, types into it and reads what the REPL prints.
///
/// `REPLSession` (Foundation's `Process`) cannot do this: the child stays in the test runner's
/// session, so the pty has no foreground process group and a typed ^C outside the line editor
/// signals nobody.
final class ControllingTerminalREPL {
    let master: Int32
    let pid: pid_t
    /// A fresh folder: `PTUNE_HOME` of the REPL (history, model cache link) and its files.
    let home: String
    /// Everything the REPL has printed so far.
    private(set) var transcript = ""
    /// Where the next search starts (UTF-8 offset): output already matched is never matched again.
    private var consumedOffset = 0
    /// `consumedOffset` as an index of the current transcript (indices are not kept across appends).
    private var consumed: String.Index {
        get { transcript.utf8.index(transcript.startIndex, offsetBy: consumedOffset) }
        set { consumedOffset = transcript.utf8.distance(from: transcript.startIndex, to: newValue) }
    }
    /// The exit status once the process was reaped.
    private var exitStatus: Int32?
    /// Counts the markers typed by `settle`, so each one is new.
    private var markers = 0
    /// Markers typed again because the first one's answer never came (reported by the tests).
    private(set) var markerRetries = 0

    /// Starts `binary arguments` with `PTUNE_HOME` = a new folder in which `models/` links the
    /// default model, on a pty of `columns` columns (wide, so libedit never wraps a typed line).
    init(binary: String, arguments: [String], defaultModel: String?, columns: UInt16 = 250) throws {
        home = NSTemporaryDirectory() + "ptune-intr-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        if let defaultModel {
            try FileManager.default.createSymbolicLink(atPath: home + "/models/" + URL(fileURLWithPath: defaultModel).lastPathComponent,
                                                       withDestinationPath: defaultModel)
        }
        let (m, slavePath) = try openPseudoTerminal()
        master = m
        var size = winsize(ws_row: 50, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = home
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = nil
        do {
            pid = try Self.spawn(binary, arguments: arguments, environment: environment, terminal: slavePath,
                                 directory: home, master: master)
        } catch {
            close(master)
            try? FileManager.default.removeItem(atPath: home)
            throw error
        }
    }

    deinit {
        if isRunning { kill(pid, SIGKILL); _ = waitForExit(timeout: 10) }
        close(master)
        try? FileManager.default.removeItem(atPath: home)
    }

    // MARK: - Starting

    /// posix_spawn with a new session (setsid) before the file actions, so opening the slave
    /// without O_NOCTTY makes it the controlling terminal and the child's group its foreground.
    private static func spawn(_ binary: String, arguments: [String], environment: [String: String],
                              terminal: String, directory: String, master: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // glibc's chdir (2.29) and closefrom (2.34) actions, which Swift's Glibc module does not
        // export: the REPL works in its own folder, and descriptors the test runner left open
        // (pipes among them) are not its business.
        let libc = dlopen(nil, RTLD_NOW)
        defer { if let libc { dlclose(libc) } }
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(libc, "posix_spawn_file_actions_addchdir_np") {
            _ = unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, directory)
        }
        if let symbol = dlsym(libc, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner may block or ignore SIGINT; the REPL must start as from a shell.
        var empty = sigset_t(), interrupt = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &interrupt)
        // POSIX_SPAWN_SETSID (0x80, glibc ≥ 2.26) is behind _GNU_SOURCE, which Swift's Glibc lacks.
        let setsid: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(setsid | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))

        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, binary, &actions, &attributes, argv, envp)
        guard status == 0 else { throw CLIError("posix_spawn \(binary): errno \(status)") }
        return child
    }

    // MARK: - Process

    /// Whether the REPL process is still alive (reaps it once it ended).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exitStatus = status
            return false
        }
        return true
    }

    /// Waits for the process to end, draining its output; the raw wait status, or nil on timeout.
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning, Date() < deadline { pump(milliseconds: 20) }
        return exitStatus
    }

    // MARK: - Typing

    /// Sends bytes as keys (and ^C as the byte 0x03, which the line discipline turns into SIGINT
    /// when ISIG is on, or which libedit reads as its interrupt key while a line is edited).
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Keeps reading output for `seconds` (the REPL never blocks on a full pty meanwhile).
    func wait(seconds: Double) {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return }
            pump(milliseconds: Int32(min(20, max(1, (deadline - now) / 1_000_000))))
        }
    }

    /// Whether the line editor holds the terminal (canonical mode off): the REPL waits for a line.
    var isEditingLine: Bool {
        var t = termios()
        return tcgetattr(master, &t) == 0 && (t.c_lflag & tcflag_t(ICANON)) == 0
    }

    // MARK: - Reading

    /// Reads until the output after the last match contains `text`; returns that output (up to
    /// and including `text`) and marks it consumed, or nil on timeout.
    @discardableResult
    func expect(_ text: String, timeout: Double) -> String? {
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

    /// Types a command that changes nothing the tests look at (`set watch_every`, with a value
    /// never typed before), waits for its JSON answer, for the prompt after it and for the editor;
    /// returns the JSON objects printed since the last settle, the marker's excluded.
    ///
    /// This is how a test knows the REPL is idle again after a command and a ^C whose timing is
    /// unknown: a prompt alone may be one printed before the command ran, or the one a ^C at the
    /// prompt prints. Keys typed meanwhile wait in the terminal's input queue, in order, so the
    /// marker's answer comes after everything typed before it. If no answer comes within
    /// `timeout`, a new marker is typed (up to 3 in all) before giving up.
    func settle(timeout: Double = 30) throws -> [[String: Any]] {
        let start = consumedOffset
        for attempt in 0..<3 {
            markers += 1
            let marker = 1_000_000 + markers
            type("set watch_every \(marker)\r")
            let deadline = Date().addingTimeInterval(attempt == 0 ? timeout : timeout / 3)
            while Date() < deadline {
                if let end = markerLineEnd(marker, from: start) {
                    let from = transcript.utf8.index(transcript.startIndex, offsetBy: start)
                    let objects = Self.objects(in: String(transcript[from..<end])).filter {
                        !($0["command"] as? String == "set" && $0["key"] as? String == "watch_every")
                    }
                    consumed = end
                    guard expect("ptune> ", timeout: timeout) != nil else {
                        throw CLIError("no prompt after marker \(marker): \(tail())")
                    }
                    let editing = Date().addingTimeInterval(timeout)
                    while !isEditingLine && Date() < editing { pump(milliseconds: 5) }
                    guard isEditingLine else { throw CLIError("the editor never took the terminal after marker \(marker): \(tail())") }
                    return objects
                }
                guard isRunning else { throw CLIError("the REPL ended (wait status \(exitStatus ?? -1)): \(tail())") }
                pump(milliseconds: 20)
            }
            markerRetries += 1
        }
        throw CLIError("no answer to 3 markers within \(timeout * 5 / 3) s; the REPL printed: \(tail())")
    }

    /// Types `line`, then settles; the JSON objects the line printed.
    func run(_ line: String, timeout: Double = 30) throws -> [[String: Any]] {
        type(line + "\r")
        return try settle(timeout: timeout)
    }

    /// The end of the first complete output line (after `start`) holding the marker's answer.
    private func markerLineEnd(_ marker: Int, from start: Int) -> String.Index? {
        var lineStart = transcript.utf8.index(transcript.startIndex, offsetBy: start)
        // "\r\n" is one Character, so the search is for the byte.
        while let newline = transcript.utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = transcript[lineStart..<newline]
            if line.contains("\"watch_every\""), let object = Self.objects(in: String(line)).first,
               object["key"] as? String == "watch_every", (object["value"] as? Int) == marker {
                return transcript.utf8.index(after: newline)
            }
            lineStart = transcript.utf8.index(after: newline)
        }
        return nil
    }

    /// Reads what is available for up to `milliseconds`.
    func pump(milliseconds: Int32) {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, milliseconds) > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        guard n > 0 else {
            if n < 0 && errno == EIO { usleep(UInt32(milliseconds) * 1000) }  // no slave open (the child ended)
            return
        }
        transcript += String(decoding: chunk[..<n], as: UTF8.self)
    }

    /// The JSON objects in REPL output: `--json` prints one per line; a line may begin with the
    /// prompt and the echoed command, or with what the terminal echoed while a command ran.
    static func objects(in text: String) -> [[String: Any]] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            guard let brace = line.range(of: "{\"command\"") else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(line[brace.lowerBound...].utf8))) as? [String: Any]
        }
    }

    /// The last `characters` of the transcript, for failure messages.
    func tail(_ characters: Int = 3000) -> String {
        String(transcript.suffix(characters)).debugDescription
    }
}
