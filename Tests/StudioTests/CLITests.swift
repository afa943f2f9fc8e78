import Foundation
import PTuneTestSupport
import Testing

/// The `ptune` executable driven as a user drives it: `-e`, `run`, `check`, `--json` in either
/// position, and the REPL over a pipe. Uses the binary built beside the test bundle.
@Suite("ptune executable", .enabled(if: CLI.binary != nil))
struct CLITests {
    @Test("--json before or after the subcommand gives the same JSON lines")
    func jsonPosition() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let script = dir + "/s.ptscript"
        try "set seed 3\nshow settings\n".write(toFile: script, atomically: true, encoding: .utf8)
        let a = try CLI.run(["--json", "run", script])
        let b = try CLI.run(["run", "--json", script])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout == b.stdout)
        let lines = a.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("{\"command\":\"set\",\"ok\":true") == true)
    }

    @Test("-e runs inline commands; a failing command makes the exit status 1")
    func inline() throws {
        let ok = try CLI.run(["--json", "-e", "set seed 5; show settings"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"seed\":5"))
        let failing = try CLI.run(["--json", "-e", "load \"/nonexistent/model.gguf\"; set seed 2"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("\"ok\":false"))
        #expect(failing.stdout.contains("\"command\":\"set\",\"ok\":true"), "later commands still run")
    }

    @Test("a model too big for the memory budget is refused with the figures; the session goes on")
    func modelTooBigForMemory() throws {
        let model = try TinyModel.temporaryGGUF()
        defer { try? FileManager.default.removeItem(atPath: model) }
        let result = try CLI.run(["-e", "load \"\(model)\"; set seed 2; show settings"],
                                 environment: ["PTUNE_MEMORY_LIMIT": "1K"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("as Float32") && result.stderr.contains("1.0 KiB of memory is available"),
                "\(result.stderr)")
        #expect(result.stdout.contains("seed"), "later commands still run: \(result.stdout)")
    }

    @Test("a script with errors does not start; run exits 1 and check lists every error")
    func rejectedScript() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let script = dir + "/bad.ptscript"
        try "set seed 1\ntrian 5\nset top_k 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", script])
        #expect(run.status == 1)
        #expect(run.stderr.contains("did you mean 'train'?"))
        #expect(run.stderr.contains("nothing was run"))
        let check = try CLI.run(["check", "--json", script])
        #expect(check.status == 1)
        #expect(check.stdout.split(separator: "\n").count == 2)
        let clean = dir + "/ok.ptscript"
        try "set seed 1\n".write(toFile: clean, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", clean]).status == 0)
    }

    /// Regression: `CLI.run` read stdout to the end before stderr, so a child writing more than a
    /// pipe buffer (64 kB) to stderr blocked forever (seen when an ASan ptune printed its report).
    @Test("more than a pipe buffer of diagnostics on stderr does not block the run", .timeLimit(.minutes(2)))
    func largeStderr() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let script = dir + "/many-errors.ptscript"
        try String(repeating: "trian 5\n", count: 1500).write(toFile: script, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", script])
        #expect(check.status == 1)
        #expect(check.stderr.utf8.count > 65_536, "only \(check.stderr.utf8.count) bytes: not past a pipe buffer")
        #expect(check.stderr.components(separatedBy: "did you mean 'train'?").count - 1 == 1500)
    }

    @Test("the REPL reads a pipe: continuation lines, pasted prompts, quit")
    func replOverPipe() throws {
        let input = "ptune> set verbalizer \"Q: {{input}}\n A:\"\nshow settings\nquit\nset seed 9\n"
        let result = try CLI.run(["--json"], stdin: input)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "set, show, quit — nothing after quit: \(lines)")
        #expect(lines[0].contains("\"value\":\"Q: {{input}}\\n A:\""))
    }
}

/// Finds and runs the built `ptune` binary.
enum CLI {
    /// `ptune` in the same build folder as the test bundle, if it was built.
    static let binary: String? = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("ptune").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], stdin: String = "", environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary!)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = NSTemporaryDirectory() + "ptune-cli-home"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Drain stderr on another thread while this one reads stdout: reading one pipe to its end
        // before the other deadlocks as soon as the child fills the other pipe's 64 kB buffer
        // (found under ASan, whose leak report at exit is larger than that).
        // nonisolated(unsafe): written by the one reader, read only after `group.wait()`.
        nonisolated(unsafe) var err = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { err = error.fileHandleForReading.readDataToEndOfFile() }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }
}
