import Foundation
import FuzzSupport
import LanguageModel
import PromptTuning

// MARK: - Adapter fuzz target
//
// Arbitrary bytes as a PEFT prompt-tuning adapter directory. Input layout (little-endian):
//   bytes 0..<2  config length C     bytes 2..<4  state length S (0xFFFF: no ptune_state.json)
//   then C bytes of adapter_config.json, S bytes of ptune_state.json, and the rest as
//   adapter_model.safetensors.
// Lengths past the end are clamped, so every input is some directory. The safetensors part is
// first parsed in memory (`SafetensorsFile(data:)`, widening every tensor), then the three files
// are written to a scratch folder and loaded through `PEFTAdapter.load`, the path `load adapter`
// takes. Property: a loaded prompt has exactly the rows × width values its config declares.

let scratch = ScratchFolder(name: "adapter")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard bytes.count >= 4 else { return 0 }
    let configLength = Int(bytes[0]) | Int(bytes[1]) << 8
    let stateField = Int(bytes[2]) | Int(bytes[3]) << 8
    var rest = bytes[4...]
    let config = rest.prefix(configLength)
    rest = rest.dropFirst(config.count)
    let state = stateField == 0xFFFF ? nil : rest.prefix(stateField)
    rest = rest.dropFirst(state?.count ?? 0)
    let weights = rest

    // MARK: In memory
    if let file = try? SafetensorsFile(data: Data(weights)) {
        for tensor in file.tensors { _ = try? file.floats(tensor.name) }
    }

    // MARK: Through the directory loader
    scratch.write(config, to: PEFTAdapter.configFile)
    scratch.write(weights, to: PEFTAdapter.weightsFile)
    if let state { scratch.write(state, to: PEFTAdapter.stateFile) } else { scratch.remove(PEFTAdapter.stateFile) }
    // The width the model would have: the config's own when it decodes, so loads can succeed.
    let width = (try? JSONDecoder().decode(AdapterConfig.self, from: Data(config)))?.tokenDim ?? 16
    if let loaded = try? PEFTAdapter.load(from: scratch.url, expectedTokenDim: width) {
        fuzzExpect(loaded.prompt.values.count == loaded.config.numVirtualTokens * loaded.config.tokenDim,
                   "adapter loaded \(loaded.prompt.values.count) values for \(loaded.config.numVirtualTokens) × \(loaded.config.tokenDim)")
    }
    return 0
}
