import Foundation
import Testing
import LanguageModel
import PTuneTestSupport
@testable import Studio

/// `LoadedModel` returns once the file is checked and the tokenizer built, and dequantizes the
/// Float32 weights in the background. These tests hold the three promises that makes: the weights
/// are the ones an eager load gives, every reader gets the same ones, and every error a file can
/// cause is still thrown by the load itself.
@Suite struct LoadedModelTests {
    private func temporaryFile(_ data: Data) throws -> String {
        let path = NSTemporaryDirectory() + "ptune-loaded-\(UUID().uuidString).gguf"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func backgroundWeightsAreTheEagerOnes() throws {
        let path = try TinyModel.temporaryGGUF(seed: 11)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try LoadedModel(path: path)
        let eager = try LlamaWeights.load(from: GGUFFile(path: path))
        let weights = model.weights
        #expect(model.config == eager.config)
        #expect(weights.tokenEmbedding == eager.tokenEmbedding)
        #expect(weights.outputNorm == eager.outputNorm)
        #expect(weights.output == eager.output)
        for (got, want) in zip(weights.layers, eager.layers) {
            #expect(got.attnNorm == want.attnNorm && got.ffnNorm == want.ffnNorm)
            #expect(got.wq == want.wq && got.wk == want.wk && got.wv == want.wv && got.wo == want.wo)
            #expect(got.wGate == want.wGate && got.wUp == want.wUp && got.wDown == want.wDown)
        }
        #expect(model.weightsReady)
        #expect(model.waitUntilReady() >= model.loadSeconds)
    }

    @Test func everyReaderGetsTheSameNetwork() async throws {
        let path = try TinyModel.temporaryGGUF(seed: 12)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try LoadedModel(path: path)
        // Readers on several threads, started while the weights may still be dequantizing.
        let identities = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for _ in 0..<8 { group.addTask { ObjectIdentifier(model.network) } }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        #expect(identities.count == 1)
        #expect(identities.first == ObjectIdentifier(model.network))
    }

    @Test func aShapeErrorIsThrownByTheLoadNotLater() throws {
        let data = try TinyModel.ggufData(seed: 13) { writer in
            writer.set(GGUFKey.feedForwardLength("llama"), .uint32(UInt32(TinyModel.config.ffnWidth + 1)))
        }
        let path = try temporaryFile(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try LoadedModel(path: path)
        } throws: { error in
            guard case GGUFError.shapeMismatch(let tensor, _, _)? = error as? GGUFError else { return false }
            return tensor == TensorName.ffnGate(0)
        }
    }

    @Test func aTokenizerErrorIsThrownByTheLoadNotLater() throws {
        let data = try TinyModel.ggufData(seed: 14) { writer in
            writer.set(GGUFKey.merges, .array(.string, [.string("no-space-here")]))
        }
        let path = try temporaryFile(data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TokenizerError.self) { _ = try LoadedModel(path: path) }
    }
}
