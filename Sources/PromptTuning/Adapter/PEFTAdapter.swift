import AtomicFiles
import Foundation
import LanguageModel

// Dimension letters: N = virtual tokens, C = token_dim.

/// A prompt read back from an adapter directory.
public struct LoadedAdapter: Sendable {
    /// The prompt vector (N, C).
    public var prompt: PromptVector
    /// The adapter's config.
    public var config: AdapterConfig
    /// ptune's resume state, when the directory has one (adapters saved by PEFT do not).
    public var state: PTuneState?
}

/// Saves and loads prompts in HF PEFT's on-disk format, so the same directory works with
/// `PeftModel.from_pretrained`: `adapter_config.json`, `adapter_model.safetensors` holding one
/// F32 tensor `prompt_embeddings` (N, C), plus ptune's own `ptune_state.json`.
public enum PEFTAdapter {
    /// File names inside an adapter directory.
    public static let configFile = "adapter_config.json"
    /// The weights file.
    public static let weightsFile = "adapter_model.safetensors"
    /// ptune's resume state.
    public static let stateFile = "ptune_state.json"
    /// The tensor key PEFT uses for a prompt-tuning adapter.
    public static let tensorName = "prompt_embeddings"

    /// Writes the three files into `directory` (created if needed), each atomically.
    public static func save(prompt: PromptVector, config: AdapterConfig, state: PTuneState?, to directory: URL) throws(AdapterError) {
        guard config.numVirtualTokens == prompt.rows, config.tokenDim == prompt.width else {
            throw .shapeMismatch(path: directory.path, expected: "[\(config.numVirtualTokens), \(config.tokenDim)]",
                                 found: "[\(prompt.rows), \(prompt.width)]")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .write(path: directory.path, reason: (error as NSError).localizedDescription)
        }
        let weights: Data
        do {
            weights = try SafetensorsWriter.data(
                tensors: [SafetensorsTensor(name: tensorName, shape: [prompt.rows, prompt.width], values: prompt.values)],
                metadata: ["format": "pt"])
        } catch {
            throw .weights(path: directory.appendingPathComponent(weightsFile).path, reason: error.description)
        }
        // All three are written and flushed before any replaces its old file: a full disk or a
        // read-only folder leaves the old adapter whole, and a kill can only fall in the renames.
        var files: [(bytes: Data, url: URL)] = [
            (weights, directory.appendingPathComponent(weightsFile)),
            (try json(config, file: configFile, in: directory), directory.appendingPathComponent(configFile)),
        ]
        if let state { files.append((try json(state, file: stateFile, in: directory), directory.appendingPathComponent(stateFile))) }
        do {
            try AtomicFile.writeAll(files)
        } catch {
            throw .file(error)
        }
    }

    /// Reads an adapter directory and checks it fits a model of width `expectedTokenDim`.
    public static func load(from directory: URL, expectedTokenDim: Int) throws(AdapterError) -> LoadedAdapter {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(path: directory.path)
        }
        let configURL = directory.appendingPathComponent(configFile)
        guard manager.fileExists(atPath: configURL.path) else { throw .missingFile(path: configURL.path) }
        let config: AdapterConfig = try decode(configURL)
        guard config.peftType == AdapterConfig.promptTuning else {
            throw .wrongPEFTType(path: configURL.path, found: config.peftType)
        }
        guard config.tokenDim == expectedTokenDim else {
            throw .tokenDimMismatch(path: configURL.path, model: expectedTokenDim, adapter: config.tokenDim)
        }
        let submodules = config.numTransformerSubmodules ?? 1
        guard submodules == 1 else { throw .submodules(path: configURL.path, found: submodules) }

