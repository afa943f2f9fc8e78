import Foundation
import LanguageModel
import Numerics
import PTuneTestSupport
import Testing

// T = prompt positions (12), V = vocabulary (512).
//
// Tiny Llama-shaped files whose matrices are stored in llama.cpp's block formats, three mixes that
// between them hold every format ptune reads (Tests/Fixtures/quantized-models, written by
// Scripts/dev/make-quantized-tiny-models), against the log-probabilities Hugging Face transformers
// computes from the same files (it dequantizes with gguf-py): every position, every vocabulary entry.

/// The parts of `quantized-models/expected.json` these tests read.
private struct MixExpectation: Decodable {
    let types: [String: String]
    let prompt: [Int32]
    let top10_ids: [Int]
    let top10_logprobs: [Double]
}

private let expectations: [String: MixExpectation] = {
    guard let data = try? Fixtures.data("quantized-models/expected.json") else { return [:] }
    return (try? JSONDecoder().decode([String: MixExpectation].self, from: data)) ?? [:]
}()

private func open(_ mix: String) throws -> GGUFFile {
    try GGUFFile(path: Fixtures.url("quantized-models/\(mix).gguf").path)
}

/// log-softmax of each of the T rows of `logits (T, V)`, in Double.
private func logSoftmaxRows(_ logits: [Float], vocab: Int) -> [[Double]] {
    stride(from: 0, to: logits.count, by: vocab).map { logSoftmax(logits[$0..<($0 + vocab)]) }
}

/// The `count` largest entries' indices, largest first (ties: lower index first).
private func topIndices(_ row: [Double], _ count: Int) -> [Int] {
    Array(row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(count))
}

@Suite("Block-format models against transformers")
struct QuantizedModelReferenceTests {
    static let mixes = ["mix-k", "mix-low", "mix-legacy"]

    @Test("each tensor is stored in the format the mix names", arguments: mixes)
    func fileHoldsTheMix(mix: String) throws {
        let expected = try #require(expectations[mix])
        let file = try open(mix)
        for (role, typeName) in expected.types {
            let name = role == "token_embd" ? "token_embd.weight" : "blk.0.\(role).weight"
            let info = try #require(file.tensor(named: name))
            #expect(info.type.name == typeName, "\(name)")
        }
    }

    @Test("log-probs at every position match within 1e-3 and the top 10 ids are identical", arguments: mixes)
    func logProbsMatch(mix: String) throws {
        let expected = try #require(expectations[mix])
        let model = LlamaModel(weights: try LlamaWeights.load(from: open(mix)))
        let vocab = model.config.vocab
        let reference = try NPY.fixture("quantized-models/\(mix).logprobs.npy")
        #expect(reference.shape == [expected.prompt.count, vocab])
        // The training forward with every position's logits asked for.
        let t = expected.prompt.count
        let logits = model.embed(expected.prompt).withUnsafeBufferPointer { x in
            model.forward(inputs: x, batch: 1, length: t, lengths: [t], outputPositions: (0..<t).map { (0, $0) },
                          activations: ActivationArena(config: model.config, batch: 1, length: t, outputs: t))
        }
        let ours = logSoftmaxRows(logits, vocab: vocab)
        #expect(ours.count == t)
        var worst = 0.0
        for (t, row) in ours.enumerated() {
            let want = reference.values[(t * vocab)..<((t + 1) * vocab)].map(Double.init)
            worst = max(worst, zip(row, want).map { abs($0 - $1) }.max()!)
            #expect(topIndices(row, 10) == topIndices(want, 10), "\(mix) position \(t): top 10 ids")
        }
        print("\(mix): largest log-prob difference from transformers over \(t) positions × \(vocab): \(worst)")
        #expect(worst < 1e-3, "\(mix): largest log-prob difference \(worst)")
        let last = ours[ours.count - 1]
        #expect(topIndices(last, 10) == expected.top10_ids)
        for (id, logProb) in zip(expected.top10_ids, expected.top10_logprobs) {
            #expect(abs(last[id] - logProb) < 1e-3, "\(mix) next token \(id)")
        }
    }

    @Test("decoding from the blocks agrees with the reference at every step", arguments: mixes)
    func decodeMatches(mix: String) throws {
        let expected = try #require(expectations[mix])
        let file = try open(mix)
        let session = InferenceSession(weights: try LlamaWeights.load(from: file), quantized: try QuantizedWeights(file: file))
        let reference = try NPY.fixture("quantized-models/\(mix).logprobs.npy")
        let vocab = reference.shape[1]
        let prompt = expected.prompt
        var rows = [Array(try session.prefill(tokens: Array(prompt[..<4])))]
        for token in prompt[4...] { rows.append(Array(try session.step(token: token))) }
        for (i, logits) in rows.enumerated() {
            let t = i + 3
            let ours = logSoftmax(logits[...])
            let want = reference.values[(t * vocab)..<((t + 1) * vocab)].map(Double.init)
            let diff = zip(ours, want).map { abs($0 - $1) }.max()!
            #expect(diff < 1e-3, "\(mix) decode position \(t): largest log-prob difference \(diff)")
            #expect(ours.indices.max { ours[$0] < ours[$1] } == want.indices.max { want[$0] < want[$1] },
                    "\(mix) decode position \(t): greedy token")
        }
    }
}
