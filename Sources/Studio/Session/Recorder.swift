import AtomicFiles
import Foundation
import PTScript

// MARK: - Recording

/// A recording in progress: where it goes, where in the history it began, and what the session
/// already held then (written first, so the script stands on its own).
struct Recorder {
    /// The script file (absolute).
    let path: String
    /// Index of the first history entry the recording holds.
    let startIndex: Int
    /// Commands and notes that recreate the state the recording began from.
    let preamble: ScriptPreamble
}

/// What a script needs before its recorded commands: the model already loaded and the settings
/// already changed when recording began, and notes on state it cannot recreate.
struct ScriptPreamble {
    /// The loaded model: `load` path relative to the base directory (nil = default) and its stamp.
    var model: (path: String?, stamp: FileStamp?)?
    /// The base directory the model path is relative to.
    var baseDirectory: String
    /// `set` commands for every setting not at its default.
    var settings: [String] = []
    /// Comment lines about what the script does not recreate.
    var notes: [String] = []
    /// The seed in force at the start.
    var seed: Int

    /// A fresh session's preamble (for `history save`, which holds everything from the start).
    static func fresh(baseDirectory: String) -> ScriptPreamble {
        let seed = Settings.named("seed")?.defaultValue.numeric.map { Int($0) } ?? 0
        return ScriptPreamble(model: nil, baseDirectory: baseDirectory, seed: seed)
    }
}

extension Session {
    /// The preamble for a recording that begins now.
    func preambleForRecording() -> ScriptPreamble {
        var preamble = ScriptPreamble(model: nil, baseDirectory: baseDirectory, seed: settings.int("seed"))
        if let model {
            let isDefault = URL(fileURLWithPath: model.path).standardized.path
                == URL(fileURLWithPath: ModelCache.defaultModelPath).standardized.path
            preamble.model = (isDefault ? nil : model.path, FileStamp(path: model.path))
        }
        preamble.settings = settings.changed.map { spec, value in "set \(spec.name) \(Self.literal(value))" }
        var held: [String] = []
        if tuning.pairs.count > 0 { held.append("\(tuning.pairs.count) pair\(tuning.pairs.count == 1 ? "" : "s")") }
        if tuning.prompt != nil { held.append("a prompt vector (step \(tuning.step))") }
        if !held.isEmpty {
            preamble.notes = [
                "Recording began mid-session, when the session already held \(held.joined(separator: " and ")).",
                "This script does not recreate them; 'history save' writes the whole session instead.",
            ]
        }
        return preamble
    }

    /// A setting value as a script writes it (floats in Swift's shortest exact form).
    static func literal(_ value: SettingValue) -> String {
        switch value {
        case .float(let f): "\(f)"
        case .string(let s): ScriptPaths.quoted(s)
        default: value.description
        }
    }

    // MARK: Rendering a script

    /// The whole script for `entries`, written for a file at `path`: header, preamble, commands.
    func scriptText(for entries: ArraySlice<HistoryEntry>, preamble: ScriptPreamble, path: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: path).lastPathComponent
        var notes = preamble.notes
        var header = ReplayHeader(version: PTuneVersion.current, seed: preamble.seed, threads: effectiveThreads)
        var body: [String] = []

        if let model = preamble.model {
            let written = model.path.map { relativePath($0, from: preamble.baseDirectory, to: folder) }
            body.append(written.map { "load \(ScriptPaths.quoted($0))" } ?? "load")
            addModel(written, stamp: model.stamp, to: &header, notes: &notes)
        }
        body += preamble.settings

        var origin: String?
        for entry in entries {
            if entry.origin != origin {
                origin = entry.origin
                if let origin { body.append("# from run \(ScriptPaths.quoted(relativePath(origin, from: "/", to: folder)))") }
            }
            let text = entry.rendered(forScriptIn: folder)
            guard entry.succeeded else {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                body += lines.enumerated().map { $0.offset == 0 ? "# failed: \($0.element)" : "#         \($0.element)" }
                body.append("#   → \(entry.failure ?? "")")
                continue
            }
            body.append(text)
            switch entry.statement.command {
            case .load(let path):
                addModel(path.map { entry.path($0, forScriptIn: folder) }, stamp: entry.modelStamp, to: &header, notes: &notes)
            case .pairsFile(let path):
                if let hash = entry.dataHash {
                    header.dataFiles.append(.init(path: entry.path(path, forScriptIn: folder), hash: hash))
                }
            default:
                break
            }
        }

        var lines = [
            "# ptune session script, recorded by ptune \(PTuneVersion.current). Replay: ptune run \(name)",
            "# 'ptune run' compares the replay-check lines below with what it finds and warns before",
            "# running about anything that would change the numbers (model, data, threads).",
        ]
        lines += header.lines
        lines += notes.map { "# \($0)" }
        lines.append("")
        return (lines + body).joined(separator: "\n") + "\n"
    }

    private func addModel(_ path: String?, stamp: FileStamp?, to header: inout ReplayHeader, notes: inout [String]) {
        guard let stamp else { return }
        guard FileStamp(path: stamp.path) == stamp, let hash = try? modelHash(for: stamp) else {
            notes.append("The model file \(stamp.path) changed after it was loaded; its hash is not recorded.")
            return
        }
        let model = ReplayHeader.Model(path: path, sha256: hash)
        if header.models.last != model { header.models.append(model) }
    }

    private func relativePath(_ path: String, from base: String, to folder: String) -> String {
        if path.hasPrefix("~") { return path }
        return ScriptPaths.relative(ScriptPaths.absolute(path, base: base), from: URL(fileURLWithPath: folder).standardized.path)
    }
}

// MARK: - Writing files

enum ScriptFile {
    /// Writes `text` to `path` atomically (see `AtomicFile`): a reader never sees half a file and a
    /// crash right after loses nothing; a failure keeps the old file.
    static func writeAtomically(_ text: String, to path: String) throws {
        do {
            try AtomicFile.write(text, to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
