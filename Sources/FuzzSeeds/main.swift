import Foundation
import LanguageModel
import Numerics
import PromptTuning
import PTuneTestSupport

// MARK: - Seed corpus generator
//
// Writes Fuzz/corpus/<target>/ from the project's own writers and fixtures: valid files made by
// GGUFWriter, SafetensorsWriter and PEFTAdapter.save, the example scripts and pairs files, and a
// few truncated or corrupted variants. Run by Scripts/dev/make-fuzz-corpus from the repository
// root; the output is deterministic (seeded weights, sorted keys), so regenerating is a no-op
// unless a writer changed.

/// Never called: the generator links with the fuzz flags so it reuses the fuzz targets' build of the
/// libraries, and `-sanitize=fuzzer`'s runtime requires this symbol in every program it links.
@_cdecl("LLVMFuzzerTestOneInput")
public func unusedTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }

let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let corpus = root.appendingPathComponent("Fuzz/corpus")

/// Writes one seed, creating its target folder.
func seed(_ target: String, _ name: String, _ bytes: some Collection<UInt8>) throws {
    let folder = corpus.appendingPathComponent(target)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(bytes).write(to: folder.appendingPathComponent(name))
}

/// The files of a repository folder with `ext`, sorted by name.
func files(_ folder: String, ext: String) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == ext }.sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// `bytes` with every `stride`-th byte XORed with 0xFF starting at `start` (a "bit rot" variant).
func corrupted(_ bytes: Data, start: Int, stride: Int) -> Data {
    var copy = bytes
    for i in Swift.stride(from: start, to: copy.count, by: stride) { copy[copy.startIndex + i] ^= 0xFF }
    return copy
}

// MARK: - PTScript: the examples and the checker corpus

for url in try files("Docs/examples", ext: "ptscript") + files("Tests/Fixtures/scripts", ext: "ptscript") {
    try seed("FuzzPTScript", url.lastPathComponent, try Data(contentsOf: url))
}

// MARK: - Pairs: format byte (0 json, 1 jsonl, 2 csv, 3 txt) + a fixture file

let formatByte: [String: UInt8] = ["json": 0, "jsonl": 1, "csv": 2]
for url in try files("Tests/Fixtures/pairs", ext: "json") + files("Tests/Fixtures/pairs", ext: "jsonl")
    + files("Tests/Fixtures/pairs", ext: "csv") + files("Docs/examples", ext: "jsonl").prefix(1) {
    let byte = url.path.contains("Docs/examples") ? 3 : formatByte[url.pathExtension]!
    try seed("FuzzPairs", url.lastPathComponent, [byte] + (try Data(contentsOf: url)))
}

// MARK: - Tokenizer: tokenizer byte (0 TinyModel, 1 SmolLM2 when present) + hard strings

struct TokenizerCorpus: Decodable {
    struct Case: Decodable { let text: String }
    let cases: [Case]
}
let hard = try JSONDecoder().decode(TokenizerCorpus.self,
                                    from: Data(contentsOf: root.appendingPathComponent("Tests/Fixtures/tokenizer/smollm-extra.json")))
let extra = ["<|im_start|>user\nHello<|im_end|>\n", "don't we'll I'M", "\u{0}\u{1}\u{7f}", "caf\u{e9} e\u{301}"]
for (i, text) in (hard.cases.map(\.text).prefix(24) + extra).enumerated() {
    try seed("FuzzTokenizer", String(format: "text-%02d", i), [UInt8(i % 2)] + Array(text.utf8))
}

// MARK: - LSP: read-size byte + a framed editor session

