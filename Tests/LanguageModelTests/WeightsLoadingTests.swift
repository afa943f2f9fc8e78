import Foundation
import Testing
import LanguageModel
import Numerics
import PTuneTestSupport

// MARK: - Small written models

@Test(arguments: [false, true])
func writtenModelLoadsBackExactly(tied: Bool) throws {
    var config = smallConfig
    config.tiedOutput = tied
    let weights = LlamaWeights.random(config: config, seed: 11)
    let file = try GGUFFile(data: try writeModel(weights))
    let loaded = try LlamaWeights.load(from: file)
    #expect(loaded.config == config)
    #expect(loaded.tokenEmbedding == weights.tokenEmbedding)
    #expect(loaded.output == weights.output)
    #expect(loaded.outputNorm == weights.outputNorm)
    for (a, b) in zip(loaded.layers, weights.layers) {
        #expect(a.wq == b.wq && a.wk == b.wk && a.wv == b.wv && a.wo == b.wo)
        #expect(a.wGate == b.wGate && a.wUp == b.wUp && a.wDown == b.wDown)
        #expect(a.attnNorm == b.attnNorm && a.ffnNorm == b.ffnNorm)
    }
}

@Test func quantizedModelLoadsWhatTheDequantizerGives() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 12)
    let file = try GGUFFile(data: try writeModel(weights, matrixType: .q4_1))
    let loaded = try LlamaWeights.load(from: file)
    #expect(file.tensor(named: TensorName.attnQ(1))?.type == .q4_1)
    #expect(loaded.layers[1].wq == (try file.floats(named: TensorName.attnQ(1))))
    let diff = zip(loaded.layers[1].wq, weights.layers[1].wq).map { abs($0 - $1) }.max() ?? .infinity
    #expect(diff < 0.05, "Q4_1 max abs diff \(diff)")   // 4-bit steps of a ±0.125 range
}

@Test func defaultsApplyWhenKeysAreAbsent() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 13)
    let config = try LlamaConfig(gguf: try GGUFFile(data: try writeModel(weights, omitDefaults: true)))
    #expect(config.kvHeads == config.heads)        // head_count_kv defaults to head_count
    #expect(config.ropeTheta == 10_000)            // rope.freq_base defaults to 10000
    #expect(config.headSize == 64 / 4)             // width / heads
    #expect(config.vocab == 40)                    // from token_embd's shape
}

// MARK: - Errors

private func loadError(_ data: Data) -> String {
    do { _ = try LlamaWeights.load(from: try GGUFFile(data: data)); return "no error" } catch { return "\(error)" }
}

@Test func unsupportedArchitecture() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 14)
    #expect(loadError(try writeModel(weights, architecture: "gpt2")) == "unsupported architecture 'gpt2'; ptune runs Llama-family models")
}

@Test func shapeAndPresenceChecks() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 15)
    let wrongShape = try writeModel(weights, reshape: [TensorName.attnK(1): [16, 64]])
    #expect(loadError(wrongShape) == "tensor 'blk.1.attn_k.weight' has shape [16, 64], expected [32, 64]")
    let missing = try writeModel(weights, skip: [TensorName.ffnDown(0)])
    #expect(loadError(missing) == "missing tensor 'blk.0.ffn_down.weight'")
    let noWidth = try writeModel(weights) { $0.set(GGUFKey.embeddingLength("llama"), .string("wide")) }
    #expect(loadError(noWidth) == "metadata key 'llama.embedding_length' should be an integer, found string")
    let badHeads = try writeModel(weights) { $0.set(GGUFKey.headCountKV("llama"), .uint32(3)) }
    #expect(loadError(badHeads) == "invalid model configuration: 4 query heads is not a multiple of 3 kv heads")
}

@Test func unsupportedTensorTypeNamesTheTensor() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 16)
    // attn_q stored as MXFP4 (which ptune cannot read): same shape, 17 bytes per block of 32.
    let data = try writeModel(weights, skip: [TensorName.attnQ(0)]) { w in
        w.addRawTensor(TensorName.attnQ(0), dimensions: [64, 64], type: .mxfp4, bytes: [UInt8](repeating: 0, count: 128 * 17))
    }
    #expect(loadError(data).hasPrefix("unsupported tensor type MXFP4 (39) for 'blk.0.attn_q.weight'"), "\(loadError(data))")
}

