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
    /// The frozen network (weights + forward/backward). The first use waits until the Float32
    /// weights are dequantized (they start the moment the file is checked; see `init`).
    public var network: LlamaModel { dequantized.value().network }
    /// The matrices read in place from the mapped file, for decoding on the block kernels.
    public let quantized: QuantizedWeights
    /// Wall-clock seconds the load took: reading and checking the file and building the tokenizer.
    public let loadSeconds: Double
    /// Size of the file in bytes.
    public let fileSize: Int
    /// The Float32 weights, being dequantized on their own threads, and when they were done.
    private let dequantized: BackgroundResult<Dequantized, Never>

    private struct Dequantized: Sendable {
        let network: LlamaModel
        /// Wall-clock seconds from the start of the load until the Float32 weights were done.
        let readySeconds: Double
    }

    /// Reads and validates a GGUF model; throws a one-line error on any problem. Returns once the
    /// file is checked and the tokenizer built (0.07–0.26 s for the default model). Every check that
    /// can fail is made before that, so a model that loads is whole; only the dequantization to
    /// Float32 (~540 MB, 0.3–0.7 s on this VM) goes on in the background, and `network` waits for
    /// it. `ask`, `train` and the views need it; a person typing the next command does not.
    public init(path: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let elapsed: @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let file = try GGUFFile(path: path)
        let plan = try LlamaWeights.plan(from: file)
        let quantized = try QuantizedWeights(file: file)
        self.quantized = quantized
        // The tokenizer (one thread, ~0.1 s of string work for 49k pieces and 49k merges) and the
        // dequantization overlap; only the tokenizer is waited for here. If the tokenizer fails,
        // the load throws and the dequantization, already started, finishes and is freed unused.
        let tokenizerResult = BackgroundResult { () throws(any Error) in try BPETokenizer(gguf: file) }
        self.dequantized = BackgroundResult {
            let network = LlamaModel(weights: plan.materialize(), quantized: quantized)
            return Dequantized(network: network, readySeconds: elapsed())
        }
        self.tokenizer = try tokenizerResult.value()
        self.path = path
        self.config = plan.config
        self.name = file.metadata["general.name"]?.string ?? URL(fileURLWithPath: path).lastPathComponent
        self.fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        self.loadSeconds = elapsed()
    }

    /// The frozen weights (waits for them like `network`).
    public var weights: LlamaWeights { network.weights }

    /// Whether the Float32 weights are done, without waiting.
    public var weightsReady: Bool { dequantized.isReady }

    /// Waits for the Float32 weights and returns the seconds from the start of the load until the
    /// model was whole (weights and tokenizer): the full cost of a load, where `loadSeconds` is
    /// the part `load` waits for.
    public func waitUntilReady() -> Double { max(loadSeconds, dequantized.value().readySeconds) }
}
