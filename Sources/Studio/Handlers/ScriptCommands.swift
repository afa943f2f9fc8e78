import Foundation
import PTScript

// MARK: - record, history, run

extension Interpreter {
    /// `record "file"`: from now on every executed command is written to the file as it runs.
    func record(_ path: String) throws -> CommandOutcome {
        let full = ScriptPaths.absolute(path, base: session.baseDirectory)
        let previous = session.scripting.recorder
        let recorder = Recorder(path: full, startIndex: session.scripting.history.count,
                                preamble: session.preambleForRecording())
        try ScriptFile.writeAtomically(session.scriptText(for: [], preamble: recorder.preamble, path: full), to: full)
        session.scripting.recorder = recorder
        for note in recorder.preamble.notes { console.note("note: " + note) }
        var human = "recording to \(path): each command is written as it runs (failed ones as comments); 'record stop' ends"
        if let previous, previous.path != full { human = "stopped recording to \(previous.path)\n" + human }
        return CommandOutcome(human: human, fields: [("path", .string(full))])
    }

    /// `record stop`.
    func recordStop() throws -> CommandOutcome {
        guard let recorder = session.scripting.recorder else {
            throw CommandFailure("nothing is being recorded; start with record \"session.ptscript\"")
        }
        try writeRecording(recorder)
        session.scripting.recorder = nil
        let count = session.scripting.history.count - recorder.startIndex
        return CommandOutcome(human: "stopped recording: \(count) command\(count == 1 ? "" : "s") in \(recorder.path)",
                              fields: [("path", .string(recorder.path)), ("commands", .int(count))])
    }

    /// `history`: the commands of this session, failed ones marked.
    func historyList() -> CommandOutcome {
        let entries = session.scripting.history
        guard !entries.isEmpty else { return CommandOutcome(human: "no commands yet", fields: [("commands", .array([]))]) }
        let width = String(entries.count).count
        var lines: [String] = []
        var json: [JSONValue] = []
        for (index, entry) in entries.enumerated() {
            let number = String(index + 1).padding(toLength: width, withPad: " ", startingAt: 0)
            let mark = entry.succeeded ? " " : "✗"
            let text = entry.text.replacingOccurrences(of: "\n", with: "↵")
            let from = entry.origin.map { "   (from \(URL(fileURLWithPath: $0).lastPathComponent))" } ?? ""
            lines.append("\(number) \(mark) \(text)\(from)")
            json.append(.object([("text", .string(entry.text)), ("ok", .bool(entry.succeeded)),
                                 ("origin", entry.origin.map { .string($0) } ?? .null)]))
        }
        lines.append("(✗ = failed; 'history save \"file.ptscript\"' writes these as a script)")
        return CommandOutcome(human: lines.joined(separator: "\n"), fields: [("commands", .array(json))])
    }

    /// `history save "file"`: the whole session so far as a replayable script.
    func historySave(_ path: String) throws -> CommandOutcome {
        let full = ScriptPaths.absolute(path, base: session.baseDirectory)
        let entries = session.scripting.history
        let text = session.scriptText(for: entries[...], preamble: .fresh(baseDirectory: session.baseDirectory), path: full)
        try ScriptFile.writeAtomically(text, to: full)
        return CommandOutcome(human: "wrote \(entries.count) command\(entries.count == 1 ? "" : "s") to \(path)",
                              fields: [("path", .string(full)), ("commands", .int(entries.count))])
    }

    /// `run "file"`: the script's commands run in this session, its relative paths resolved against
    /// its own folder; a script that is already running (directly or through others) is a cycle.
    func runScript(_ path: String) throws -> CommandOutcome {
        let full = ScriptPaths.absolute(path, base: session.baseDirectory)
        let canonical = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
        let running = session.scripting.running
        if running.contains(where: { $0.path == canonical }) {
            let chain = (running.map(\.path) + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }
            throw CommandFailure("'\(path)' is already running (\(chain.joined(separator: " → "))); a script cannot run itself")
        }
        guard running.count < ScriptingState.maximumDepth else {
            throw CommandFailure("scripts are nested more than \(ScriptingState.maximumDepth) deep; 'run \"\(path)\"' would go one deeper")
        }
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: full) ? "is not readable UTF-8 text" : "does not exist"
            throw CommandFailure("script '\(path)' \(reason)")
        }
        let outcome = withScript(at: canonical, nested: true) { run(text, name: Self.displayName(full)) }
        if outcome.rejected { throw CommandFailure("'\(path)' has errors (shown above); nothing in it ran") }
        if outcome.failed > 0 {
            throw CommandFailure("\(outcome.failed) of \(outcome.failed + outcome.succeeded) commands in '\(path)' failed")
        }
        return CommandOutcome(human: "ran \(outcome.succeeded) command\(outcome.succeeded == 1 ? "" : "s") from \(path)",
                              fields: [("path", .string(full)), ("commands", .int(outcome.succeeded))])
    }

    /// Runs `body` with a script on the running stack and the base directory at its folder.
    func withScript<T>(at canonicalPath: String, nested: Bool, _ body: () -> T) -> T {
        let savedBase = session.baseDirectory
        session.baseDirectory = URL(fileURLWithPath: canonicalPath).deletingLastPathComponent().path
        session.scripting.running.append(RunningScript(path: canonicalPath, nested: nested))
        defer {
            session.scripting.running.removeLast()
            session.baseDirectory = savedBase
        }
        return body()
    }

    /// A path as diagnostics name it: relative to the working directory when inside it.
    static func displayName(_ absolute: String) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardized.path
        let relative = ScriptPaths.relative(absolute, from: cwd)
        return relative.hasPrefix("..") ? absolute : relative
    }

    // MARK: - Keeping the history

    /// Called by `execute` after each command: keeps it in the session's history (the commands that
    /// manage scripts themselves are not kept) and, while recording, rewrites the script file.
    func noteExecuted(_ statement: CommandStatement, in source: SourceFile, failure: String?) {
        switch statement.command {
        case .record, .recordStop, .history, .historySave, .run, .quit: return
        default: break
        }
        var dataHash: String?
        var stamp: FileStamp?
        if failure == nil {
            switch statement.command {
            case .pairsFile(let path): dataHash = session.tuning.dataFiles[path]
            case .load: stamp = session.model.flatMap { FileStamp(path: $0.path) }
            default: break
            }
        }
        session.scripting.history.append(HistoryEntry(
            text: source.text(in: statement.range), statement: statement, sourceOffset: statement.range.start.utf8Offset,
            baseDirectory: session.baseDirectory, failure: failure, origin: session.scripting.nestedOrigin,
            dataHash: dataHash, modelStamp: stamp))
        if let recorder = session.scripting.recorder {
            do {
                try writeRecording(recorder)
            } catch {
                console.note("warning: the recording could not be written: \(CommandFailure(error).message)")
            }
        }
    }

    private func writeRecording(_ recorder: Recorder) throws {
        let entries = session.scripting.history[recorder.startIndex...]
        try ScriptFile.writeAtomically(session.scriptText(for: entries, preamble: recorder.preamble, path: recorder.path),
                                       to: recorder.path)
    }
}
