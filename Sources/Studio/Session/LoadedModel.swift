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
        // The tokenizer (one thread, ~0.1 s of string work for 49k pieces and 49k merges) is
        // built while the weights dequantize, so load takes the longer of the two, not the sum.
        let tokenizerResult = ConcurrentResult { try BPETokenizer(gguf: file) }
        let weights = try LlamaWeights.load(from: file)
        self.tokenizer = try tokenizerResult.value()
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

/// The result of `body`, computed on its own thread from the moment this is created; `value()`
/// waits for it. One use: to overlap two independent parts of a load.
private final class ConcurrentResult<Value: Sendable>: @unchecked Sendable {  // `result` is written once, before `done` is signalled, and read after waiting on it
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try body() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the result, then returns it or throws its error.
    func value() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
