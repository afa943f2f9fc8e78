import Foundation
import PTScript

// MARK: - One executed command

/// A command the session ran, kept as the user wrote it so `history save` and `record` can write
/// it back out. Paths inside it are relative to `baseDirectory`; `rendered(for:)` rewrites them for
/// a script saved elsewhere.
public struct HistoryEntry: Sendable {
    /// The statement's source text, command word to last argument (multi-line strings included).
    public let text: String
    /// The checked command (its argument ranges locate the paths to rewrite).
    public let statement: CommandStatement
    /// Offset of `text` in the source it came from (argument ranges are relative to that source).
    let sourceOffset: Int
    /// The directory relative paths resolved against when it ran.
    public let baseDirectory: String
    /// The failure message; nil when the command succeeded.
    public let failure: String?
    /// The script that ran it through `run "file"`, when it did not come from the top level.
    public let origin: String?
    /// For `pairs "file"`: the content hash of the pairs read (`PairSet.contentHash`).
    public let dataHash: String?
    /// For `load`: the model file and its size and modification time when it was loaded.
    public let modelStamp: FileStamp?

    /// True when the command succeeded.
    public var succeeded: Bool { failure == nil }
}

/// A file's identity for caching its hash: path, size and modification time.
public struct FileStamp: Sendable, Hashable {
    /// The absolute path.
    public let path: String
    /// Size in bytes.
    public let size: Int
    /// Modification time, seconds since 1970.
    public let modified: Double

    /// The stamp of the file at `path` as it is now, or nil when it cannot be read.
    public init?(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let date = attributes[.modificationDate] as? Date else { return nil }
        self.path = path
        self.size = size
        self.modified = date.timeIntervalSince1970
    }
}

// MARK: - The session's scripting state

/// What the session keeps for scripts: every executed command, the active recording, the scripts
/// running right now (for cycle detection) and the model hashes computed so far.
public struct ScriptingState {
    /// Every command executed in this session, in order (record/history/run/quit themselves excluded).
    public internal(set) var history: [HistoryEntry] = []
    /// The recording in progress, if any.
    var recorder: Recorder?
    /// The script files running now, outermost first (absolute, symlinks resolved).
    var running: [RunningScript] = []
    /// sha256 of model files, by stamp: a model is hashed once however often it is recorded.
    var modelHashes: [FileStamp: String] = [:]

    /// Scripts may nest this deep (a guard against runaway recursion through distinct files).
    public static let maximumDepth = 16

    /// Creates an empty state.
    public init() {}

    /// True while a recording is in progress.
    public var isRecording: Bool { recorder != nil }
    /// The file being recorded to.
    public var recordingPath: String? { recorder?.path }

    /// The innermost script started by a `run "file"` command (not the top-level `ptune run` file).
    var nestedOrigin: String? { running.last(where: \.nested)?.path }
}

/// A script file that is running.
struct RunningScript {
    /// Absolute path with symlinks resolved.
    let path: String
    /// True when a `run "file"` command started it; false for the file given to `ptune run`.
    let nested: Bool
}

extension Session {
    /// The sha256 of a model file, computed once per file version.
    func modelHash(for stamp: FileStamp) throws -> String {
        if let known = scripting.modelHashes[stamp] { return known }
        let hash = try SHA256.hex(ofFileAt: stamp.path)
        scripting.modelHashes[stamp] = hash
        return hash
    }

    /// The thread count matrix products use with the current settings (0 = one per core).
    var effectiveThreads: Int {
        let requested = settings.int("threads")
        return requested > 0 ? requested : ProcessInfo.processInfo.activeProcessorCount
    }
}
