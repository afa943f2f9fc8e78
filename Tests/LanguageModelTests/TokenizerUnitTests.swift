import Testing
import Numerics
@testable import LanguageModel

/// The tokenizer's stages on a small vocabulary built here: every byte, a few merges, one
/// control token. Real-model behaviour is in TokenizerGoldenTests.
@Suite("Tokenizer: stages on a built vocabulary")
struct TokenizerUnitTests {
    /// id 0 = "<|end|>" (control), ids 1...256 = the byte pieces in byte order, then merge results.
    static func makeTokenizer(merges: [String] = defaultMerges, pre: PreTokenizer = .smollm,
                              addBOS: Bool = false) throws -> BPETokenizer {
        var tokens = ["<|end|>"] + ByteLevel.scalarForByte.map { String($0) }
        for merge in merges {
            let joined = merge.split(separator: " ").joined()
            if !tokens.contains(joined) { tokens.append(joined) }
        }
        var types = [Int32](repeating: 1, count: tokens.count)
        types[0] = 3
        return try BPETokenizer(tokens: tokens, merges: merges, tokenTypes: types,
                                bosID: 0, eosID: 0, unknownID: nil, paddingID: 0,
                                addBOS: addBOS, preTokenizer: pre)
    }

    static let defaultMerges = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"]

    func byteID(_ c: Character) -> Int32 { Int32(c.asciiValue!) + 1 }

    // MARK: - Byte level

