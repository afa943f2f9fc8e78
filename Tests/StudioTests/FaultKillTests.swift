// SIGKILL at random moments while `ptune` saves an adapter over and over: after every kill the
// adapter directory reads back completely (weights parsed, shape checked, state decoded), and
// temporary files never pile up — a killed writer's leftovers are removed by the next writer.
import Foundation
import Numerics
import PromptTuning
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Faults: SIGKILL during save", .serialized, .enabled(if: CLI.binary != nil))
struct FaultKillTests {
    static let rows = 40
    static let saves = 40
    static let kills = 30

    /// A script that trains one step and saves, `saves` times: every save writes different bytes.
    static func script(saves: Int) -> String {
        var lines = [
            "load \"\(StudioHarness.tinyModelPath)\"", "set batch_size 2", "set learning_rate 0.1",
            "pairs add \"ab\" -> \"c\"", "pairs add \"ba\" -> \"d\"", "init random \(rows)",
        ]
        for _ in 0..<saves { lines += ["train 1", "save prompt \"p\""] }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("the adapter is always the old or the new complete file after a kill")
    func killDuringSave() throws {
        let dir = try FaultSupport.folder("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let adapter = dir + "/p"
        // A first complete run: from here on there is always an old adapter to keep.
        try Self.script(saves: 1).write(toFile: dir + "/once.ptscript", atomically: true, encoding: .utf8)
        let first = try FaultSupport.run(CLI.binary!, ["run", "once.ptscript"], directory: dir)
        try #require(first.status == 0, "\(first.stderr)")
        try Self.script(saves: Self.saves).write(toFile: dir + "/saves.ptscript", atomically: true, encoding: .utf8)

        // How long a whole run takes, so the kills spread over all of it.
        let clock = ContinuousClock()
        let timed = try clock.measure { _ = try FaultSupport.run(CLI.binary!, ["run", "saves.ptscript"], directory: dir) }
        let span = max(0.05, Double(timed.components.seconds) + Double(timed.components.attoseconds) * 1e-18)

        var rng = SeededRNG(seed: 42)
        var steps: Set<Int> = []
        var killedMidWrite = 0
        for kill in 0..<Self.kills {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.binary!)
            process.arguments = ["run", "saves.ptscript"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            var env = ProcessInfo.processInfo.environment
            env["PTUNE_HOME"] = dir + "/.ptune-home"
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(rng.nextDouble() * span * 1e6))
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let left = FaultSupport.temporaries(adapter)
            if !left.isEmpty { killedMidWrite += 1 }
            #expect(left.count <= 3, "kill \(kill): only the killed writer's temporaries may remain, found \(left)")
            switch FaultSupport.readAdapter(adapter, width: 16) {
            case .success(let loaded):
                #expect(loaded.prompt.rows == Self.rows && loaded.prompt.isFinite, "kill \(kill): prompt \(loaded.prompt.rows) rows")
                #expect(loaded.state != nil, "kill \(kill): the state file decodes")
                if let step = loaded.state?.training.step { steps.insert(step) }
            case .failure(let error):
                Issue.record("kill \(kill) after \(Int(span * 1000)) ms run: torn adapter: \(error)")
            }
        }
        // One clean run removes what the last killed writer left.
        let last = try FaultSupport.run(CLI.binary!, ["run", "once.ptscript"], directory: dir)
        #expect(last.status == 0)
        #expect(FaultSupport.temporaries(adapter).isEmpty, "\(FaultSupport.temporaries(adapter))")
        // Evidence the kills landed at many points, not all before the first save.
        print("SIGKILL during save: \(Self.kills) kills over a \(String(format: "%.2f", span)) s run, "
              + "\(steps.count) distinct saved steps seen, \(killedMidWrite) kills left a temporary (mid-write)")
        #expect(steps.count >= 3, "kills should land at several points of the run, saw steps \(steps.sorted())")
    }
}
