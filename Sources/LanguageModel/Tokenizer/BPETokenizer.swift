/// Byte-level BPE tokenizer for Llama-family GGUF models (`tokenizer.ggml.model = gpt2`),
/// matching HF `tokenizers` and llama.cpp's `llama-vocab.cpp`.
///
/// `encode` runs the pipeline: special tokens written in the text are cut out
/// (`SpecialTokenSplitter`), the rest is cut into words (`PreTokenizer`), each word's UTF-8 bytes
/// become one piece per byte (`ByteLevel`) and are merged (`BPEMerge`). `decode` runs it backwards
/// (TokenDecoding.swift). The tokenizer is immutable and safe to share; each call keeps its own
/// scratch memory, and a bounded, locked word cache is the only shared mutable state.
public final class BPETokenizer: Sendable {
    // MARK: - Vocabulary

    /// Vocabulary pieces as stored, in byte-level spelling ("Ġworld"); index = id.
    let pieces: [String]
    /// llama.cpp token types per id: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    let tokenTypes: [Int32]
    /// The id of each piece (for duplicated pieces, the last id, as llama.cpp and HF do).
    let idForPiece: [String: Int32]
    /// `byteIDs[b]`: the id of the single-byte piece for byte `b`, or `unknownID` / -1 when absent.
    let byteIDs: [Int32]
    let merges: MergeTable
    let specials: SpecialTokenSplitter
    let cache = WordCache(capacity: 50_000)

    /// The pre-tokenizer that cuts text into words.
    public let preTokenizer: PreTokenizer
    /// Beginning-of-sequence id, if the model has one.
    public let bos: Int32?
    /// End-of-sequence id, if the model has one.
    public let eos: Int32?
    /// Unknown-piece id, used for a byte the vocabulary cannot spell.
    public let unknown: Int32?
    /// Padding id.
    public let padding: Int32?
    /// Whether `encode` starts every sequence with `bos`.
    public let addBOS: Bool

    /// Token type of control tokens (llama.cpp `LLAMA_TOKEN_TYPE_CONTROL`).
    static let controlType: Int32 = 3
    /// Token type of user-defined tokens, which llama.cpp also matches literally in the input.
    static let userDefinedType: Int32 = 4

    /// Builds a tokenizer from a vocabulary, its merges ("left right", best first) and token types.
    /// Throws `TokenizerError` when the parts do not fit together.
    public init(tokens: [String], merges: [String], tokenTypes: [Int32],
                bosID: Int32?, eosID: Int32?, unknownID: Int32?, paddingID: Int32?,
                addBOS: Bool, preTokenizer: PreTokenizer) throws {
        guard !tokens.isEmpty else { throw TokenizerError.emptyVocabulary }
        guard tokenTypes.count == tokens.count else {
            throw TokenizerError.tokenTypeCountMismatch(tokens: tokens.count, types: tokenTypes.count)
        }
        for (name, id) in [("bos", bosID), ("eos", eosID), ("unknown", unknownID), ("padding", paddingID)] {
            if let id, !(0..<Int32(tokens.count)).contains(id) {
                throw TokenizerError.specialIDOutOfRange(name: name, id: id, vocabularySize: tokens.count)
            }
        }
        var idForPiece: [String: Int32] = [:]
        idForPiece.reserveCapacity(tokens.count)
        for (id, piece) in tokens.enumerated() { idForPiece[piece] = Int32(id) }

        self.pieces = tokens
        self.tokenTypes = tokenTypes
        self.idForPiece = idForPiece
        self.byteIDs = ByteLevel.scalarForByte.map { idForPiece[String($0)] ?? unknownID ?? -1 }
        self.merges = try MergeTable(lines: merges, idForPiece: idForPiece)
        self.specials = SpecialTokenSplitter(specials: tokens.indices.compactMap { id in
            let type = tokenTypes[id]
            guard type == Self.controlType || type == Self.userDefinedType else { return nil }
            return (tokens[id], Int32(id))
        })
        self.preTokenizer = preTokenizer
        self.bos = bosID
        self.eos = eosID
        self.unknown = unknownID
        self.padding = paddingID
        self.addBOS = addBOS
    }

    // MARK: - Queries

    /// Number of ids (V).
    public var vocabularySize: Int { pieces.count }

    /// Whether `id` is a control token (type 3), such as `<|im_end|>`.
    public func isControl(_ id: Int32) -> Bool {
        tokenTypes.indices.contains(Int(id)) && tokenTypes[Int(id)] == Self.controlType
    }

    /// The raw vocabulary string of `id`, e.g. "Ġworld"; empty for an id outside the vocabulary.
    public func piece(_ id: Int32) -> String {
        pieces.indices.contains(Int(id)) ? pieces[Int(id)] : ""
    }

    /// The id whose raw vocabulary string is `piece`, if any.
    public func id(forPiece piece: String) -> Int32? { idForPiece[piece] }

    // MARK: - Encoding

    /// The ids of `text`. Special-token text in the input becomes that token's id; nothing is added
    /// around the text except `bos` in front when `addBOS` is set.
    public func encode(_ text: String) -> [Int32] {
        var output: [Int32] = []
        if addBOS, let bos { output.append(bos) }

        let scalars = Array(text.unicodeScalars)  // scalars: (S) the input's Unicode scalars
        let classes = scalars.map(CharacterClass.of)  // classes: (S) their regex classes
        var words: [Range<Int>] = []
        var scratch = BPEMerge.Scratch()
        var bytes: [UInt8] = []

        for segment in specials.split(scalars) {
            switch segment {
            case .special(let id):
                output.append(id)
            case .text(let range):
                words.removeAll(keepingCapacity: true)
                preTokenizer.split(scalars, classes: classes, range: range, into: &words)
                for word in words {
                    bytes.removeAll(keepingCapacity: true)
                    for scalar in scalars[word] { bytes.append(contentsOf: UTF8.encode(scalar)!) }
                    encodeWord(bytes, scratch: &scratch, into: &output)
                }
            }
        }
        return output
    }

    /// Appends the ids of one pre-tokenized word given as UTF-8 bytes.
    private func encodeWord(_ bytes: [UInt8], scratch: inout BPEMerge.Scratch, into output: inout [Int32]) {
        let key = String(decoding: bytes, as: UTF8.self)
        if let cached = cache.ids(for: key) {
            output.append(contentsOf: cached)
            return
        }
        let start = output.count
        if preTokenizer.ignoresMergesForWholeWords, let whole = idForPiece[ByteLevel.encode(bytes)] {
            output.append(whole)
        } else {
            let symbols = bytes.map { byteIDs[Int($0)] }.filter { $0 >= 0 }
            BPEMerge.fast(symbols, merges: merges, scratch: &scratch, into: &output)
        }
        cache.store(Array(output[start...]), for: key)
    }
}
