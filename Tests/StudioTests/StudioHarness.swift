import Foundation
import PTuneTestSupport
import Studio

/// A session with captured output, for driving the interpreter the way `ptune -e` does.
final class StudioHarness {
    let session: Session
    let interpreter: Interpreter
    private let captured = Captured()

    private final class Captured: @unchecked Sendable {
        var out = ""
        var err = ""
    }

    init(mode: Console.Mode = .json, directory: String = NSTemporaryDirectory()) {
        session = Session(baseDirectory: directory)
        let box = captured
        interpreter = Interpreter(session: session, console: Console(mode: mode, color: false,
                                                                     out: { box.out += $0 }, err: { box.err += $0 }))
    }

    /// Runs text; returns the JSON objects it printed (JSON mode) and the outcome.
    @discardableResult
    func run(_ text: String) -> (objects: [[String: Any]], outcome: Interpreter.Outcome) {
        let start = captured.out.endIndex
        let outcome = interpreter.run(text)
        let printed = String(captured.out[start...])
        let objects = printed.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        return (objects, outcome)
    }

    /// Everything printed to stdout so far.
    var stdout: String { captured.out }
    /// Everything printed to stderr so far.
    var stderr: String { captured.err }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ptune-studio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A tiny random-weight model file (GPT-2 byte vocabulary), written once per test process.
    static let tinyModelPath: String = {
        let path = NSTemporaryDirectory() + "ptune-tiny-\(ProcessInfo.processInfo.processIdentifier).gguf"
        try! TinyModel.writeGGUF(to: path)
        return path
    }()
}
