import CEditLine
import Foundation
import PTuneTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ptune run --until` and `ptune run --step` in a pseudo-terminal, typed at as a person would.
@Suite("Replay in a terminal: --until and --step", .enabled(if: CLI.binary != nil), .serialized)
struct ScriptTerminalTests {
    @Test("--until stops after the line, opens the REPL on the session as it stands, 'continue' runs the rest")
    func until() throws {
        let dir = try StudioHarness.temporaryDirectory()
        try "set seed 5\nset top_k 7\n# below the stop line\nset top_k 9\nset seed 11\nshow settings\n"
            .write(toFile: dir + "/recipe.ptscript", atomically: true, encoding: .utf8)
        let run = try PtunePTY(["--json", "run", "--until", "2", "recipe.ptscript"], directory: dir)
        #expect(run.waitFor { $0.contains("stopped after line 2") }, "\(run.output)")
        #expect(run.waitForRawMode(), "the REPL is reading keys: \(run.output)")
        run.type("show settings\r")
        #expect(run.waitFor { $0.contains("\"command\":\"show\"") }, "\(run.output)")
        let shown = try #require(run.output.split(separator: "\n").last { $0.contains("\"command\":\"show\"") })
        #expect(shown.contains("\"seed\":5") && shown.contains("\"top_k\":7"), "lines 1–2 ran, 4–5 did not: \(shown)")
        run.type("continue\r")
        #expect(run.waitForExit() == 0, "\(run.output)")
        let last = try #require(run.output.split(separator: "\n").last { $0.contains("\"command\":\"show\"") })
        #expect(last.contains("\"seed\":11") && last.contains("\"top_k\":9"), "the rest ran after continue: \(last)")
    }

    @Test("--step shows the narration and headings, waits, and honours Enter, s, r … continue")
    func step() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let lesson = """
            ## Part one
            # First we choose a seed.
            set seed 5
            # This one we skip.
            set top_k 7
            # Now look at the settings.
            show settings
            # That is the whole lesson.

            """
        try lesson.write(toFile: dir + "/lesson.ptscript", atomically: true, encoding: .utf8)
        let run = try PtunePTY(["run", "--step", "lesson.ptscript"], directory: dir)
        let prompt = "[Enter] run"
        #expect(run.waitFor { $0.contains(prompt) }, "\(run.output)")
        #expect(run.output.contains("Part one") && !run.output.contains("## Part one"), "the heading without its ##")
        #expect(run.output.contains("First we choose a seed.") && run.output.contains("ptune> set seed 5"))
        #expect(!run.output.contains("seed = 5"), "nothing runs before Enter")
        run.type("\n")
        #expect(run.waitFor { $0.components(separatedBy: prompt).count == 3 }, "\(run.output)")
        #expect(run.output.contains("seed = 5") && run.output.contains("This one we skip."))
        run.type("s\n")
        #expect(run.waitFor { $0.components(separatedBy: prompt).count == 4 }, "\(run.output)")
        #expect(run.output.contains("(skipped)") && !run.output.contains("top_k = 7"))
        run.type("r\n")
        #expect(run.waitForRawMode(), "the REPL opened: \(run.output)")
        run.type("set top_k 3\r")
        #expect(run.waitFor { $0.contains("top_k = 3") }, "\(run.output)")
        run.type("continue\r")
        #expect(run.waitFor { $0.components(separatedBy: prompt).count == 5 }, "back at the same step: \(run.output)")
        run.type("\n")
        #expect(run.waitForExit() == 0, "\(run.output)")
        let settings = run.output.components(separatedBy: "changed from the default").first ?? ""
        #expect(settings.range(of: #"\* seed\s+5"#, options: .regularExpression) != nil, "\(settings)")
        #expect(settings.range(of: #"\* top_k\s+3"#, options: .regularExpression) != nil, "the REPL's change stays: \(settings)")
        #expect(run.output.contains("That is the whole lesson."))
    }

    @Test("--step over a pipe does not wait: narration and every command")
    func stepOverPipe() throws {
        let dir = try StudioHarness.temporaryDirectory()
        try "## Only part\n# Set it.\nset seed 8\n".write(toFile: dir + "/l.ptscript", atomically: true, encoding: .utf8)
        let result = try ScriptCLI.run(["run", "--step", "l.ptscript"], directory: dir)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Only part") && result.stdout.contains("Set it.") && result.stdout.contains("seed = 8"))
        #expect(!result.stderr.contains("[Enter]"), "no prompt when nothing can answer it")
    }

    /// Debug builds run the 135M model ~10× slower; this test runs with `swift test -c release`.
    static let lessonEnabled: Bool = {
        #if DEBUG
        return false
        #else
        return Fixtures.defaultModelPath != nil
        #endif
    }()

    @Test("the prompt-engineering lesson runs to the end over a pipe, and the tuned prompt beats the hand-written one",
          .enabled(if: lessonEnabled))
    func lessonRuns() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Docs/examples").standardized.path
        let modelHome = URL(fileURLWithPath: try #require(Fixtures.defaultModelPath))
            .deletingLastPathComponent().deletingLastPathComponent().path
        let result = try ScriptCLI.run(["run", "--step", "lesson-prompt-engineering-vs-tuning.ptscript"],
                                       directory: examples, home: modelHome)
        #expect(result.status == 0, "every command of the lesson succeeds: \(result.stderr)")
        for heading in ["Part 1 — a hand-written prompt", "Part 2 — a tuned prompt", "Part 3 — what the comparison shows"] {
            #expect(result.stdout.contains(heading), "heading \(heading)")
        }
        let losses = result.stdout.split(separator: "\n").filter { $0.hasPrefix("held-out") }.compactMap { line in
            line.firstMatch(of: /loss ([0-9.]+)/).flatMap { Double($0.1) }
        }
        #expect(losses.count == 2, "two evals: \(result.stdout)")
        #expect(losses.count == 2 && losses[1] < losses[0], "the tuned prompt's held-out loss is lower: \(losses)")
    }
}

// MARK: - A ptune process on a pseudo-terminal

/// Runs `ptune` with stdin, stdout and stderr on the slave side of a pty; the test holds the master.
final class PtunePTY {
    private let master: Int32
    private let slave: Int32
    private let process = Process()
    private var collected: [UInt8] = []

    init(_ arguments: [String], directory: String) throws {
        let m = posix_openpt(O_RDWR | O_NOCTTY)
        guard m >= 0, grantpt(m) == 0, unlockpt(m) == 0, let name = ptsname(m) else {
            throw CocoaError(.fileReadUnknown)
        }
        let s = open(name, O_RDWR | O_NOCTTY)
        guard s >= 0 else { close(m); throw CocoaError(.fileReadUnknown) }
        master = m
        slave = s
        process.executableURL = URL(fileURLWithPath: CLI.binary!)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = NSTemporaryDirectory() + "ptune-pty-home"
        environment["NO_COLOR"] = "1"
        environment["TERM"] = "xterm"
        process.environment = environment
        let handle = FileHandle(fileDescriptor: s, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
        close(slave)
    }

    /// Everything printed so far.
    var output: String { String(decoding: collected, as: UTF8.self) }

    /// Types keys into the terminal.
    func type(_ keys: String) {
        var bytes = Array(keys.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads output until `predicate` holds on all of it; false after `timeout` seconds.
    func waitFor(timeout: Double = 20, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            drain(wait: 50)
            if predicate(output) { return true }
        }
        return false
    }

    /// Waits until the program has the terminal out of canonical mode (libedit reading keys).
    func waitForRawMode(timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var t = termios()
            if tcgetattr(slave, &t) == 0 && (t.c_lflag & tcflag_t(ICANON)) == 0 { return true }
            drain(wait: 5)
        }
        return false
    }

    /// Waits for the process to end (reading its output meanwhile); its status, or nil on timeout.
    func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { drain(wait: 50) }
        drain(wait: 50)
        return process.isRunning ? nil : process.terminationStatus
    }

    private func drain(wait milliseconds: Int32) {
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&pfd, 1, milliseconds) > 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            collected += chunk[..<n]
        }
    }
}
