import Foundation
import PTScript
import PromptTuning

// MARK: - Running a script file command by command
//
// `ptune run` with `--until`, `--repl` and `--step` needs to stop between commands, so it drives
// the same check-then-execute steps `run(text)` uses, one command at a time.

extension Interpreter {
    /// Makes `path` the script being run at the top level: relative paths in it (and in a REPL
    /// opened from it) resolve against its folder, and a `run` of it from inside is a cycle.
    public func beginScript(at path: String) {
        let canonical = URL(fileURLWithPath: ScriptPaths.absolute(path, base: FileManager.default.currentDirectoryPath))
            .resolvingSymlinksInPath().path
        session.baseDirectory = URL(fileURLWithPath: canonical).deletingLastPathComponent().path
        session.scripting.running = [RunningScript(path: canonical, nested: false)]
    }

    /// Parses and checks a script against the session as it stands (as `run` does).
    public func checkScript(_ text: String, name: String) -> CheckedScript {
        Checker.check(text, name: name, context: checkContext(fileChecks: false))
    }

    /// Prints a checked script's diagnostics; false when it has errors (then nothing should run).
    @discardableResult
    public func reportDiagnostics(of checked: CheckedScript) -> Bool {
        report(checked.diagnostics.filter { $0.severity != .error }, in: checked.script)
        guard checked.hasErrors else { return true }
        report(checked.diagnostics.filter { $0.severity == .error }, in: checked.script)
        return false
    }

    /// Runs one command of a checked script and prints its result.
    public func execute(_ command: CommandStatement, of checked: CheckedScript) -> Outcome {
        var outcome = Outcome()
        if execute(command, in: checked.script.source, outcome: &outcome) { outcome.succeeded = 1 } else { outcome.failed = 1 }
        return outcome
    }

    // MARK: - Checking a replay

    /// What would make a replay of `text` (a script at `path`) give other numbers than its
    /// recording: a different model file, changed or missing data, another thread count or version.
    /// One plain sentence per difference; empty when everything matches or the script has no header.
    public func replayWarnings(for checked: CheckedScript, scriptAt path: String) -> [String] {
        let header = ReplayHeader.parse(checked.script.source.text)
        let folder = URL(fileURLWithPath: ScriptPaths.absolute(path, base: FileManager.default.currentDirectoryPath))
            .deletingLastPathComponent().path
        var warnings: [String] = []
        if let version = header.version, version != PTuneVersion.current {
            warnings.append("recorded with ptune \(version), this is ptune \(PTuneVersion.current): defaults or arithmetic may differ")
        }
        for model in header.models {
            let file = model.path.map { ScriptPaths.absolute($0, base: folder) } ?? ModelCache.defaultModelPath
            let shown = model.path ?? "the default model (\(ModelCache.defaultModelFile))"
            guard let stamp = FileStamp(path: file) else {
                warnings.append("model \(shown) is not at \(file); the script's 'load' will fail")
                continue
            }
            guard let hash = try? session.modelHash(for: stamp) else { continue }
            if hash != model.sha256 {
                warnings.append("model \(shown) is not the file that was recorded "
                    + "(sha256 \(model.sha256.prefix(12))… then, \(hash.prefix(12))… now): every number will differ")
            }
        }
        for data in header.dataFiles {
            let file = ScriptPaths.absolute(data.path, base: folder)
            guard FileManager.default.fileExists(atPath: file) else {
                warnings.append("data file '\(data.path)' is missing; the script's 'pairs' will fail")
                continue
            }
            guard let read = try? PairReader.read(contentsOf: URL(fileURLWithPath: file), name: data.path) else {
                warnings.append("data file '\(data.path)' can no longer be read as pairs")
                continue
            }
            let hash = PairSet(read).contentHash
            if hash != data.hash {
                warnings.append("data file '\(data.path)' changed since it was recorded "
                    + "(\(data.hash) then, \(hash) now): losses and answers will differ")
            }
        }
        if let recorded = header.threads {
            let replay = plannedThreads(checked)
            if replay != recorded {
                warnings.append("recorded with \(recorded) thread\(recorded == 1 ? "" : "s"), this replay uses \(replay): "
                    + "sums may round differently (put 'set threads \(recorded)' at the top to match)")
            }
        }
        return warnings
    }

    /// The thread count the script's training will use: its first `set threads`, else the session's.
    private func plannedThreads(_ checked: CheckedScript) -> Int {
        for command in checked.commands {
            if case .set(let spec, let value) = command.command, spec.name == "threads", case .integer(let n) = value {
                return n > 0 ? n : ProcessInfo.processInfo.activeProcessorCount
            }
        }
        return session.effectiveThreads
    }
}

extension Interpreter.Outcome {
    /// An outcome in which nothing ran yet.
    public static var nothingRan: Self { Self() }

    /// Adds the counts and flags of a later part of the same run.
    public mutating func add(_ other: Self) {
        succeeded += other.succeeded
        failed += other.failed
        rejected = rejected || other.rejected
        quit = quit || other.quit
    }
}
