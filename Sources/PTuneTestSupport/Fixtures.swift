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
    /// or nil when it has not been fetched (`Scripts/fetch-model` fetches it).
    public static var defaultModelPath: String? {
        let env = ProcessInfo.processInfo.environment
        let home = env["PTUNE_HOME"] ?? (NSHomeDirectory() + "/.cache/ptune")
        let path = home + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