func frame(_ json: String) -> String { "Content-Length: \(json.utf8.count)\r\n\r\n\(json)" }
func jsonString(_ text: String) throws -> String { String(decoding: try JSONEncoder().encode(text), as: UTF8.self) }
let uri = "file:///tmp/fuzz.ptscript"
let script = try String(contentsOf: root.appendingPathComponent("Docs/examples/hello.ptscript"), encoding: .utf8)
let position = #""textDocument":{"uri":"\#(uri)"},"position":{"line":2,"character":4}"#
let session = [
    #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#,
    #"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"\#(uri)","languageId":"ptscript","version":1,"text":\#(try jsonString(script))}}}"#,
    #"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"\#(uri)","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":0},"end":{"line":1,"character":3}},"text":"tr😀"}]}}"#,
    #"{"jsonrpc":"2.0","id":2,"method":"textDocument/completion","params":{\#(position)}}"#,
    #"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{\#(position)}}"#,
    #"{"jsonrpc":"2.0","id":4,"method":"textDocument/signatureHelp","params":{\#(position)}}"#,
    #"{"jsonrpc":"2.0","id":5,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"\#(uri)"}}}"#,
    #"{"jsonrpc":"2.0","id":6,"method":"textDocument/semanticTokens/full","params":{"textDocument":{"uri":"\#(uri)"}}}"#,
    #"{"jsonrpc":"2.0","id":7,"method":"textDocument/formatting","params":{"textDocument":{"uri":"\#(uri)"},"options":{"tabSize":4,"insertSpaces":true}}}"#,
    #"{"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":"\#(uri)"}}}"#,
    #"{"jsonrpc":"2.0","id":8,"method":"shutdown"}"#,
    #"{"jsonrpc":"2.0","method":"exit"}"#,
]
try seed("FuzzLSPFraming", "session", [UInt8(63)] + Array(session.map(frame).joined().utf8))
try seed("FuzzLSPFraming", "session-bytewise", [UInt8(0)] + Array(session.prefix(5).map(frame).joined().utf8))
try seed("FuzzLSPFraming", "bad-headers", [UInt8(7)] + Array(("Content-Length: x\r\n\r\nContent-Type: a\r\n\r\nnoise\r\n"
    + "Content-Length: 99999999999999999999\r\n\r\n" + frame("[1,2") + frame(#"{"jsonrpc":"1.0","id":null}"#)).utf8))

// MARK: - GGUF: the writer's files, small enough to mutate quickly

/// 1 layer, width 8, 2 query heads and 1 kv head of size 4, feed-forward 8, vocabulary 16.
let smallConfig = LlamaConfig(layers: 1, width: 8, heads: 2, kvHeads: 1, headSize: 4, ffnWidth: 8, vocab: 16,
                              contextLength: 32, ropeTheta: 10_000, rmsEps: 1e-5, tiedOutput: true)
var small = GGUFWriter()
try small.addLlama(LlamaWeights.random(config: smallConfig, seed: 7), matrixType: .f32)
small.set(GGUFKey.tokenizerModel, .string("gpt2"))
small.set(GGUFKey.tokens, .array(.string, (TinyModel.controlTokens + ["a", "b", "c", "Ġ", "ab", "Ġa", "Ċ", "x", "y", "z", "é", "😀", "q"]).map { .string($0) }))
small.set(GGUFKey.tokenType, .array(.int32, (0..<16).map { .int32($0 < 3 ? 3 : 1) }))
small.set(GGUFKey.merges, .array(.string, [.string("a b"), .string("Ġ a")]))
small.set(GGUFKey.bosTokenID, .uint32(1))
small.set(GGUFKey.eosTokenID, .uint32(2))
let smallData = try small.data()
try seed("FuzzGGUF", "small-llama.gguf", smallData)
try seed("FuzzGGUF", "small-llama-truncated.gguf", smallData.prefix(smallData.count / 2))
try seed("FuzzGGUF", "small-llama-corrupted.gguf", corrupted(smallData, start: 9, stride: 97))
try seed("FuzzGGUF", "tiny-model-f16.gguf", try TinyModel.ggufData(matrixType: .f16))

// One tensor of every type the writer can encode, and metadata of every value type.
var types = GGUFWriter()
var rng = SeededRNG(seed: 11)
for type in [GGMLType.f32, .f16, .bf16, .q4_0, .q4_1, .q8_0] {
    try types.addTensor("t.\(type)", shape: [32], type: type, values: (0..<32).map { _ in rng.nextFloat() * 2 - 1 })
}
types.set("u8", .uint8(7)); types.set("i8", .int8(-7)); types.set("u16", .uint16(700)); types.set("i16", .int16(-700))
types.set("u32", .uint32(70_000)); types.set("i32", .int32(-70_000)); types.set("f32", .float32(0.5)); types.set("bool", .bool(true))
types.set("str", .string("é😀")); types.set("u64", .uint64(1 << 40)); types.set("i64", .int64(-(1 << 40))); types.set("f64", .float64(-0.25))
types.set("arr", .array(.array, [.array(.int32, [.int32(1), .int32(2)]), .array(.string, [.string("x")])]))
try seed("FuzzGGUF", "every-type.gguf", try types.data())

// MARK: - Adapter: [config length, state length (0xFFFF none)] + config + state + weights

/// Packs an adapter directory into one fuzz input (layout in FuzzAdapter.swift).
func packAdapter(config: Data, state: Data?, weights: Data) -> [UInt8] {
    let c = UInt16(config.count), s = state.map { UInt16($0.count) } ?? 0xFFFF
    return [UInt8(c & 0xFF), UInt8(c >> 8), UInt8(s & 0xFF), UInt8(s >> 8)] + config + (state ?? Data()) + weights
}

let adapterFolder = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-fuzz-seeds-\(ProcessInfo.processInfo.processIdentifier)")
defer { try? FileManager.default.removeItem(at: adapterFolder) }
let prompt = PromptVector(rows: 4, width: 16, values: (0..<64).map { Float($0) / 64 }, sourceTokenIDs: [5, 6],
                          initDescription: "seed")
let adapterConfig = AdapterConfig(numVirtualTokens: 4, tokenDim: 16, numAttentionHeads: 4, numLayers: 2,
                                  promptTuningInit: "TEXT", promptTuningInitText: "Classify", baseModelNameOrPath: "tiny")
let settings = TrainingSettings(batchSize: 4, seed: 3)
let state = PTuneState(training: TrainingState(settings: settings), settings: settings, dataHash: "fnv1a64:0123456789abcdef",
                       sourceTokenIDs: [5, 6], initDescription: "seed")
try PEFTAdapter.save(prompt: prompt, config: adapterConfig, state: state, to: adapterFolder)
func adapterFile(_ name: String) throws -> Data { try Data(contentsOf: adapterFolder.appendingPathComponent(name)) }
let savedConfig = try adapterFile(PEFTAdapter.configFile), savedState = try adapterFile(PEFTAdapter.stateFile)
let savedWeights = try adapterFile(PEFTAdapter.weightsFile)
try seed("FuzzAdapter", "saved-with-state", packAdapter(config: savedConfig, state: savedState, weights: savedWeights))
try seed("FuzzAdapter", "saved-no-state", packAdapter(config: savedConfig, state: nil, weights: savedWeights))
try seed("FuzzAdapter", "weights-truncated", packAdapter(config: savedConfig, state: nil, weights: savedWeights.prefix(savedWeights.count - 5)))
let twoTensors = try SafetensorsWriter.data(tensors: [SafetensorsTensor(name: "prompt_embeddings", shape: [4, 16], values: prompt.values),
                                                      SafetensorsTensor(name: "other", shape: [2, 1, 3], values: [1, 2, 3, 4, 5, 6])],
                                            metadata: ["format": "pt"])
try seed("FuzzAdapter", "two-tensors", packAdapter(config: savedConfig, state: nil, weights: twoTensors))
// A half-precision header written by hand (the writer emits F32 only): F16 and BF16 entries.
let halfHeader = #"{"prompt_embeddings":{"dtype":"F16","shape":[4,16],"data_offsets":[0,128]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[128,132]}}"#
var half = Data()
withUnsafeBytes(of: UInt64(halfHeader.utf8.count).littleEndian) { half.append(contentsOf: $0) }
half.append(contentsOf: halfHeader.utf8)
half.append(Data((0..<132).map { UInt8($0 % 251) }))
try seed("FuzzAdapter", "half-precision", packAdapter(config: savedConfig, state: nil, weights: half))

print("wrote the seed corpus to \(corpus.path)")
