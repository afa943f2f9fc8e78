import Foundation
import LanguageModel
import Numerics
import PromptTuning
import Studio

// B = batch rows, N = virtual tokens, L = tokens per example (input + output + EOS), M = packed
// rows the network runs over, R = target tokens, C = width, V = vocabulary.

/// One prompt-tuning update on the default model, as `Scripts/bench` measures it: `batch` pairs
/// (either generated to exactly `length` tokens each, or the first pairs of a pairs file),
/// `virtualTokens` rows initialized from the reference init text, Adam, full batch; median
/// seconds over `updates` updates after `warmups`, then the same updates again with the phase
/// timer on for the profile.
struct TrainingBenchmark {
    var batch = 8
    var virtualTokens = 20
    /// Tokens per generated example; nil uses the pairs file.
    var length: Int? = 40
    var pairsFile = "Docs/examples/sentiment.jsonl"
    var path = FrozenLlama.Path.sharedPrefix
    var warmups = 2
    var updates = 10

    struct Result {
        var medianSeconds: Double
        var rangeSeconds: (Double, Double)
        var paddedPositions: Int  // B × (N + T), what the plain path runs over
        var packedRows: Int       // M: what the shared-prefix path runs over
        var targetTokens: Int
        var gemmFlops: Double     // per update, counted exactly (layer projections + LM head, both ways)
        var phases: [(String, Double)]  // seconds per update, by phase, then "other" (loss, optimizer, batching)
        var peakMiB: Double       // peak resident set while training (model included)
        var windows: [GemmWindow] // one per profiled update
    }

    /// One profiled update's GEMM rate and the best sgemm rate measured right before and right
    /// after it (GFLOP/s).
    struct GemmWindow {
        var stepRate: Double
        var sgemmRate: Double
        var fraction: Double { stepRate / sgemmRate }
    }

    /// Reads the benchmark's options from the command line (`--virtual --batch --length --pairs
    /// --path --updates --warmups`); `--length 0` means the pairs file.
    init(arguments: [String]) {
        func value(_ name: String) -> String? { arguments.firstIndex(of: name).map { arguments[$0 + 1] } }
        if let v = value("--virtual").flatMap(Int.init) { virtualTokens = v }
        if let v = value("--batch").flatMap(Int.init) { batch = v }
        if let v = value("--length").flatMap(Int.init) { length = v > 0 ? v : nil }
        if let v = value("--pairs") { pairsFile = v; if value("--length") == nil { length = nil } }
        if value("--path") == "plain" { path = .plain }
        if let v = value("--updates").flatMap(Int.init) { updates = v }
        if let v = value("--warmups").flatMap(Int.init) { warmups = v }
    }

    /// The pairs both sides train on.
    func pairs(tokenizer: BPETokenizer) throws -> [TrainingPair] {
        if let length { return try SyntheticPairs.make(count: batch, tokens: length, tokenizer: tokenizer) }
        return Array(try PairReader.read(contentsOf: URL(fileURLWithPath: pairsFile)).prefix(batch))
    }

    func run(model: LoadedModel) throws -> Result {
        let examples = try ExampleBuilder().build(try pairs(tokenizer: model.tokenizer), tokenizer: model.tokenizer).examples
        let table = try EmbeddingTable(values: model.weights.tokenEmbedding, vocab: model.config.vocab, width: model.config.width)
        let text = "Classify the sentiment of this review:"
        let (prompt, _) = try PromptInitialization.fromText(text, ids: model.tokenizer.encode(text), virtualTokens: virtualTokens, table: table)
        var trainer = try Trainer(model: FrozenLlama(network: model.network, path: path), prompt: prompt,
                                  settings: TrainingSettings(batchSize: batch, accumulateSteps: 1, shuffle: false, seed: 0,
                                                             optimizer: OptimizerSettings(kind: .adam, learningRate: 0.03)),
                                  padID: model.tokenizer.eosID)
        Memory.resetPeak()
        _ = try trainer.train(examples: examples, length: .updates(warmups))
        var times: [Double] = []
        for _ in 0..<updates {
            times.append(try seconds { _ = try trainer.train(examples: examples, length: .updates(1)) })
        }
        let peak = Memory.peakMiB()

        let shape = try Batching.batch(examples, virtualTokens: virtualTokens, padID: model.tokenizer.eosID)
        let packed = path == .plain ? shape.rows * shape.sequenceLength
            : PackedBatchLayout(batch: shape).sequences.rows
        let flops = Self.gemmFlops(model.config, rows: packed, targets: shape.targetTokenCount,
                                   topRows: path == .plain ? packed : shape.targetTokenCount)
        // The profile: the same updates again, each with the phase timer on (its clock reads cost a
        // little) and each between two sgemm probes, so that an update's GEMM rate is compared
        // with the machine's sgemm rate in the same few seconds (this VM's speed drifts by 10-20 %
        // over tens of seconds; a rate measured minutes apart would compare the drift). The
        // update's peak is the best of both probes (8 calls).
        let probe = SgemmProbe(rows: packed, config: model.config)
        var totals = [Double](repeating: 0, count: TrainingPhase.allCases.count)
        var profiled = 0.0
        var windows: [GemmWindow] = []
        for _ in 0..<updates {
            let before = probe.best(trials: 4)
            let timer = PhaseTimer()
            PhaseTimer.active = timer
            profiled += try seconds { _ = try trainer.train(examples: examples, length: .updates(1)) }
            PhaseTimer.active = nil
            for phase in TrainingPhase.allCases { totals[phase.rawValue] += timer.seconds(phase) }
            let gemmSeconds = Self.gemmPhases.reduce(0) { $0 + timer.seconds($1) }
            windows.append(GemmWindow(stepRate: flops / gemmSeconds / 1e9, sgemmRate: max(before, probe.best(trials: 4))))
        }
        var phases = TrainingPhase.allCases.map { ($0.name, totals[$0.rawValue] / Double(updates)) }
        phases.append(("other", profiled / Double(updates) - phases.reduce(0) { $0 + $1.1 }))
        return Result(medianSeconds: median(times), rangeSeconds: (times.min()!, times.max()!),
                      paddedPositions: shape.rows * shape.sequenceLength, packedRows: packed,
                      targetTokens: shape.targetTokenCount, gemmFlops: flops, phases: phases, peakMiB: peak,
                      windows: windows)
    }

