import Foundation
import Testing
import LanguageModel
import Numerics
import PTuneTestSupport

@Test func tinyModelFileLoadsWithItsVocabulary() throws {
    let path = try TinyModel.temporaryGGUF(seed: 5)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let file = try GGUFFile(path: path)
    let loaded = try LlamaWeights.load(from: file)
    #expect(loaded.config == TinyModel.fileConfig)
    let expected = TinyModel.weights(seed: 5, config: TinyModel.fileConfig)
    #expect(loaded.tokenEmbedding == expected.tokenEmbedding)
    #expect(loaded.layers[1].wDown == expected.layers[1].wDown)
    #expect(loaded.output == loaded.tokenEmbedding)   // tied

    #expect(TinyModel.vocabulary.count == 3 + 256 + TinyModel.merges.count)
    #expect(file[GGUFKey.tokens]?.stringArray == TinyModel.vocabulary)
    #expect(file[GGUFKey.merges]?.stringArray?.first == "Ġ t")
    #expect(file[GGUFKey.tokenType]?.intArray?.prefix(4) == [3, 3, 3, 1])
    #expect(file[GGUFKey.eosTokenID]?.int == 2 && file[GGUFKey.addBOSToken]?.bool == false)
    #expect(file[GGUFKey.tokenizerModel]?.string == "gpt2")
}

@Test func tinyVocabularyFollowsGPT2ByteSymbols() {
    #expect(TinyModel.byteSymbols[0x20] == "Ġ")
    #expect(TinyModel.byteSymbols[0x0A] == "Ċ")
    #expect(TinyModel.byteSymbols[0x41] == "A")
    #expect(TinyModel.byteSymbols[0x00] == "Ā")
    #expect(Set(TinyModel.byteSymbols).count == 256)
    #expect(TinyModel.id(of: "A") == 3 + 0x41)
    #expect(TinyModel.id(of: "Ġthe") == 3 + 256 + 6)
    #expect(TinyModel.id(of: "<|im_end|>") == 2)
    // Every merge joins two tokens that exist before it.
    var known = Set(TinyModel.byteSymbols)
    for merge in TinyModel.merges {
        let parts = merge.split(separator: " ").map(String.init)
        #expect(parts.count == 2 && known.contains(parts[0]) && known.contains(parts[1]), "\(merge)")
        known.insert(parts.joined())
    }
}

@Test func tinyModelRejectsBlockFormatsNarrowerThanABlock() {
    #expect(throws: GGUFError.self) { _ = try TinyModel.ggufData(matrixType: .q8_0) }
    #expect(throws: Never.self) { _ = try TinyModel.ggufData(matrixType: .f16) }
}

@Test(arguments: [GGMLType.q8_0, .q4_0, .q4_1, .f16])
func addLlamaWritesWhatLoadReads(type: GGMLType) throws {
    let config = LlamaConfig(layers: 1, width: 32, heads: 2, kvHeads: 1, headSize: 16, ffnWidth: 64, vocab: 10,
                             contextLength: 32, ropeTheta: 10_000, rmsEps: 1e-5, tiedOutput: false)
    let weights = LlamaWeights.random(config: config, seed: 9)
    var w = GGUFWriter()
    try w.addLlama(weights, matrixType: type)
    let file = try GGUFFile(data: try w.data())
    let loaded = try LlamaWeights.load(from: file)
    #expect(loaded.config == config)
    #expect(file.tensor(named: TensorName.ffnDown(0))?.type == type)
    let cmp = TensorCompare.compare(loaded.layers[0].wDown, weights.layers[0].wDown, absTolerance: 0.02)
    #expect(cmp.passed, "\(cmp)")
}
