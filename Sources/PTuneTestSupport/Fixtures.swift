import Foundation

/// Locates test fixtures and the default model for tests, without bundling resources.
public enum Fixtures {
    /// `Tests/Fixtures` of this checkout, found from this source file's path.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PTuneTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Tests/Fixtures")

    /// The URL of a fixture file, e.g. `Fixtures.url("smollm2-goldens.json")`.
    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The bytes of a fixture file.
    public static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    /// The default model's path in the model cache (`$PTUNE_HOME/models`, default `~/.cache/ptune/models`),
    /// or nil when it has not been fetched (`Scripts/fetch-model` fetches it) or when the tests run
    /// under a sanitizer (`underSanitizer`): every real-model test is enabled by this path, so one
    /// switch skips them all.
    public static var defaultModelPath: String? {
        if underSanitizer { return nil }
        let path = modelCache + "/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The model cache folder: `$PTUNE_HOME/models`, default `~/.cache/ptune/models`.
    public static var modelCache: String {
        let home = ProcessInfo.processInfo.environment["PTUNE_HOME"] ?? (NSHomeDirectory() + "/.cache/ptune")
        return home + "/models"
    }

    // MARK: - Sanitizer runs

    /// True when `PTUNE_SANITIZER` is set to a non-empty value other than `0` (Scripts/sanitize sets it).
    /// Sanitized builds are debug builds with every memory access instrumented, 10–50× slower than
    /// release: the tests that run the 135M-parameter model or long numeric loops are skipped there
    /// (Docs/reliability/sanitizers.md lists them); everything else runs.
    public static var underSanitizer: Bool {
        let value = ProcessInfo.processInfo.environment["PTUNE_SANITIZER"] ?? ""
        return !value.isEmpty && value != "0"
    }
}
