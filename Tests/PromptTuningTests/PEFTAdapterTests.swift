import Foundation
import Numerics
import Testing
import LanguageModel
@testable import PromptTuning
import AtomicFiles

/// A fresh, empty temporary directory; removed by the caller.
private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-adapter-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The error `load` throws, or nil.
private func loadError(_ directory: URL, width: Int) -> AdapterError? {
    do {
        _ = try PEFTAdapter.load(from: directory, expectedTokenDim: width)
        return nil
    } catch {
        return error
    }
}

@Suite("PEFT adapter")
struct PEFTAdapterTests {
    static let config = AdapterConfig(numVirtualTokens: 4, tokenDim: 6, numAttentionHeads: 9, numLayers: 30,
                                      promptTuningInit: "TEXT", promptTuningInitText: "Classify this:",
                                      baseModelNameOrPath: "SmolLM2-135M-Instruct.Q4_1.gguf")

    /// A prompt with awkward floats, and a state after a few Adam steps on random gradients.
    static func sample() throws -> (PromptVector, PTuneState) {
        var rng = SeededRNG(seed: 42)
        let values = (0..<24).map { _ in (rng.nextFloat() - 0.5) * Float(1 << (rng.nextInt(below: 20))) / 1000 }
        let prompt = PromptVector(rows: 4, width: 6, values: values, sourceTokenIDs: [5, 6, 7, 5], initDescription: "text \"Classify this:\"")
        let settings = TrainingSettings(batchSize: 4, seed: 3)
        var training = TrainingState(settings: settings)
        var p = values
        for _ in 0..<3 {
            let g = (0..<24).map { _ in rng.nextFloat() * 1e-3 - 5e-4 }
            training.optimizer.step(parameters: &p, gradient: g, rows: 4, columns: 6)
        }
        training.lossHistory = [LossRecord(step: 1, loss: 6.4196029), LossRecord(step: 2, loss: 0.1 + 1e-7)]
        training.step = 3
        training.shuffleRNG.shuffle(&training.order)
        let state = PTuneState(training: training, settings: settings, dataHash: "fnv1a64:0123456789abcdef",
                               sourceTokenIDs: prompt.sourceTokenIDs, initDescription: prompt.initDescription)
        return (prompt, state)
    }