    @Test("byte table is a bijection onto printable scalars, with GPT-2's well-known entries")
    func byteTable() {
        let table = ByteLevel.scalarForByte
        #expect(Set(table).count == 256)
        #expect(table[0x20] == "Ġ" && table[0x0A] == "Ċ" && table[0x09] == "ĉ" && table[0x41] == "A")
        #expect(table[0x00] == "\u{100}" && table[0xAD] == "\u{143}")
        for byte in 0..<256 { #expect(ByteLevel.byte(for: table[byte]) == UInt8(byte)) }
        #expect(ByteLevel.byte(for: "€") == nil)
    }

    // MARK: - BPE

    @Test("merges apply by rank and words keep their leading space")
    func mergesByRank() throws {
        let tok = try Self.makeTokenizer()
        let ids = tok.encode("hello world")
        #expect(ids.map(tok.piece) == ["hello", "Ġworld"])
        #expect(tok.decode(ids) == "hello world")

        // "a b" before "b c" → "ab c"; the other order → "a bc".
        let first = try Self.makeTokenizer(merges: ["a b", "b c"])
        #expect(first.encode("abc").map(first.piece) == ["ab", "c"])
        let second = try Self.makeTokenizer(merges: ["b c", "a b"])
        #expect(second.encode("abc").map(second.piece) == ["a", "bc"])
    }

    @Test("heap merge equals the plain quadratic merge on many words")
    func fastEqualsNaive() throws {
        let merges = ["a b", "b a", "ab a", "a a", "b b", "aa b", "ba ba", "ab ab", "abab a", "bb a"]
        let tok = try Self.makeTokenizer(merges: merges)
        var rng = SeededRNG(seed: 7)
        var scratch = BPEMerge.Scratch()
        for _ in 0..<500 {
            let length = Int(rng.next() % 40) + 1
            let symbols = (0..<length).map { _ in rng.next() % 2 == 0 ? byteID("a") : byteID("b") }
            var fast: [Int32] = []
            BPEMerge.fast(symbols, merges: tok.merges, scratch: &scratch, into: &fast)
            let naive = BPEMerge.naive(symbols, merges: tok.merges)
            #expect(fast == naive, "word \(symbols.map { $0 == byteID("a") ? "a" : "b" }.joined())")
        }
    }

    @Test("control-token text becomes its id, longest match, between words")
    func controlTokens() throws {
        let tok = try Self.makeTokenizer()
        let ids = tok.encode("hello<|end|>world<|end")
        #expect(ids.first == tok.encode("hello").first)
        #expect(ids.contains(0))
        #expect(tok.decode(ids) == "hello<|end|>world<|end")
        #expect(tok.encode("<|end|>") == [0])
        #expect(tok.isControl(0) && !tok.isControl(1))
        #expect(tok.displayPiece(0) == "<|end|>")

        let splitter = SpecialTokenSplitter(specials: [("<a>", 5), ("<a><b>", 6), ("<b>", 7)])
        let scalars = Array("x<a><b>y<a>".unicodeScalars)
        #expect(splitter.split(scalars) == [.text(0..<1), .special(6), .text(7..<8), .special(5)])
    }

    @Test("BOS is added only when asked")
    func bos() throws {
        #expect(try Self.makeTokenizer(addBOS: true).encode("he").first == 0)
        #expect(try Self.makeTokenizer(addBOS: false).encode("he").first != 0)
        #expect(try Self.makeTokenizer(addBOS: true).encode("") == [0])
    }

    // MARK: - Decode

    @Test("display pieces show spaces, newlines and partial UTF-8 bytes")
    func displayPieces() throws {
        let tok = try Self.makeTokenizer()
        let world = tok.encode(" world")
        #expect(world.map(tok.displayPiece) == ["␣world"])
        #expect(tok.encode("\n\t").map(tok.displayPiece) == ["↵", "→"])
        let emoji = tok.encode("😀")  // F0 9F 98 80, one id per byte in this vocabulary
        #expect(emoji.count == 4)
        #expect(emoji.map(tok.displayPiece) == ["<0xF0>", "<0x9F>", "<0x98>", "<0x80>"])
        #expect(tok.piece(Int32(tok.vocabularySize)) == "")
    }

    @Test("streaming decoder holds back a 4-byte emoji split across ids")
    func streaming() throws {
        let tok = try Self.makeTokenizer()
        let ids = tok.encode("a😀b")
        #expect(ids.count == 6)
        var decoder = StreamingDecoder(tokenizer: tok)
        let outputs = ids.map { decoder.append($0) }
        #expect(outputs == ["a", "", "", "", "😀", "b"])
        #expect(!decoder.hasPendingBytes)
        #expect(decoder.finish() == "")

        // An unfinished character at the end is released by finish() as U+FFFD.
        var cut = StreamingDecoder(tokenizer: tok)
        #expect(ids.prefix(3).map { cut.append($0) }.joined() == "a")
        #expect(cut.hasPendingBytes)
        #expect(cut.finish() == "\u{FFFD}")
        // A byte that can never start a character is not held back.
        var bad = StreamingDecoder(tokenizer: tok)
        #expect(bad.append(byteID("a") - 0x61 + 0x80) == "\u{FFFD}")
    }

    // MARK: - Errors

    @Test("malformed vocabularies fail with typed errors")
    func errors() throws {
        #expect(throws: TokenizerError.malformedMerge(index: 0, text: "ab")) {
            try Self.makeTokenizer(merges: ["ab"])
        }
        #expect(throws: TokenizerError.mergeTokenMissing(index: 0, piece: "€")) {
            try BPETokenizer(tokens: ["a"], merges: ["a €"], tokenTypes: [1], bosID: nil, eosID: nil,
                             unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
        }
        // The split is the first space after the first character: "  a" is " " + "a", and a
        // multi-byte first piece is split after its whole character; a line with nothing after
        // the space, or no space, is malformed.
        for (line, left, right) in [("  a", " ", "a"), ("é a", "é", "a"), ("😀  ", "😀", " ")] {
            #expect(throws: TokenizerError.mergeTokenMissing(index: 0, piece: left)) {
                try BPETokenizer(tokens: ["x"], merges: [line], tokenTypes: [1], bosID: nil, eosID: nil,
                                 unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
            }
            #expect(throws: TokenizerError.mergeTokenMissing(index: 0, piece: right)) {
                try BPETokenizer(tokens: [left], merges: [line], tokenTypes: [1], bosID: nil, eosID: nil,
                                 unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
            }
        }
        for line in ["", "a", "a ", "é ", " "] {
            #expect(throws: TokenizerError.malformedMerge(index: 0, text: line)) {
                try BPETokenizer(tokens: ["a"], merges: [line], tokenTypes: [1], bosID: nil, eosID: nil,
                                 unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
            }
        }
        #expect(throws: TokenizerError.tokenTypeCountMismatch(tokens: 1, types: 0)) {
            try BPETokenizer(tokens: ["a"], merges: [], tokenTypes: [], bosID: nil, eosID: nil,
                             unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
        }
        #expect(throws: TokenizerError.specialIDOutOfRange(name: "eos", id: 9, vocabularySize: 1)) {
            try BPETokenizer(tokens: ["a"], merges: [], tokenTypes: [1], bosID: nil, eosID: 9,
                             unknownID: nil, paddingID: nil, addBOS: false, preTokenizer: .gpt2)
        }
    }
}
