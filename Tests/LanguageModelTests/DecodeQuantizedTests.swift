import LanguageModel
import Numerics
import Testing

// T = positions, V = vocab. The small model of GGUFTestFiles (width 64, ffn 96: whole blocks).

private let tokens: [Int32] = [5, 17, 39, 0, 22, 8, 8, 31, 2, 30]

/// The quantized and the Float32 session of one written model, sharing the loaded weights.
private func sessions(matrixType: GGMLType, tied: Bool) throws -> (quantized: InferenceSession, plain: InferenceSession, kernels: Int) {
    var config = smallConfig
    config.tiedOutput = tied
    let file = try GGUFFile(data: try writeModel(LlamaWeights.random(config: config, seed: 31), matrixType: matrixType))
    let weights = try LlamaWeights.load(from: file)
    let views = try QuantizedWeights(file: file)
    // chunkRows 1: every prefill row goes through the single-row (kernel) path too.
    let quantized = InferenceSession(weights: weights, quantized: views, chunkRows: 1)
    let plain = InferenceSession(weights: weights, chunkRows: 1)
    return (quantized, plain, views.kernelMatrixCount)
}

/// Expects the two logit rows (V) to agree within 1e-4, naming the position.
private func expectClose(_ a: UnsafeBufferPointer<Float>, _ b: [Float], _ what: String) {
    let (maxDiff, firstBad) = logitDifference(a, b.map(Double.init), tolerance: 1e-4)
    #expect(firstBad == nil, "\(what): max diff \(maxDiff), first bad index \(firstBad ?? -1)")
}

@Suite("Decode: block kernels against the Float32 path")
struct DecodeQuantizedTests {
    @Test("prefill and every step agree with the Float32 session", arguments: [
        (GGMLType.q4_1, false), (GGMLType.q4_1, true), (GGMLType.q8_0, false), (GGMLType.q8_0, true),
    ])
    func kernelsMatchFloat32(matrixType: GGMLType, tied: Bool) throws {
        let (quantized, plain, kernels) = try sessions(matrixType: matrixType, tied: tied)
        #expect(kernels == 2 * 7 + 1, "every matrix and the head have a kernel")
        #expect(quantized.productPath == .quantized && plain.productPath == .float32)
        let expected = Array(try plain.prefill(tokens: Array(tokens[..<4])))
        expectClose(try quantized.prefill(tokens: Array(tokens[..<4])), expected, "\(matrixType) prefill")
        for position in 4..<tokens.count {
            let want = Array(try plain.step(token: tokens[position]))
            expectClose(try quantized.step(token: tokens[position]), want, "\(matrixType) step at \(position)")
        }
    }

    @Test("switching the path to float32 reproduces the plain session bit for bit")
    func float32PathIsThePlainOne() throws {
        let (quantized, plain, _) = try sessions(matrixType: .q4_1, tied: true)
        quantized.productPath = .float32
        let a = Array(try quantized.prefill(tokens: tokens))
        let b = Array(try plain.prefill(tokens: tokens))
        #expect(a == b)
        #expect(Array(try quantized.step(token: 3)) == Array(try plain.step(token: 3)))
    }

    @Test("a model without kernel formats gets no views and runs on Float32")
    func float32ModelHasNoViews() throws {
        let (quantized, plain, kernels) = try sessions(matrixType: .f32, tied: false)
        #expect(kernels == 0)
        #expect(Array(try quantized.prefill(tokens: tokens)) == Array(try plain.prefill(tokens: tokens)))
    }

    @Test("views check shapes against the metadata")
    func shapeMismatch() throws {
        let data = try writeModel(LlamaWeights.random(config: smallConfig, seed: 1), matrixType: .q8_0,
                                  reshape: [TensorName.ffnUp(1): [64, 96]])
        #expect(throws: GGUFError.shapeMismatch(tensor: TensorName.ffnUp(1), expected: [96, 64], found: [64, 96])) {
            _ = try QuantizedWeights(file: try GGUFFile(data: data))
        }
    }
}
