// Shared pieces of the fault tests: running the built `ptune` (or a shell around it) with a
// chosen environment, fresh folders, and reading back an adapter directory completely.
import Foundation
import PromptTuning
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FaultSupport {
    /// What a finished child process printed.
    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments` in `directory`, PTUNE_HOME pointing into it, plus `environment`.
    static func run(_ executable: String, _ arguments: [String], directory: String,
                    environment: [String: String] = [:]) throws -> Finished {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["PTUNE_HOME"] = directory + "/.ptune-home"
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe(), error = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Drain both pipes while it runs, so a chatty child never blocks on a full pipe.
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = error.fileHandleForReading.readDataToEndOfFile() }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                        stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    /// Bytes handed from the reader thread to the caller (written once, read after `group.wait()`).
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    /// The JSON objects of a `--json` run's stdout.
    static func objects(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The error object of the first failed command.
    static func firstError(_ objects: [[String: Any]]) -> [String: Any]? {
        objects.first { $0["ok"] as? Bool == false }?["error"] as? [String: Any]
    }

    /// A fresh folder under the temporary directory.
    static func folder(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "ptune-fault-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every file of `directory` (name → bytes), dot files included.
    static func snapshot(_ directory: String) -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var files: [String: Data] = [:]
        for name in names { files[name] = FileManager.default.contents(atPath: directory + "/" + name) }
        return files
    }

    /// Names in `directory` that look like an atomic writer's temporary files.
    static func temporaries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains(".tmp-") }.sorted()
    }

    /// Reads an adapter completely (weights parsed, shape checked, state decoded); the error text otherwise.
    static func readAdapter(_ directory: String, width: Int) -> Result<LoadedAdapter, AdapterError> {
        Result { () throws(AdapterError) -> LoadedAdapter in
            try PEFTAdapter.load(from: URL(fileURLWithPath: directory), expectedTokenDim: width)
        }
    }
}
