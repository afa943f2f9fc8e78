import Foundation
import Testing
import Studio

/// The command language end to end on a tiny random model: output contract, errors with
/// locations, and a session left unchanged by every failure.
@Suite("Interpreter")
struct InterpreterTests {
    let model = StudioHarness.tinyModelPath

    @Test("load, tokens, next and ask print the output contract's fields")
    func contract() throws {
        let h = StudioHarness()
        let (objects, outcome) = h.run("""
            load "\(model)"
            tokens "hello"
            next "hello" 3
            set verbalizer "{{input}}"
            set max_output_tokens 4
            ask "hi"
            """)
        #expect(outcome.ok, "stderr: \(h.stderr)")
        #expect(objects.map { $0["command"] as? String } == ["load", "tokens", "next", "set", "set", "ask"])
        #expect(objects.allSatisfy { $0["ok"] as? Bool == true })
        let modelInfo = try #require(objects[0]["model"] as? [String: Any])
        for key in ["architecture", "layers", "embedding", "heads", "kv_heads", "vocab", "parameters"] {
            #expect(modelInfo[key] != nil, "load.model.\(key)")
        }
        #expect(modelInfo["layers"] as? Int == 2)
        let ids = try #require(objects[1]["ids"] as? [Int])
        let pieces = try #require(objects[1]["pieces"] as? [String])
        #expect(!ids.isEmpty && ids.count == pieces.count)
        let top = try #require(objects[2]["top"] as? [[String: Any]])
        #expect(top.count == 3)
        let logprobs = top.compactMap { $0["logprob"] as? Double }
        #expect(logprobs == logprobs.sorted(by: >), "best first")
        #expect(logprobs.allSatisfy { $0 <= 0 })
        let ask = objects[5]
        #expect(ask["text"] is String)
        let timing = try #require(ask["timing"] as? [String: Any])
        for key in ["prompt_tokens", "prefill_ms", "generated_tokens", "decode_ms"] { #expect(timing[key] != nil) }
        #expect((ask["ids"] as? [Int])?.count ?? 0 <= 4)
    }

    @Test("a command that needs a model fails with its location; later commands still run")
    func failureKeepsGoing() throws {
        let h = StudioHarness()
        // The checker only requires `load` before `ask` in the same text; a REPL line after a
        // failed load gets past it, so drive the run-time failure through a missing model file.
        let (objects, outcome) = h.run("load \"missing.gguf\"\nset seed 7\nask \"x\"")
        #expect(!outcome.ok)
        let first = objects[0]
        #expect(first["command"] as? String == "load")
        #expect(first["ok"] as? Bool == false)
        let error = try #require(first["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("does not exist") == true)
        #expect(error["line"] as? Int == 1 && error["column"] as? Int == 1)
        #expect(objects[1]["ok"] as? Bool == true, "set still ran")
        let askError = try #require(objects[2]["error"] as? [String: Any])
        #expect(askError["line"] as? Int == 3)
        #expect((askError["message"] as? String)?.contains("no model is loaded") == true)
        #expect(h.session.model == nil)
    }

    @Test("checking errors stop the whole text before anything runs")
    func rejectedBeforeRunning() {
        let h = StudioHarness()
        let (objects, outcome) = h.run("set seed 3\ntrian 5\nset top_k 0")
        #expect(outcome.rejected)
        #expect(h.session.settings.int("seed") != 3, "nothing ran")
        let messages = objects.compactMap { ($0["error"] as? [String: Any])?["message"] as? String }
        #expect(messages.contains { $0.contains("trian") })
        #expect(objects.count == 2, "both independent errors reported: \(objects)")
    }

    @Test("broken model files give one clear error and leave the loaded model in place")
    func brokenModelFiles() throws {
        let dir = try StudioHarness.temporaryDirectory()
        let good = try Data(contentsOf: URL(fileURLWithPath: model))
        try Data("not a model at all".utf8).write(to: URL(fileURLWithPath: dir + "/text.gguf"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: dir + "/half.gguf"))
        try good.prefix(10).write(to: URL(fileURLWithPath: dir + "/header.gguf"))
        let h = StudioHarness(directory: dir)
        h.run("load \"\(model)\"")
        let loaded = try #require(h.session.model)
        for (file, fragment) in [("text.gguf", "magic"), ("half.gguf", ""), ("header.gguf", "")] {
            let (objects, _) = h.run("load \"\(file)\"")
            let error = try #require(objects.first?["error"] as? [String: Any], "\(file)")
            let message = try #require(error["message"] as? String)
            #expect(!message.isEmpty && !message.contains("\n"), "\(file): \(message)")
            if !fragment.isEmpty { #expect(message.contains(fragment), "\(file): \(message)") }
            #expect(h.session.model === loaded, "the old model stays after \(file)")
        }
    }

    @Test("an out-of-range setting is an error and the setting keeps its value")
    func settingRange() {
        let h = StudioHarness()
        let before = h.session.settings.float("learning_rate")
        let (objects, outcome) = h.run("set learning_rate 20")
        #expect(outcome.rejected)
        #expect(h.session.settings.float("learning_rate") == before)
        #expect(objects.first?["ok"] as? Bool == false)
    }

    @Test("an unterminated string is reported with its position")
    func unterminatedString() throws {
        let h = StudioHarness()
        let (objects, _) = h.run("tokens \"abc")
        let error = try #require(objects.first?["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("unterminated") == true)
        #expect(error["column"] as? Int == 8)
    }
}