        let weightsURL = directory.appendingPathComponent(weightsFile)
        guard manager.fileExists(atPath: weightsURL.path) else {
            let bin = directory.appendingPathComponent("adapter_model.bin")
            throw manager.fileExists(atPath: bin.path) ? .pickleWeights(path: bin.path) : .missingFile(path: weightsURL.path)
        }
        let values: [Float]
        do {
            let file = try SafetensorsFile(contentsOf: weightsURL)
            guard let info = file.tensor(named: tensorName) else {
                throw AdapterError.weights(path: weightsURL.path, reason: SafetensorsError.missingTensor(name: tensorName, available: file.tensors.map(\.name)).description)
            }
            let expected = [config.numVirtualTokens, config.tokenDim]
            guard info.shape == expected else {
                throw AdapterError.shapeMismatch(path: weightsURL.path, expected: "\(expected)", found: "\(info.shape)")
            }
            values = try file.floats(tensorName)
        } catch let error as AdapterError {
            throw error
        } catch let error as SafetensorsError {
            throw .weights(path: weightsURL.path, reason: error.description)
        } catch {
            throw .weights(path: weightsURL.path, reason: "\(error)")
        }

        let stateURL = directory.appendingPathComponent(stateFile)
        let state: PTuneState? = manager.fileExists(atPath: stateURL.path) ? try decode(stateURL) : nil
        var description = "loaded from \(directory.lastPathComponent)"
        if let kind = config.promptTuningInit {
            description += " (PEFT init \(kind)" + (config.promptTuningInitText.map { " \"\($0)\"" } ?? "") + ")"
        }
        let prompt = PromptVector(rows: config.numVirtualTokens, width: config.tokenDim, values: values,
                                  sourceTokenIDs: state?.sourceTokenIDs ?? [], initDescription: state?.initDescription ?? description)
        return LoadedAdapter(prompt: prompt, config: config, state: state)
    }

    // MARK: - JSON

    private static func json(_ value: some Encodable, file: String, in directory: URL) throws(AdapterError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value) + Data("\n".utf8)
        } catch {
            throw .write(path: directory.appendingPathComponent(file).path, reason: "\(error)")
        }
    }

    private static func decode<T: Decodable>(_ url: URL) throws(AdapterError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch let DecodingError.keyNotFound(key, _) {
            throw .invalidJSON(path: url.path, reason: "missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidJSON(path: url.path, reason: "wrong type at \"\(key)\"")
        } catch {
            throw .invalidJSON(path: url.path, reason: "not valid JSON")
        }
    }
}

/// Why an adapter could not be saved or loaded.
public enum AdapterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The adapter directory does not exist.
    case missingDirectory(path: String)
    /// A required file is missing.
    case missingFile(path: String)
    /// Only PyTorch pickle weights are present.
    case pickleWeights(path: String)
    /// A JSON file is malformed.
    case invalidJSON(path: String, reason: String)
    /// The adapter is not prompt tuning.
    case wrongPEFTType(path: String, found: String)
    /// The adapter was tuned for a model of another width.
    case tokenDimMismatch(path: String, model: Int, adapter: Int)
    /// An encoder-decoder adapter (more than one transformer submodule).
    case submodules(path: String, found: Int)
    /// The prompt tensor's shape disagrees with the config.
    case shapeMismatch(path: String, expected: String, found: String)
    /// The safetensors file is invalid.
    case weights(path: String, reason: String)
    /// A file could not be written.
    case write(path: String, reason: String)
    /// A file could not be replaced; the old one is kept.
    case file(AtomicWriteError)

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .missingDirectory(path): return "\(path): expected an adapter directory, found nothing there"
        case let .missingFile(path): return "\(path): expected this file in the adapter directory, found none"
        case let .pickleWeights(path):
            return "\(path): expected adapter_model.safetensors, found only PyTorch pickle weights (save with safe_serialization=True)"
        case let .invalidJSON(path, reason): return "\(path): expected an adapter JSON file, found \(reason)"
        case let .wrongPEFTType(path, found): return "\(path): expected peft_type PROMPT_TUNING, found \(found)"
        case let .tokenDimMismatch(path, model, adapter):
            return "\(path): expected token_dim \(model) (the loaded model's width), found \(adapter)"
        case let .submodules(path, found):
            return "\(path): expected num_transformer_submodules 1 (decoder-only), found \(found)"
        case let .shapeMismatch(path, expected, found): return "\(path): expected prompt shape \(expected), found \(found)"
        case let .weights(path, reason): return "\(path): \(reason)"
        case let .write(path, reason): return "\(path): cannot write (\(reason))"
        case let .file(error): return error.description
        }
    }
}
