import Foundation
import LanguageModel
import Numerics

// MARK: - Hand-assembled files

/// Assembles GGUF bytes field by field, with nothing checked, so tests can write headers that
/// the writer would never produce (bad offsets, huge counts, unknown types).
struct RawGGUF {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += s.utf8 }
    mutating func header(version: UInt32 = 3, tensors: UInt64, keys: UInt64) {
        bytes += Array("GGUF".utf8)
        u32(version)
        u64(tensors)
        u64(keys)
    }
    mutating func tensorInfo(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d in dims { u64(d) }
        u32(type)
        u64(offset)
    }
    mutating func pad(to alignment: Int = 32) {
        bytes += repeatElement(0, count: (alignment - bytes.count % alignment) % alignment)
    }
    var data: Data { Data(bytes) }
}

/// A file with one F32 tensor `t` of 32 elements whose info fields can be varied.
func singleTensorFile(dims: [UInt64] = [32], type: UInt32 = 0, offset: UInt64 = 0, dataBytes: Int = 128) -> Data {
    var raw = RawGGUF()
    raw.header(tensors: 1, keys: 0)
    raw.tensorInfo("blk.0.attn_q.weight", dims: dims, type: type, offset: offset)
    raw.pad()
    raw.bytes += repeatElement(0, count: dataBytes)
    return raw.data
}

// MARK: - A small model built with the writer

/// Shape of the models written by `writeModel`: 2 layers, width 64, 4 heads of 16, 2 kv heads.
let smallConfig = LlamaConfig(layers: 2, width: 64, heads: 4, kvHeads: 2, headSize: 16, ffnWidth: 96,
                              vocab: 40, contextLength: 128, ropeTheta: 50_000, rmsEps: 1e-6, tiedOutput: false)

/// Writes `weights` as a Llama GGUF with every matrix in `matrixType`; `tweak` may alter the writer
/// (metadata) before tensors are added, `skip` leaves out named tensors, `reshape` overrides shapes.
func writeModel(_ weights: LlamaWeights, matrixType: GGMLType = .f32, architecture: String = "llama",
                omitDefaults: Bool = false, skip: Set<String> = [], reshape: [String: [Int]] = [:],
                tweak: (inout GGUFWriter) -> Void = { _ in }) throws -> Data {
    let c = weights.config
    var w = GGUFWriter()
    w.set(GGUFKey.architecture, .string(architecture))
    w.set(GGUFKey.name, .string("small test model"))
    w.set(GGUFKey.blockCount(architecture), .uint32(UInt32(c.layers)))
    w.set(GGUFKey.embeddingLength(architecture), .uint32(UInt32(c.width)))
    w.set(GGUFKey.headCount(architecture), .uint32(UInt32(c.heads)))
    w.set(GGUFKey.feedForwardLength(architecture), .uint32(UInt32(c.ffnWidth)))
    w.set(GGUFKey.contextLength(architecture), .uint32(UInt32(c.contextLength)))
    w.set(GGUFKey.layerNormRMSEpsilon(architecture), .float32(c.rmsEps))
    if !omitDefaults {
        w.set(GGUFKey.headCountKV(architecture), .uint32(UInt32(c.kvHeads)))
        w.set(GGUFKey.ropeFreqBase(architecture), .float32(c.ropeTheta))
        w.set(GGUFKey.ropeDimensionCount(architecture), .uint32(UInt32(c.headSize)))
    }
    tweak(&w)
    func add(_ name: String, _ shape: [Int], _ values: [Float], _ type: GGMLType) throws {
        guard !skip.contains(name) else { return }
        let s = reshape[name] ?? shape
        var v = values
        if s.reduce(1, *) != v.count { v = [Float](repeating: 0.5, count: s.reduce(1, *)) }
        try w.addTensor(name, shape: s, type: type, values: v)
    }
    let q = c.heads * c.headSize, kv = c.kvHeads * c.headSize
    try add(TensorName.tokenEmbedding, [c.vocab, c.width], weights.tokenEmbedding, matrixType)
    for (i, l) in weights.layers.enumerated() {
        try add(TensorName.attnNorm(i), [c.width], l.attnNorm, .f32)
        try add(TensorName.attnQ(i), [q, c.width], l.wq, matrixType)
        try add(TensorName.attnK(i), [kv, c.width], l.wk, matrixType)
        try add(TensorName.attnV(i), [kv, c.width], l.wv, matrixType)
        try add(TensorName.attnOutput(i), [c.width, q], l.wo, matrixType)
        try add(TensorName.ffnNorm(i), [c.width], l.ffnNorm, .f32)
        try add(TensorName.ffnGate(i), [c.ffnWidth, c.width], l.wGate, matrixType)
        try add(TensorName.ffnUp(i), [c.ffnWidth, c.width], l.wUp, matrixType)
        try add(TensorName.ffnDown(i), [c.width, c.ffnWidth], l.wDown, matrixType)
    }
    try add(TensorName.outputNorm, [c.width], weights.outputNorm, .f32)
    if !c.tiedOutput { try add(TensorName.output, [c.vocab, c.width], weights.output, matrixType) }
    return try w.data()
}

/// The error thrown by `body`, or nil when it returns.
func caughtError(_ body: () throws -> Void) -> (any Error)? {
    do { try body(); return nil } catch { return error }
}