    /// The phases whose time the GEMM rate divides by: the layer projections both ways and the LM head.
    static let gemmPhases: [TrainingPhase] = [.forwardGEMM, .backwardGEMM, .head]

    /// FLOPs of the GEMMs of one update, counted exactly: every layer projection forward
    /// (2 × rows × its weights) and its input-gradient GEMM backward (the same again), plus the LM
    /// head at the R target rows both ways (4 × R × V × C). Below the top block every projection
    /// runs on all M rows; the top block runs W_q, W_k and W_v on M rows and W_o and the MLP on the
    /// R target rows only (`topRows`; the plain path runs them on all rows). The attention's per-head
    /// GEMMs are left out (they are timed as attention).
    static func gemmFlops(_ c: LlamaConfig, rows: Int, targets: Int, topRows: Int) -> Double {
        let qkv = c.width * (c.heads * c.headSize) + c.width * (c.kvHeads * c.headSize) * 2
        let rest = c.width * (c.heads * c.headSize) + 3 * c.width * c.ffnWidth
        let below = Double((c.layers - 1) * (qkv + rest)) * Double(rows)
        let top = Double(qkv) * Double(rows) + Double(rest) * Double(topRows)
        return 4 * (below + top) + 4 * Double(c.vocab * c.width) * Double(targets)
    }

    /// The machine's sgemm rate (GFLOP/s) on the step's largest projection shapes, best of 12.
    static func sgemmPeak(rows: Int, config c: LlamaConfig) -> Double {
        SgemmProbe(rows: rows, config: c).best(trials: 12)
    }
}

/// The machine's sgemm rate on the step's largest projection shape, (M, C) × (C, F): alternately
/// `(M, C) · (F, C)ᵀ → (M, F)` (gate/up forward) and `(M, F) · (F, C) → (M, C)` (their backward),
/// the best of several calls of `BLAS.sgemm` (OpenBLAS) on the current thread count.
final class SgemmProbe {
    private let m: Int, k: Int, n: Int
    private var a: [Float], b: [Float], out: [Float]

    init(rows: Int, config c: LlamaConfig) {
        var rng = SeededRNG(seed: 1)
        m = rows
        k = c.width
        n = c.ffnWidth
        a = (0..<(m * n)).map { _ in Float(rng.nextDouble() - 0.5) }
        b = (0..<(n * k)).map { _ in Float(rng.nextDouble() - 0.5) }
        out = [Float](repeating: 0, count: m * n)
    }

    /// The best rate (GFLOP/s) of `trials` calls, alternating the two shapes.
    func best(trials: Int) -> Double {
        let (m, n, k) = (m, n, k)
        var best = 0.0
        for trial in 0..<trials {
            let time = seconds {
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        out.withUnsafeMutableBufferPointer { o in
                            if trial % 2 == 0 {
                                BLAS.sgemm(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, lda: k,
                                           b: b.baseAddress!, ldb: k, beta: 0, c: o.baseAddress!, ldc: n)
                            } else {
                                BLAS.sgemm(transA: false, transB: false, m: m, n: k, k: n, alpha: 1, a: a.baseAddress!, lda: n,
                                           b: b.baseAddress!, ldb: k, beta: 0, c: o.baseAddress!, ldc: k)
                            }
                        }
                    }
                }
            }
            best = max(best, 2 * Double(m * n * k) / time / 1e9)
        }
        return best
    }
}

/// Peak resident memory of this process, reset before the part being measured (Linux).
enum Memory {
    /// Resets the kernel's high-water mark (`VmHWM`) to the current resident set.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// `VmHWM` in MiB (0 where /proc is missing).
    static func peakMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kB / 1024
    }
}

/// The load average as `uptime` prints it, so every figure says how busy the machine was.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}
