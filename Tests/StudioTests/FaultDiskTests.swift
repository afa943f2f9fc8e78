// Real write failures against the built `ptune`: a file size limit (RLIMIT_FSIZE, EFBIG), a full
// disk (a tiny tmpfs, ENOSPC) and a read-only folder (a read-only bind mount, EROFS). Tests run
// as root, where chmod cannot make a folder read-only, so the mounts are made in a private mount
// namespace (`unshare -m`) that vanishes with the shell; where that is not permitted the same
// failure is injected through the atomic writer's seam instead (FaultInterpreterTests).
// Each time: the command fails with a clear message and its location, the old adapter is kept
// byte for byte, and no temporary file is left.
import Foundation
import Testing

@Suite("Faults: full disk, read-only folder, file size limit", .serialized, .enabled(if: CLI.binary != nil))
struct FaultDiskTests {
    /// Saves a 40-row prompt made with `seed` into `p`.
    static func save(seed: Int) -> String {
        "load \"\(StudioHarness.tinyModelPath)\"; set seed \(seed); init random 40; save prompt \"p\""
    }

    /// The shell script of a scenario: `setup` on the empty work folder, the old save, a copy of
    /// it, `breakFolder`, the new save with `--json`, a copy of what is left and a listing.
    /// Exit 77 means the mechanism is not available on this machine.
    /// `limit` runs in the new save's subshell only (so `ulimit` does not hit the copies after it);
    /// its output goes through a pipe, which a file size limit does not cover.
    static func script(setup: String, breakFolder: String, limit: String) -> String {
        """
        set -u
        mkdir -p "$DIR/work"
        \(setup)
        cd "$DIR/work"
        "$PTUNE" -e "$OLD" > /dev/null 2>&1 || exit 78
        cp -R p "$DIR/before"
        \(breakFolder)
        ( \(limit)
          "$PTUNE" --json -e "$NEW" 2> "$DIR/err.txt"; echo $? > "$DIR/status" ) | cat > "$DIR/out.json"
        cp -R p "$DIR/after"
        ls -a p > "$DIR/listing"
        """
    }

    /// Runs a scenario under `launcher` (e.g. `/bin/sh`, or `unshare -m … /bin/sh`); nil when it
    /// exited 77 (not available here).
    private func scenario(_ label: String, launcher: [String], setup: String = "",
                          breakFolder: String = "", limit: String = "") throws -> (dir: String, result: FaultSupport.Finished)? {
        let dir = try FaultSupport.folder(label)
        let result = try FaultSupport.run(launcher[0], Array(launcher.dropFirst()) + ["-c", Self.script(setup: setup, breakFolder: breakFolder, limit: limit)],
                                          directory: dir, environment: [
            "PTUNE": CLI.binary!, "DIR": dir, "OLD": Self.save(seed: 1), "NEW": Self.save(seed: 2),
        ])
        guard result.status == 0 else {
            try? FileManager.default.removeItem(atPath: dir)
            #expect(result.status == 77, "scenario \(label) failed to run: \(result.status) \(result.stderr)")
            return nil
        }
        return (dir, result)
    }

    /// `launcher` for a private mount namespace, or nil when `unshare` is missing or not permitted.
    private static let mountNamespace: [String]? = {
        let unshare = "/usr/bin/unshare"
        guard FileManager.default.isExecutableFile(atPath: unshare),
              let probe = try? FaultSupport.run(unshare, ["-m", "--propagation", "private", "/bin/true"], directory: NSTemporaryDirectory()),
              probe.status == 0 else { return nil }
        return [unshare, "-m", "--propagation", "private", "/bin/sh"]
    }()

    /// The checks every scenario shares; `reason` is the expected strerror text.
    private func expectKept(_ dir: String, reason: String) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let status = (try? String(contentsOfFile: dir + "/status", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status != nil && status != "0", "the failing save exits non-zero, got \(status ?? "none")")
        let objects = FaultSupport.objects((try? String(contentsOfFile: dir + "/out.json", encoding: .utf8)) ?? "")
        let error = try #require(FaultSupport.firstError(objects), "no error object: \(objects)")
        let message = error["message"] as? String ?? ""
        #expect(message.contains("cannot write '") && message.contains(reason) && message.contains("(the old file is kept)"),
                "message: \(message)")
        let command = Self.save(seed: 2)
        let column = command.utf8.distance(from: command.startIndex, to: command.range(of: "save prompt")!.lowerBound) + 1
        #expect(error["line"] as? Int == 1 && error["column"] as? Int == column, "the save command's location: \(error)")
        let before = FaultSupport.snapshot(dir + "/before"), after = FaultSupport.snapshot(dir + "/after")
        #expect(!before.isEmpty && before == after, "the old adapter is kept: before \(before.keys.sorted()), after \(after.keys.sorted())")
        let listing = (try? String(contentsOfFile: dir + "/listing", encoding: .utf8)) ?? ""
        #expect(!listing.contains(".tmp-"), "no temporary left: \(listing)")
    }

    @Test("a file size limit (EFBIG): clear error, the old adapter kept")
    func fileSizeLimit() throws {
        // `ulimit -f 1` allows one block (512 or 1024 bytes); the 40 × 16 prompt is 2560 bytes.
        // ptune ignores SIGXFSZ itself, so the write fails with EFBIG instead of killing it.
        let run = try #require(try scenario("fsize", launcher: ["/bin/sh"], limit: "ulimit -f 1"))
        try expectKept(run.dir, reason: "file too large")
    }

    @Test("a full disk (ENOSPC on a tiny tmpfs): clear error, the old adapter kept",
          .enabled(if: mountNamespace != nil, "needs unshare -m and mount (FaultInterpreterTests injects ENOSPC instead)"))
    func fullDisk() throws {
        let run = try #require(try scenario("full", launcher: Self.mountNamespace!,
                                            setup: "mount -t tmpfs -o size=512k tmpfs \"$DIR/work\" || exit 77",
                                            breakFolder: "dd if=/dev/zero of=fill bs=4k 2>/dev/null || true"))
        try expectKept(run.dir, reason: "no space left on device")
    }

    @Test("a read-only folder (EROFS, a read-only bind mount): clear error, the old adapter kept",
          .enabled(if: mountNamespace != nil, "needs unshare -m and mount (FaultInterpreterTests injects EROFS instead)"))
    func readOnlyFolder() throws {
        let run = try #require(try scenario("ro", launcher: Self.mountNamespace!,
                                            setup: "mount --bind \"$DIR/work\" \"$DIR/work\" || exit 77",
                                            breakFolder: "mount -o remount,bind,ro \"$DIR/work\" || exit 77"))
        try expectKept(run.dir, reason: "read-only file system")
    }
}
