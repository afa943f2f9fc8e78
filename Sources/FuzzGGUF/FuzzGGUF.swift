import Foundation
import FuzzSupport
import LanguageModel

// MARK: - GGUF fuzz target
//
// Arbitrary bytes as a GGUF file, through the in-memory entry point `GGUFFile(data:)` (the same
// parser `GGUFFile(path:)` runs over the mapping) and then everything a model load does with a
// parsed file: read the Llama configuration, build the tokenizer from the metadata, load the
// weights both dequantized and quantized, and dequantize every tensor. Errors are the expected
// outcome for almost every input; traps, hangs and allocations the file's size cannot justify are
// the bugs. Property: every tensor's bytes lie inside the file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let file = try? GGUFFile(data: Data(buffer: bytes)) else { return 0 }

    for tensor in file.tensors {
        fuzzExpect(tensor.offset >= 0 && tensor.byteCount >= 0 && file.dataOffset + tensor.offset + tensor.byteCount <= file.fileSize,
                   "tensor \(tensor.name) at \(tensor.offset) (+\(tensor.byteCount)) lies outside the \(file.fileSize)-byte file")
        _ = try? file.floats(tensor)
    }
    _ = try? BPETokenizer(gguf: file)
    if (try? LlamaConfig(gguf: file)) != nil {
        _ = try? LlamaWeights.load(from: file)
        _ = try? QuantizedWeights(file: file)
    }
    return 0
}
