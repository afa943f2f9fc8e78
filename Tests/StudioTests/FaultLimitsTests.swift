// Limits that end in a message instead of a crash or a swap storm. Covered elsewhere and listed
// in Docs/reliability/faults.md: a script running itself (RecordTests), inputs longer than the
// context (ContextLimitTests), an absurd LSP Content-Length (FramingTests), GGUF files claiming
// huge counts (GGUFValidationTests). Here: the memory budget check before `train`, and a big
// pairs file read with a progress bar.
import Foundation
import Testing

@Suite("Faults: limits", .serialized, .enabled(if: CLI.binary != nil))
struct FaultLimitsTests {
    static let session = """
        load "\(StudioHarness.tinyModelPath)"
        set batch_size 2
        pairs add "ab" -> "c"
        pairs add "ba" -> "d"
        init random 4
        train 1
        show settings
        """

    @Test("train refuses a batch over PTUNE_MEMORY_LIMIT with the estimate and advice; the session goes on")
    func memoryLimit() throws {
        let dir = try FaultSupport.folder("memory")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 64 KiB: room for the tiny model's Float32 weights (33.4 KiB, checked at load), not for
        // the batch (~142 KiB).
        let refused = try FaultSupport.run(CLI.binary!, ["--json", "-e", Self.session], directory: dir,
                                           environment: ["PTUNE_MEMORY_LIMIT": "64K"])
        let objects = FaultSupport.objects(refused.stdout)
        let error = try #require(FaultSupport.firstError(objects), "\(refused.stdout)\(refused.stderr)")
        let message = error["message"] as? String ?? ""
        #expect(message.hasPrefix("batch 2 × ") && message.contains("tokens needs ~") && message.contains("; available 64.0 KiB — lower batch_size"),
                "message: \(message)")
        #expect(error["line"] as? Int == 6, "the train line: \(error)")
        #expect(objects.last?["command"] as? String == "show" && objects.last?["ok"] as? Bool == true, "the session goes on")

        let allowed = try FaultSupport.run(CLI.binary!, ["--json", "-e", Self.session], directory: dir,
                                           environment: ["PTUNE_MEMORY_LIMIT": "1G"])
        #expect(allowed.status == 0 && FaultSupport.firstError(FaultSupport.objects(allowed.stdout)) == nil, "\(allowed.stderr)")
    }

    @Test("a pairs file over 1 MiB shows a progress bar and reads every pair")
    func bigPairsProgress() throws {
        let dir = try FaultSupport.folder("bigpairs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = ""
        for i in 0..<30_000 { text += "{\"input\": \"question number \(i) about the weather\", \"output\": \"answer \(i % 7)\"}\n" }
        try text.write(toFile: dir + "/big.jsonl", atomically: true, encoding: .utf8)
        let run = try FaultSupport.run(CLI.binary!, ["-e", "pairs \"big.jsonl\""], directory: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("read 30000 pairs from big.jsonl"), "\(run.stdout)")
        let kib = text.utf8.count / 1024
        #expect(run.stderr.contains("reading KiB \(kib)/\(kib)"), "the progress line reaches the end: \(run.stderr)")
    }
}
