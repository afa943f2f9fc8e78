import Foundation
import LanguageModel

/// A base model in memory: its file, shape, frozen weights, tokenizer and the forward pass.
/// Immutable; a new `load` builds a new one and swaps it in only when every step succeeded.
public final class LoadedModel: @unchecked Sendable {
    /// The GGUF file it came from.
    public let path: String
    /// `general.name` from the file, or the file name.
    public let name: String
    /// The model's shape.
    public let config: LlamaConfig
    /// The tokenizer read from the same file.
    public let tokenizer: BPETokenizer
    /// The frozen network (weights + forward/backward).
    public let network: LlamaModel
    /// The matrices read in place from the mapped file, for decoding on the block kernels.
    public let quantized: QuantizedWeights
    /// Wall-clock seconds the load took.
    public let loadSeconds: Double
    /// Size of the file in bytes.
    public let fileSize: Int

    /// Reads, validates and dequantizes a GGUF model. Throws a one-line error on any problem.
    public init(path: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let file = try GGUFFile(path: path)
        let weights = try LlamaWeights.load(from: file)
        self.tokenizer = try BPETokenizer(gguf: file)
        self.path = path
        self.config = weights.config
        self.network = LlamaModel(weights: weights)
        self.quantized = try QuantizedWeights(file: file)
        self.name = file.metadata["general.name"]?.string ?? URL(fileURLWithPath: path).lastPathComponent
        self.fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        self.loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The frozen weights.
    public var weights: LlamaWeights { network.weights }
}
