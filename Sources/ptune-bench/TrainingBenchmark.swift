import Foundation
import LanguageModel
import PromptTuning
import Studio

/// One prompt-tuning update on the default model, as `Scripts/bench` measures it: `batch` pairs
/// of the sentiment example, `virtualTokens` rows initialized from the reference init text,
/// Adam, full batch; median seconds over `updates` updates after `warmups`.
struct TrainingBenchmark {
    var batch = 8
    var virtualTokens = 20
    var warmups = 2
    var updates = 10

    struct Result {
        var medianSeconds: Double
        var rangeSeconds: (Double, Double)
        var positions: Int        // B × (N + T), padded
        var realPositions: Int    // Σ (N + length) over rows
        var targetTokens: Int
        var gflops: Double        // per update, by the count below
    }

    func run(model: LoadedModel, pairsFile: URL) throws -> Result {
        let pairs = Array(try PairReader.read(contentsOf: pairsFile).prefix(batch))
        let examples = try ExampleBuilder().build(pairs, tokenizer: model.tokenizer).examples
        let table = try EmbeddingTable(values: model.weights.tokenEmbedding, vocab: model.config.vocab, width: model.config.width)
        let text = "Classify the sentiment of this review:"
        let (prompt, _) = try PromptInitialization.fromText(text, ids: model.tokenizer.encode(text), virtualTokens: virtualTokens, table: table)
        var trainer = try Trainer(model: FrozenLlama(network: model.network), prompt: prompt,
                                  settings: TrainingSettings(batchSize: batch, accumulateSteps: 1, shuffle: false, seed: 0,
                                                             optimizer: OptimizerSettings(kind: .adam, learningRate: 0.03)),
                                  padID: model.tokenizer.eosID)
        _ = try trainer.train(examples: examples, length: .updates(warmups))
        var times: [Double] = []
        for _ in 0..<updates {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.train(examples: examples, length: .updates(1))
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let batchShape = try Batching.batch(examples, virtualTokens: virtualTokens, padID: model.tokenizer.eosID)
        let positions = batchShape.rows * batchShape.sequenceLength
        let real = batchShape.lengths.reduce(0) { $0 + $1 + virtualTokens }
        return Result(medianSeconds: median(times), rangeSeconds: (times.min()!, times.max()!), positions: positions,
                      realPositions: real, targetTokens: batchShape.targetTokenCount,
                      gflops: Self.flops(model.config, positions: positions, targets: batchShape.targetTokenCount) / 1e9)
    }

    /// FLOPs of one update: forward and input-gradient backward through every layer's matrices
    /// (2 FLOPs per weight per position each way, so 4 × layer parameters × positions) plus the
    /// LM head at the target positions only (4 × V × C × R). Attention scores and element-wise
    /// work are left out (a few percent here).
    static func flops(_ c: LlamaConfig, positions: Int, targets: Int) -> Double {
        let perLayer = c.width * (c.heads * c.headSize) * 2 + c.width * (c.kvHeads * c.headSize) * 2 + 3 * c.width * c.ffnWidth
        return 4 * Double(c.layers * perLayer) * Double(positions) + 4 * Double(c.vocab * c.width) * Double(targets)
    }
}
