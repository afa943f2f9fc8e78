// ptune-bench: the figures `Scripts/bench` prints, measured on the default model in release mode.
// One JSON line on stdout: load time (and time until the Float32 weights are ready), prefill tokens/s (64-token prompt), decode tokens/s
// (64 greedy tokens), each the median of several runs, with the thread count used.
import Foundation
import LanguageModel
import Numerics
import Studio

BLASProcessSetup.prepare()  // as ptune does: may run this program again with OpenBLAS's thread spin set

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
let threads = arguments.firstIndex(of: "--threads").flatMap { Int(arguments[$0 + 1]) } ?? 2
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 3
let path = arguments.firstIndex(of: "--model").map { arguments[$0 + 1] } ?? ModelCache.defaultModelPath
let pairsPath = arguments.firstIndex(of: "--pairs").map { arguments[$0 + 1] } ?? "Docs/examples/sentiment.jsonl"
// --kernels quantized (default: block kernels on the GGUF bytes for single rows) | float32
let kernels = arguments.firstIndex(of: "--kernels").map { arguments[$0 + 1] } ?? "quantized"
// --decode-context N: the prompt prefilled before the 64 decoded tokens (default 64), for decode
// speed against context length. --no-train: leave out the prompt-tuning update (inference only).
let promptTokens = arguments.firstIndex(of: "--decode-context").flatMap { Int(arguments[$0 + 1]) } ?? 64
let train = !arguments.contains("--no-train")
ThreadCount.set(threads)
runTrainingModes(arguments: arguments, modelPath: path, threads: threads)  // --train-only, --write-pairs: exit there

do {
    // `load_s`: until `load` returns (file checked, tokenizer built; the model can be used).
    // `ready_s`: until the Float32 weights are dequantized too, which `load` leaves running in the
    // background. Each run waits for its weights before the next, so runs do not overlap.
    var loadTimes: [Double] = []
    var readyTimes: [Double] = []
    var model: LoadedModel?
    for _ in 0..<runs {
        model = nil
        loadTimes.append(try seconds { model = try LoadedModel(path: path) })
        readyTimes.append(model!.waitUntilReady())
    }
    guard let weights = model?.weights else { throw CommandFailure("no model") }
    let quantized = kernels == "float32" ? nil : model?.quantized
    _ = try DecodeBenchmark.run(weights: weights, quantized: quantized, promptTokens: 16, decodeTokens: 4)  // warm-up
    var prefill: [Double] = []
    var decode: [Double] = []
    for run in 0..<runs {
        let result = try DecodeBenchmark.run(weights: weights, quantized: quantized, promptTokens: promptTokens, decodeTokens: 64,
                                              seed: UInt64(run))
        prefill.append(result.prefillTokensPerSecond)
        decode.append(result.decodeTokensPerSecond)
    }
    var fields: [(String, JSONValue)] = [
        ("benchmark", "ptune"), ("model", .string(URL(fileURLWithPath: path).lastPathComponent)),
        ("threads", .int(threads)), ("runs", .int(runs)), ("kernels", .string(quantized == nil ? "float32" : "quantized")),
        ("load_s", .number((median(loadTimes) * 1000).rounded() / 1000)),
        ("load_s_range", .array([.number(loadTimes.min()!), .number(loadTimes.max()!)])),
        ("ready_s", .number((median(readyTimes) * 1000).rounded() / 1000)),
        ("prompt_tokens", .int(promptTokens)),
        ("prefill_tokens_per_s", .number(median(prefill).rounded())),
        ("decode_tokens_per_s", .number((median(decode) * 10).rounded() / 10)),
        ("decode_tokens_per_s_range", .array([.number(decode.min()!), .number(decode.max()!)])),
    ]
    if train { fields += try trainingFields(model: model!, arguments: arguments) }
    print(JSONValue.object(fields).serialized())
} catch {
    FileHandle.standardError.write(Data("ptune-bench: \(error)\n".utf8))
    exit(1)
}
