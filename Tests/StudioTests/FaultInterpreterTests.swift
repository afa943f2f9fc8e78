// Write failures injected through the atomic writer's seam into a running session: `save
// prompt`, `plot … to`, `history save` and `record` each fail with the command's location and a
// message that says the old file is kept; the session (prompt, step, pairs, history) is exactly
// as before, the old files are kept byte for byte, and no temporary file is left. The seam makes
// the failures that root cannot cause for real (a read-only folder) or cheaply (a full disk).
import Foundation
import Testing
@testable import AtomicFiles
@testable import Studio
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Faults: write failures in a session", .serialized)
struct FaultInterpreterTests {
    let setup = """
        load "\(StudioHarness.tinyModelPath)"
        set batch_size 2
        set learning_rate 0.1
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        init random 4
        train 2
        """

    /// Runs `command` (one line, appended after a line of its own) with `code` injected at `stage`
    /// for files ending in `suffix`, and checks the error, the session and the folder.
    private func expectFailure(_ h: StudioHarness, dir: String, _ command: String, stage: AtomicWriteError.Stage,
                               code: Int32, suffix: String, reason: String, kept: Bool) throws {
        let before = (prompt: h.session.tuning.prompt, step: h.session.tuning.step, pairs: h.session.tuning.pairs.count,
                      history: h.session.tuning.history.entries.count)
        let files = FaultSupport.snapshot(dir), adapter = FaultSupport.snapshot(dir + "/p")
        // The suffix starts with this test's own folder: other suites write files at the same time.
        FaultInjection.arm(stage, code: code, pathSuffix: dir + suffix)
        let (objects, outcome) = h.run("show settings\n" + command)
        FaultInjection.disarm(pathSuffix: dir + suffix)
        #expect(!outcome.ok)
        let error = try #require(FaultSupport.firstError(objects), "\(command): no error object in \(objects)")
        let message = error["message"] as? String ?? ""
        #expect(message.contains(reason) && message.contains(kept ? "(the old file is kept)" : "(nothing was written)"),
                "\(command): \(message)")
        #expect(error["line"] as? Int == 2 && error["column"] as? Int == 1, "\(command): location \(error)")
        #expect(h.session.tuning.prompt == before.prompt && h.session.tuning.step == before.step
                && h.session.tuning.pairs.count == before.pairs && h.session.tuning.history.entries.count == before.history,
                "\(command): the session is unchanged")
        #expect(FaultSupport.snapshot(dir) == files, "\(command): the folder is unchanged")
        #expect(FaultSupport.snapshot(dir + "/p") == adapter, "\(command): the adapter is unchanged")
    }

    @Test("save prompt on a full disk, a read-only folder and an I/O error keeps the old adapter")
    func savePrompt() throws {
        let dir = try FaultSupport.folder("session-save")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = StudioHarness(directory: dir)
        #expect(h.run(setup + "\nsave prompt \"p\"\ntrain 1").outcome.ok, "\(h.stderr)")
        let adapter = "/p/adapter_model.safetensors"
        try expectFailure(h, dir: dir, "save prompt \"p\"", stage: .write, code: ENOSPC, suffix: adapter,
                          reason: "no space left on device", kept: true)
        try expectFailure(h, dir: dir, "save prompt \"p\"", stage: .create, code: EROFS, suffix: adapter,
                          reason: "read-only file system", kept: true)
        // The state file is the last of the three: its failure must not leave new weights beside the old state.
        try expectFailure(h, dir: dir, "save prompt \"p\"", stage: .sync, code: EIO, suffix: "/p/ptune_state.json",
                          reason: "input/output error", kept: true)
        #expect(FaultSupport.temporaries(dir + "/p").isEmpty)
        // With the fault gone the same command works.
        #expect(h.run("save prompt \"p\"").outcome.ok, "\(h.stderr)")
    }

    @Test("plot to a file, history save and record fail cleanly")
    func otherWriters() throws {
        let dir = try FaultSupport.folder("session-other")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = StudioHarness(directory: dir)
        #expect(h.run(setup + "\nplot loss to \"loss.svg\"").outcome.ok, "\(h.stderr)")
        try expectFailure(h, dir: dir, "plot loss to \"loss.svg\"", stage: .rename, code: ENOSPC, suffix: "/loss.svg",
                          reason: "no space left on device", kept: true)
        try expectFailure(h, dir: dir, "history save \"s.ptscript\"", stage: .write, code: ENOSPC, suffix: "/s.ptscript",
                          reason: "no space left on device", kept: false)
        try expectFailure(h, dir: dir, "record \"r.ptscript\"", stage: .create, code: EROFS, suffix: "/r.ptscript",
                          reason: "read-only file system", kept: false)
        #expect(h.session.scripting.recorder == nil, "a recording that could not start is not in progress")
    }
}
