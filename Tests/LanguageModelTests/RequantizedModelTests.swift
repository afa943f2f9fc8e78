import Foundation
import LanguageModel
import Numerics
import PTuneTestSupport
import Testing

// V = vocabulary (49152).
//
// The default model requantized by llama.cpp into every type ptune reads
// (Scripts/dev/requantize-default-model writes the files into the model cache and the figures into
// Tests/Fixtures/requantized/expected.json), against Hugging Face transformers on the same files.
// The files are ~100 MB each and need llama.cpp to make, so these tests run where they have been
// made and are skipped elsewhere; the tiny block-format models of QuantizedModelReferenceTests
// cover every format in every run.

@Suite("The default model requantized by llama.cpp, against transformers", .serialized,
       .enabled(if: RequantizedFigures.all.values.contains { $0.path != nil }, "no requantized files (Scripts/dev/requantize-default-model)"))
struct RequantizedModelTests {
    static let types = RequantizedFigures.all.keys.sorted()

    @Test("top-10 next tokens identical, log-probs within 1e-3, greedy continuations identical", arguments: types)
    func matchesTransformers(type: String) throws {
        let expected = try #require(RequantizedFigures.all[type])
        guard let path = expected.path else { return }  // not made on this machine
        let file = try GGUFFile(path: path)
        var counts: [String: Int] = [:]
        for tensor in file.tensors { counts[tensor.type.name, default: 0] += 1 }
        #expect(counts == expected.tensor_type_counts, "\(type): tensor types")
        let weights = try LlamaWeights.load(from: file)
        let model = LlamaModel(weights: weights)
        let vocab = model.config.vocab
        var largest = 0.0
        defer { print("\(type): largest top-10 log-prob difference from transformers \(largest)") }
        for (k, prompt) in expected.next_token.enumerated() {
            let logits = model.logits(ids: prompt.input_ids)
            let row = logSoftmax(logits[(logits.count - vocab)...])
            let top = Array(row.indices.sorted { row[$0] > row[$1] }.prefix(10))
            #expect(top == prompt.top_ids, "\(type) prompt \(k): top 10 ids")
            let worst = zip(prompt.top_ids, prompt.top_logprobs).map { abs(row[$0] - $1) }.max()!
            largest = max(largest, worst)
            #expect(worst < 1e-3, "\(type) prompt \(k): log-prob difference \(worst)")
        }
        // Greedy decoding from the file's blocks (the kernels where a format has one), compared
        // up to the first near-tie (a top-1 − top-2 margin under 0.02 logits in the reference),
        // where a correct fp32 implementation may take the other token.
        let session = InferenceSession(weights: weights, quantized: try QuantizedWeights(file: file))
        for (k, run) in expected.greedy.enumerated() {
            session.reset()
            var logits = Array(try session.prefill(tokens: run.input_ids))
            var ours: [Int32] = []
            for _ in run.new_ids.indices {
                let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
                ours.append(next)
                if next == 2 || ours.count == run.new_ids.count { break }
                logits = Array(try session.step(token: next))
            }
            let trusted = run.margins.firstIndex { $0 < 0.02 }.map { $0 + 1 } ?? run.new_ids.count
            #expect(Array(ours.prefix(trusted)) == Array(run.new_ids.prefix(trusted)), "\(type) greedy prompt \(k)")
        }
    }
}
