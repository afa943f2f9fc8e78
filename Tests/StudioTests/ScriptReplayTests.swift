import Foundation
import Testing

/// Record → replay through the `ptune` executable: a REPL session over a pipe is recorded, and
/// `ptune run` replays it bit for bit, or warns when what it finds differs from the header.
@Suite("Record and replay with the ptune executable", .enabled(if: CLI.binary != nil))
struct ScriptReplayTests {
    let model = StudioHarness.tinyModelPath

    /// Records a tuning session typed into the REPL (through a pipe); returns its folder and JSON lines.
    private func recordSession() throws -> (dir: String, lines: [String]) {
        let dir = try StudioHarness.temporaryDirectory()
        try "{\"input\": \"ab\", \"output\": \"c\"}\n{\"input\": \"ba\", \"output\": \"d\"}\n"
            .write(toFile: dir + "/data.jsonl", atomically: true, encoding: .utf8)
        let typed = """
            record "rec.ptscript"
            load "\(model)"
            set batch_size 2
            set learning_rate 0.1
            set max_output_tokens 3
            pairs "data.jsonl"
            pairs add "aa" -> "cd"
            pairs "typo.jsonl"
            init "ab"
            train 3
            ask "ab"
            record stop
            quit

            """
        let session = try ScriptCLI.run(["--json"], stdin: typed, directory: dir)
        #expect(session.status == 0, "\(session.stderr)")
        return (dir, session.stdout.split(separator: "\n").map(String.init))
    }

    private static func line(_ command: String, in lines: [String]) -> String? {
        lines.first { $0.hasPrefix("{\"command\":\"\(command)\",\"ok\":true") }
    }

    /// The answer's text and token ids, without the timing fields.
    private static func answer(in lines: [String]) -> (String, [Int])? {
        guard let line = line("ask", in: lines),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let text = object["text"] as? String, let ids = object["ids"] as? [Int] else { return nil }
        return (text, ids)
    }

    @Test("a recorded REPL session replays with bit-identical losses and answer, and checks clean")
    func replayIsExact() throws {
        let (dir, recorded) = try recordSession()
        let script = dir + "/rec.ptscript"
        let text = try String(contentsOfFile: script, encoding: .utf8)
        #expect(text.contains("# failed: pairs \"typo.jsonl\""))
        let commands = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(commands.count == 9, "load, 3 × set, 2 × pairs, init, train, ask: \(commands)")
        #expect(!commands.contains { $0.hasPrefix("record") || $0 == "quit" }, "record/quit themselves are not recorded")

        // Replayed from another working directory: paths resolve against the script's folder.
        let replay = try ScriptCLI.run(["--json", "run", script], directory: NSTemporaryDirectory())
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(!replay.stderr.contains("warning"), "nothing differs: \(replay.stderr)")
        let lines = replay.stdout.split(separator: "\n").map(String.init)
        let trainRecorded = try #require(Self.line("train", in: recorded))
        #expect(Self.line("train", in: lines) == trainRecorded, "same losses, bit for bit")
        #expect(trainRecorded.components(separatedBy: "\"loss\"").count == 4, "three updates: \(trainRecorded)")
        let a = try #require(Self.answer(in: recorded)), b = try #require(Self.answer(in: lines))
        #expect(a.0 == b.0 && a.1 == b.1, "same answer: \(a) vs \(b)")

        let check = try ScriptCLI.run(["check", script], directory: dir)
        #expect(check.status == 0, "ptune check accepts the recording: \(check.stderr)")
    }

    @Test("a data file changed after recording, or another thread count, is warned about before running")
    func replayWarns() throws {
        let (dir, _) = try recordSession()
        let script = dir + "/rec.ptscript"
        try "{\"input\": \"ab\", \"output\": \"c\"}\n{\"input\": \"ba\", \"output\": \"e\"}\n"
            .write(toFile: dir + "/data.jsonl", atomically: true, encoding: .utf8)
        var text = try String(contentsOfFile: script, encoding: .utf8)
        text = text.replacingOccurrences(of: #"# replay-check: threads \d+"#, with: "# replay-check: threads 97",
                                         options: .regularExpression)
        try text.write(toFile: script, atomically: true, encoding: .utf8)

        let replay = try ScriptCLI.run(["run", script], directory: dir)
        #expect(replay.stderr.contains("warning: data file 'data.jsonl' changed since it was recorded"), "\(replay.stderr)")
        #expect(replay.stderr.contains("warning: recorded with 97 threads"), "\(replay.stderr)")
        let warned = try #require(replay.stderr.range(of: "changed since it was recorded"))
        let loaded = try #require(replay.stderr.range(of: "loading "))
        #expect(warned.lowerBound < loaded.lowerBound, "the warning comes before anything runs")
    }
}

/// Runs the built `ptune` in a chosen working directory.
enum ScriptCLI {
    /// `home` is PTUNE_HOME (models and history); a fresh temporary one by default.
    static func run(_ arguments: [String], stdin: String = "", directory: String, home: String? = nil) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary!)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = home ?? NSTemporaryDirectory() + "ptune-cli-home"
        process.environment = environment
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Read stderr on another thread so neither pipe can fill up and block the child.
        let errBox = ErrorBox()
        let reader = Thread { errBox.data = error.fileHandleForReading.readDataToEndOfFile(); errBox.done.signal() }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        errBox.done.wait()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                          stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    private final class ErrorBox: @unchecked Sendable {
        // written by the reader thread before `done` is signalled, read after waiting on it
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}
