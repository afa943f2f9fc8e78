import Foundation
import PTScript
import Testing
import Studio

/// `record`, `record stop`, `history`, `history save` and `run "file"` inside one process.
@Suite("Recording and scripts that run scripts")
struct RecordTests {
    let model = StudioHarness.tinyModelPath

    /// A folder with `data.jsonl` (two pairs) and an empty `out/` folder.
    private func workspace() throws -> String {
        let dir = try StudioHarness.temporaryDirectory()
        try "{\"input\": \"ab\", \"output\": \"c\"}\n{\"input\": \"ba\", \"output\": \"d\"}\n"
            .write(toFile: dir + "/data.jsonl", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        return dir
    }

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("record writes a header, the settings changed before it, each command as it runs, failures as comments")
    func recordWritesScript() throws {
        let dir = try workspace()
        let studio = StudioHarness(directory: dir)
        studio.run("set seed 7")
        #expect(studio.run("record \"out/rec.ptscript\"").outcome.ok)
        studio.run("load \"\(model)\"\npairs \"data.jsonl\"")
        // The file is complete after every command, not only at `record stop`.
        let partial = try String(contentsOfFile: dir + "/out/rec.ptscript", encoding: .utf8)
        #expect(partial.contains("pairs \"../data.jsonl\""), "\(partial)")
        studio.run("pairs \"missing.jsonl\"\npairs add \"a\\\"b\" -> \"c\"\nhistory")
        #expect(studio.run("record stop").outcome.ok)
        studio.run("set seed 9")  // after stop: not recorded

        let text = try String(contentsOfFile: dir + "/out/rec.ptscript", encoding: .utf8)
        let header = ReplayHeader.parse(text)
        #expect(header.version == PTuneVersion.current)
        #expect(header.models == [ReplayHeader.Model(path: model, sha256: try SHA256.hex(ofFileAt: model))])
        #expect(header.seed == 7)
        #expect(header.threads != nil)
        #expect(header.dataFiles.map(\.path) == ["../data.jsonl"])
        #expect(header.dataFiles.first?.hash.hasPrefix("fnv1a64:") == true)

        let commands = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init)
        #expect(commands == ["set seed 7", "load \"\(model)\"", "pairs \"../data.jsonl\"", "pairs add \"a\\\"b\" -> \"c\""],
                "\(text)")
        #expect(text.contains("# failed: pairs \"../missing.jsonl\""))
        #expect(text.contains("#   → pairs file 'missing.jsonl' does not exist"))
        #expect(!Checker.check(text, name: "rec.ptscript").hasErrors, "a recorded script checks clean")
    }

    @Test("recording begun mid-session reloads the model and says what it cannot recreate")
    func recordMidSession() throws {
        let dir = try workspace()
        let studio = StudioHarness(directory: dir)
        studio.run("load \"\(model)\"\npairs add \"ab\" -> \"c\"\nset learning_rate 0.05")
        studio.run("record \"rec.ptscript\"\nask \"ab\"\nrecord stop")
        let text = try String(contentsOfFile: dir + "/rec.ptscript", encoding: .utf8)
        let commands = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init)
        #expect(commands.first?.hasPrefix("load \"") == true, "\(text)")
        #expect(commands.contains("set learning_rate 0.05"))
        #expect(commands.last == "ask \"ab\"")
        #expect(text.contains("already held 1 pair"), "\(text)")
        #expect(studio.stderr.contains("note: Recording began mid-session"))
        #expect(!Checker.check(text).hasErrors)
    }

    @Test("history lists every command; history save writes the whole session, which replays to the same state")
    func historySave() throws {
        let dir = try workspace()
        let studio = StudioHarness(directory: dir)
        studio.run("load \"\(model)\"\npairs \"data.jsonl\"\npairs add \"aa\" -> \"cd\"\nset batch_size 2\ninit random 3\ntrain 2")
        studio.run("pairs \"nope.jsonl\"")
        let listed = studio.run("history").objects.last?["commands"] as? [[String: Any]]
        #expect(listed?.count == 7)
        #expect(listed?.last?["ok"] as? Bool == false)
        #expect(studio.run("history save \"out/all.ptscript\"").outcome.ok)
        let saved = try String(contentsOfFile: dir + "/out/all.ptscript", encoding: .utf8)
        #expect(!Checker.check(saved).hasErrors, "a saved history checks clean")

        let replay = StudioHarness(directory: dir)
        let ran = replay.run("run \"out/all.ptscript\"")
        #expect(ran.outcome.ok, "\(replay.stderr)")
        #expect(replay.session.tuning.pairs.count == 3)
        #expect(replay.session.tuning.prompt?.values == studio.session.tuning.prompt?.values, "same vector bit for bit")
        #expect(replay.session.baseDirectory == dir, "the base directory is restored after run")
    }

    @Test("run resolves paths against the called script and names it in diagnostics")
    func nestedPaths() throws {
        let dir = try workspace()
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try write("{\"input\": \"x\", \"output\": \"y\"}\n", dir + "/sub/more.jsonl")
        try write("pairs \"more.jsonl\"\nset top_k 0\n", dir + "/sub/bad.ptscript")
        try write("# setup\npairs \"more.jsonl\"\npairs \"../data.jsonl\"\n", dir + "/sub/setup.ptscript")
        try write("run \"sub/setup.ptscript\"\npairs add \"q\" -> \"r\"\n", dir + "/main.ptscript")

        let studio = StudioHarness(mode: .human, directory: dir)
        #expect(studio.run("run \"main.ptscript\"").outcome.ok, "\(studio.stderr)")
        #expect(studio.session.tuning.pairs.count == 4)
        let origins = studio.session.scripting.history.map { $0.origin.map { URL(fileURLWithPath: $0).lastPathComponent } }
        #expect(origins == ["setup.ptscript", "setup.ptscript", "main.ptscript"])

        let bad = studio.run("run \"sub/bad.ptscript\"")
        #expect(!bad.outcome.ok)
        #expect(studio.stderr.contains("bad.ptscript:2:"), "the error points into the called file: \(studio.stderr)")
        #expect(studio.session.tuning.pairs.count == 4, "a script with errors runs nothing")
    }

    @Test("a script that runs itself, directly or through another, is reported as a cycle")
    func cycles() throws {
        let dir = try workspace()
        try write("pairs add \"a\" -> \"b\"\nrun \"self.ptscript\"\n", dir + "/self.ptscript")
        try write("run \"two.ptscript\"\n", dir + "/one.ptscript")
        try write("run \"one.ptscript\"\n", dir + "/two.ptscript")
        let studio = StudioHarness(mode: .human, directory: dir)
        #expect(!studio.run("run \"self.ptscript\"").outcome.ok)
        #expect(studio.stderr.contains("'self.ptscript' is already running (self.ptscript → self.ptscript)"), "\(studio.stderr)")
        #expect(studio.session.tuning.pairs.count == 1, "the commands before the cycle ran once")
        #expect(!studio.run("run \"one.ptscript\"").outcome.ok)
        #expect(studio.stderr.contains("(one.ptscript → two.ptscript → one.ptscript)"))
        #expect(studio.session.scripting.history.count == 1)
    }

    @Test("a chain of distinct scripts deeper than the limit stops with a clear error")
    func depthLimit() throws {
        let dir = try workspace()
        let count = ScriptingState.maximumDepth + 4
        for i in 0 ..< count {
            try write(i + 1 < count ? "run \"s\(i + 1).ptscript\"\n" : "pairs add \"deep\" -> \"end\"\n", dir + "/s\(i).ptscript")
        }
        let studio = StudioHarness(mode: .human, directory: dir)
        #expect(!studio.run("run \"s0.ptscript\"").outcome.ok)
        #expect(studio.stderr.contains("nested more than \(ScriptingState.maximumDepth) deep"))
        #expect(studio.session.tuning.pairs.count == 0)
    }

    @Test("record stop without a recording fails and names the fix")
    func stopWithoutRecording() {
        let studio = StudioHarness()
        let result = studio.run("record stop")
        #expect(!result.outcome.ok)
        let error = result.objects.first?["error"] as? [String: Any]
        #expect((error?["message"] as? String)?.contains("record \"session.ptscript\"") == true)
    }
}
