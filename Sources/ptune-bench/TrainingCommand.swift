import Foundation
import LanguageModel
import Numerics
import Studio

// The training half of ptune-bench's output, and its `--train-only` / `--write-pairs` modes.

/// The JSON fields of one training benchmark run: time, shape, memory, GEMM rate against the
/// machine's sgemm rate, and the profile by phase.
func trainingFields(model: LoadedModel, arguments: [String]) throws -> [(String, JSONValue)] {
    let bench = TrainingBenchmark(arguments: arguments)
    let result = try bench.run(model: model)
    // The run's sgemm peak: the best of 12 calls after the updates, or of any probe between them.
    let peak = max(TrainingBenchmark.sgemmPeak(rows: result.packedRows, config: model.config),
                   result.windows.map(\.sgemmRate).max() ?? 0)
    let fractions = result.windows.map(\.fraction)
    let gemmSeconds = result.phases.filter { phase in TrainingBenchmark.gemmPhases.contains { $0.name == phase.0 } }.reduce(0) { $0 + $1.1 }
    let gemmRate = result.gemmFlops / gemmSeconds / 1e9
    func round3(_ x: Double) -> JSONValue { .number((x * 1000).rounded() / 1000) }
    let data = bench.length.map { "\($0)-token generated pairs" } ?? URL(fileURLWithPath: bench.pairsFile).lastPathComponent
    return [
        ("train_update_s", round3(result.medianSeconds)),
        ("train_update_s_range", .array([round3(result.rangeSeconds.0), round3(result.rangeSeconds.1)])),
        ("train_shape", .string("batch \(bench.batch) × \(data) + \(bench.virtualTokens) virtual tokens, Adam; path \(bench.path == .plain ? "plain" : "shared-prefix"): \(result.packedRows) rows run (\(result.paddedPositions) padded positions), \(result.targetTokens) targets")),
        ("train_batch", .int(bench.batch)), ("train_virtual", .int(bench.virtualTokens)),
        ("train_length", bench.length.map { .int($0) } ?? .null),
        ("train_peak_rss_mib", .number(result.peakMiB.rounded())),
        ("train_gflops", .number((result.gemmFlops / result.medianSeconds / 1e9 * 10).rounded() / 10)),
        ("train_gemm_gflops", .number((gemmRate * 10).rounded() / 10)),
        ("sgemm_peak_gflops", .number((peak * 10).rounded() / 10)),
        // median over the profiled updates of (update's GEMM rate / best of 8 sgemm calls around it)
        ("train_gemm_fraction_of_peak", round3(median(fractions))),
        ("train_gemm_fraction_range", .array([round3(fractions.min() ?? 0), round3(fractions.max() ?? 0)])),
        // the mean GEMM rate over the same updates against the run's best sgemm (minutes apart)
        ("train_gemm_fraction_of_run_peak", round3(gemmRate / peak)),
        ("train_phases_s", .object(result.phases.map { ($0.0, JSONValue.number(($0.1 * 1e4).rounded() / 1e4)) })),
        ("load_average", .string(loadAverage())),
    ]
}

/// `--write-pairs FILE`: writes the generated pairs (for the PyTorch reference) and exits.
/// `--train-only`: loads the model once and prints only the training fields.
func runTrainingModes(arguments: [String], modelPath: String, threads: Int) {
    guard arguments.contains("--train-only") || arguments.contains("--write-pairs") else { return }
    do {
        let model = try LoadedModel(path: modelPath)
        if let i = arguments.firstIndex(of: "--write-pairs") {
            let bench = TrainingBenchmark(arguments: arguments)
            try SyntheticPairs.jsonLines(try bench.pairs(tokenizer: model.tokenizer))
                .write(toFile: arguments[i + 1], atomically: true, encoding: .utf8)
            exit(0)
        }
        let fields: [(String, JSONValue)] = [("benchmark", "ptune-train"), ("threads", .int(threads))]
            + (try trainingFields(model: model, arguments: arguments))
        print(JSONValue.object(fields).serialized())
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("ptune-bench: \(error)\n".utf8))
        exit(1)
    }
}