@Test func featuresTheBlocksDoNotComputeAreRefusedByName() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 18)
    let tail = ", which ptune does not compute; it refuses the model rather than answer wrongly"
    let yarn = try writeModel(weights) { $0.set(GGUFKey.ropeScalingType("llama"), .string("yarn")) }
    #expect(loadError(yarn) == "this model uses rope scaling 'yarn' (llama.rope.scaling.type)" + tail)
    let linear = try writeModel(weights) { $0.set(GGUFKey.ropeScalingFactor("llama"), .float32(4)) }
    #expect(loadError(linear) == "this model uses rope scaling by 4.0 (llama.rope.scaling.factor)" + tail)
    let none = try writeModel(weights) {
        $0.set(GGUFKey.ropeScalingType("llama"), .string("none"))
        $0.set(GGUFKey.ropeScalingFactor("llama"), .float32(1))
    }
    #expect(throws: Never.self) { _ = try LlamaWeights.load(from: GGUFFile(data: none)) }
    let experts = try writeModel(weights) { $0.set(GGUFKey.expertCount("llama"), .uint32(8)) }
    #expect(loadError(experts) == "this model uses mixture-of-experts layers (llama.expert_count 8)" + tail)
    let keyWidth = try writeModel(weights) { $0.set(GGUFKey.keyLength("llama"), .uint32(32)) }
    #expect(loadError(keyWidth) == "this model uses heads of width 32 (llama.attention.key_length) with a rotary width of 16" + tail)
    let bias = try writeModel(weights) { w in
        w.addRawTensor("blk.0.attn_q.bias", dimensions: [64], type: .f32, bytes: [UInt8](repeating: 0, count: 256))
    }
    #expect(loadError(bias) == "this model uses biases (tensor 'blk.0.attn_q.bias')" + tail)
    let freqs = try writeModel(weights) { w in
        w.addRawTensor("rope_freqs.weight", dimensions: [8], type: .f32, bytes: [UInt8](repeating: 0, count: 32))
    }
    #expect(loadError(freqs).hasPrefix("this model uses RoPE frequency factors"), "\(loadError(freqs))")
}

@Test func weightsThatCannotFitAreRefusedWithTheFigures() throws {
    let weights = LlamaWeights.random(config: smallConfig, seed: 17)
    let file = try GGUFFile(data: try writeModel(weights, matrixType: .q4_1))
    let values = weights.tokenEmbedding.count + weights.outputNorm.count + (weights.config.tiedOutput ? 0 : weights.output.count)
        + weights.layers.reduce(0) { n, l in
            n + [l.attnNorm, l.wq, l.wk, l.wv, l.wo, l.ffnNorm, l.wGate, l.wUp, l.wDown].reduce(0) { $0 + $1.count }
        }
    let plan = try LlamaWeights.plan(from: file, availableBytes: nil)
    #expect(plan.parameterCount == values)
    #expect(plan.floatBytes == 4 * values)
    // One byte short is refused, exactly enough is not.
    #expect(throws: GGUFError.weightsTooLarge(parameters: values, needed: 4 * values, available: 4 * values - 1)) {
        _ = try LlamaWeights.plan(from: file, availableBytes: 4 * values - 1)
    }
    _ = try LlamaWeights.plan(from: file, availableBytes: 4 * values)
    let message = GGUFError.weightsTooLarge(parameters: 6_738_415_616, needed: 26_953_662_464, available: 21 << 30).description
    #expect(message.hasPrefix("the model's 6.74 B weights need 25.1 GiB as Float32"), "\(message)")
    #expect(message.contains("21.0 GiB of memory is available"), "\(message)")
}

// MARK: - The real model (skipped when it has not been fetched)

@Test(.enabled(if: Fixtures.defaultModelPath != nil))
func realModelStructure() throws {
    let file = try GGUFFile(path: try #require(Fixtures.defaultModelPath))
    #expect(file.version == 3)
    #expect(file.tensors.count == 272)
    var counts: [GGMLType: Int] = [:]
    for t in file.tensors { counts[t.type, default: 0] += 1 }
    #expect(counts == [.q8_0: 1, .f32: 61, .q4_1: 210], "\(counts)")
    #expect(file.architecture == "llama")
    #expect(file[GGUFKey.tokens]?.stringArray?.count == 49152)

    let config = try LlamaConfig(gguf: file)
    #expect(config == LlamaConfig(layers: 30, width: 576, heads: 9, kvHeads: 3, headSize: 64, ffnWidth: 1536,
                                  vocab: 49152, contextLength: config.contextLength, ropeTheta: 100_000,
                                  rmsEps: 1e-5, tiedOutput: true), "\(config)")
    #expect(config.parameterCount == 134_515_008)
}

@Test(.enabled(if: Fixtures.defaultModelPath != nil))
func realModelWeightsMatchTheReferenceEmbedding() throws {
    let file = try GGUFFile(path: try #require(Fixtures.defaultModelPath))
    let weights = try LlamaWeights.load(from: file)
    #expect(weights.layers.count == 30)
    #expect(weights.output == weights.tokenEmbedding)
    // The reference's initial prompt vector is the (Q8_0-dequantized, by gguf-py) embedding rows
    // of the init text's tokens: our rows must match bit for bit.
    let initial = try NPY.fixture("smollm2-prompt-init.npy")
    #expect(initial.shape == [8, 576])
    let ids = [8530, 1282, 260, 19025, 282, 451, 2523, 42]
    var firstBad: (row: Int, col: Int)? = nil
    var maxDiff: Float = 0
    for (r, id) in ids.enumerated() {
        let ours = weights.tokenEmbedding[(id * 576)..<((id + 1) * 576)]
        for (c, (a, b)) in zip(ours, initial.row(r)).enumerated() where a.bitPattern != b.bitPattern {
            if firstBad == nil { firstBad = (r, c) }
            maxDiff = max(maxDiff, abs(a - b))
        }
    }
    #expect(firstBad == nil, "max diff \(maxDiff), first bad (row, col) \(String(describing: firstBad))")
    // All weights finite.
    #expect(weights.layers.allSatisfy { $0.wq.allSatisfy(\.isFinite) && $0.wDown.allSatisfy(\.isFinite) })
}
