import Foundation

/// Where ptune keeps models and history: `$PTUNE_HOME`, default `~/.cache/ptune`.
public enum ModelCache {
    /// The file name of the default base model.
    public static let defaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// `$PTUNE_HOME` or `~/.cache/ptune`.
    public static var home: String {
        if let home = ProcessInfo.processInfo.environment["PTUNE_HOME"], !home.isEmpty { return home }
        return NSHomeDirectory() + "/.cache/ptune"
    }

    /// The path `load` with no argument reads.
    public static var defaultModelPath: String { home + "/models/" + defaultModelFile }

    /// The REPL's history file.
    public static var historyPath: String { home + "/history" }
}
