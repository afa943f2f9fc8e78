import Foundation
import PTuneTestSupport
import Testing
import Studio

/// Every `Docs/examples/*.ptscript` replays on the real model, as the tutorial shows it: checked,
/// run from its own folder (so relative pair files resolve), and every command succeeds.
/// Run with `-c release`; skipped when the default model is not in the cache.
@Suite("Docs examples replay", .serialized, .enabled(if: Fixtures.defaultModelPath != nil))
struct ExamplesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Docs/examples").standardized.path

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".ptscript") }.sorted()
    }

    @Test("the examples folder holds the tutorial's scripts")
    func present() {
        for name in ["sentiment", "style-transfer", "extraction", "init-compare", "label-persistence", "hello"] {
            #expect(Self.scripts.contains(name + ".ptscript"), "\(name).ptscript")
        }
    }

    @Test("each example runs without a failed command", arguments: ExamplesTests.scripts)
    func replays(_ name: String) throws {
        let text = try String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8)
        let h = StudioHarness(mode: .human, directory: Self.directory)
        let outcome = h.interpreter.run(text, name: name)
        #expect(!outcome.rejected, "\(name) was rejected by the checker:\n\(h.stderr)")
        #expect(outcome.failed == 0, "\(name): \(outcome.failed) command(s) failed:\n\(h.stderr)")
        #expect(outcome.succeeded > 0)
        #expect(!h.stdout.isEmpty)
    }
}