    @Test func saveThenLoadIsExact() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (prompt, state) = try Self.sample()
        let target = directory.appendingPathComponent("sentiment")
        try PEFTAdapter.save(prompt: prompt, config: Self.config, state: state, to: target)
        let loaded = try PEFTAdapter.load(from: target, expectedTokenDim: 6)
        #expect(loaded.prompt.values.map(\.bitPattern) == prompt.values.map(\.bitPattern))
        #expect(loaded.prompt == prompt)
        #expect(loaded.config == Self.config)
        #expect(loaded.state == state, "optimizer moments and history must survive JSON exactly")
        // Only the three files; no temporary files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(names == ["adapter_config.json", "adapter_model.safetensors", "ptune_state.json"])
        // Saving again over the files works.
        try PEFTAdapter.save(prompt: prompt, config: Self.config, state: nil, to: target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).count == 3)
    }

    @Test func filesHavePEFTsLayout() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (prompt, _) = try Self.sample()
        try PEFTAdapter.save(prompt: prompt, config: Self.config, state: nil, to: directory)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("adapter_config.json"))) as! [String: Any]
        #expect(json["peft_type"] as? String == "PROMPT_TUNING")
        #expect(json["task_type"] as? String == "CAUSAL_LM")
        #expect(json["num_virtual_tokens"] as? Int == 4 && json["token_dim"] as? Int == 6)
        #expect(json["num_transformer_submodules"] as? Int == 1)
        #expect(json["num_attention_heads"] as? Int == 9 && json["num_layers"] as? Int == 30)
        #expect(json["prompt_tuning_init"] as? String == "TEXT")
        #expect(json["prompt_tuning_init_text"] as? String == "Classify this:")
        #expect(json["inference_mode"] as? Bool == true)
        #expect(json["base_model_name_or_path"] as? String == "SmolLM2-135M-Instruct.Q4_1.gguf")
        let weights = try SafetensorsFile(contentsOf: directory.appendingPathComponent("adapter_model.safetensors"))
        #expect(weights.tensors.map(\.name) == ["prompt_embeddings"])
        #expect(weights.tensors[0].shape == [4, 6] && weights.tensors[0].dtype == .f32)
        // Adapters written by PEFT have no ptune_state.json: they load without a state.
        let loaded = try PEFTAdapter.load(from: directory, expectedTokenDim: 6)
        #expect(loaded.state == nil)
        #expect(loaded.prompt.initDescription.contains("PEFT init TEXT \"Classify this:\""))
    }

    @Test func peftWrittenConfigWithExtraKeysLoads() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
        {"auto_mapping": null, "base_model_name_or_path": "HuggingFaceTB/SmolLM2-135M-Instruct", "inference_mode": true,
         "num_attention_heads": 9, "num_layers": 30, "num_transformer_submodules": 1, "num_virtual_tokens": 1,
         "peft_type": "PROMPT_TUNING", "prompt_tuning_init": "RANDOM", "prompt_tuning_init_text": null,
         "revision": null, "task_type": "CAUSAL_LM", "token_dim": 2, "tokenizer_kwargs": null, "tokenizer_name_or_path": null}
        """
        try Data(config.utf8).write(to: directory.appendingPathComponent("adapter_config.json"))
        try SafetensorsWriter.data(tensors: [SafetensorsTensor(name: "prompt_embeddings", shape: [1, 2], values: [0.5, -1])])
            .write(to: directory.appendingPathComponent("adapter_model.safetensors"))
        let loaded = try PEFTAdapter.load(from: directory, expectedTokenDim: 2)
        #expect(loaded.prompt.values == [0.5, -1] && loaded.config.promptTuningInit == "RANDOM")
    }

    @Test func loadErrorsAreClear() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nope")
        #expect(loadError(missing, width: 6) == .missingDirectory(path: missing.path))
        let configPath = directory.appendingPathComponent("adapter_config.json").path
        #expect(loadError(directory, width: 6) == .missingFile(path: configPath))

        let (prompt, _) = try Self.sample()
        try PEFTAdapter.save(prompt: prompt, config: Self.config, state: nil, to: directory)
        let mismatch = loadError(directory, width: 576)
        #expect(mismatch == .tokenDimMismatch(path: configPath, model: 576, adapter: 6))
        #expect(mismatch?.description.hasSuffix("expected token_dim 576 (the loaded model's width), found 6") == true)

        var lora = Self.config
        lora.peftType = "LORA"
        try JSONEncoder().encode(lora).write(to: URL(fileURLWithPath: configPath))
        #expect(loadError(directory, width: 6) == .wrongPEFTType(path: configPath, found: "LORA"))

        var wrongShape = Self.config
        wrongShape.numVirtualTokens = 5
        try JSONEncoder().encode(wrongShape).write(to: URL(fileURLWithPath: configPath))
        let weightsPath = directory.appendingPathComponent("adapter_model.safetensors").path
        #expect(loadError(directory, width: 6) == .shapeMismatch(path: weightsPath, expected: "[5, 6]", found: "[4, 6]"))

        try JSONEncoder().encode(Self.config).write(to: URL(fileURLWithPath: configPath))
        try FileManager.default.moveItem(atPath: weightsPath, toPath: directory.appendingPathComponent("adapter_model.bin").path)
        #expect(loadError(directory, width: 6) == .pickleWeights(path: directory.appendingPathComponent("adapter_model.bin").path))

        try Data("{\"peft_type\": \"PROMPT_TUNING\"}".utf8).write(to: URL(fileURLWithPath: configPath))
        #expect(loadError(directory, width: 6) == .invalidJSON(path: configPath, reason: "missing key \"num_virtual_tokens\""))
    }

    @Test func saveRefusesAConfigThatDisagreesWithThePrompt() throws {
        let (prompt, _) = try Self.sample()
        var config = Self.config
        config.tokenDim = 7
        #expect(throws: AdapterError.shapeMismatch(path: "/tmp/x", expected: "[4, 7]", found: "[4, 6]")) {
            try PEFTAdapter.save(prompt: prompt, config: config, state: nil, to: URL(fileURLWithPath: "/tmp/x"))
        }
    }

    @Test func atomicWriteReplacesContent() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("f.json")
        try AtomicFile.write(Data("old".utf8), to: file)
        try AtomicFile.write(Data("new".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["f.json"])
        let unwritable = directory.appendingPathComponent("no/such/dir/f.json")
        #expect(throws: AtomicWriteError.self) { try AtomicFile.write(Data(), to: unwritable) }
    }
}
