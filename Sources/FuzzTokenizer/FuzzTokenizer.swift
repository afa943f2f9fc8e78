import Foundation
import FuzzSupport
import LanguageModel
import PTuneTestSupport

// MARK: - Tokenizer fuzz target
//
// Arbitrary bytes through the byte-level BPE tokenizer, two ways:
//   1. As text (UTF-8, invalid sequences replaced): encode, then decode in one call and through
//      the streaming decoder. Properties: decode(encode(s)) == s whenever the vocabulary has a piece
//      for every byte of s (special-token text decodes to itself, so it round-trips too), and
//      streaming hands out exactly the same text. SmolLM2's vocabulary lacks a few control bytes
//      (e.g. 0x04), which encode as the unknown token by design, so text containing them is only
//      checked not to trap.
//   2. As raw ids (little-endian Int32s, in range or not): decode, stream and display each piece.
// The tokenizer is TinyModel's (built in code, always available); when the SmolLM2 model file is
// present, odd first bytes use its real 49 152-token vocabulary instead.

let tokenizers: [BPETokenizer] = {
    var all: [BPETokenizer] = []
    do {
        all.append(try BPETokenizer(gguf: try GGUFFile(data: try TinyModel.ggufData())))
    } catch {
        fatalError("cannot build the TinyModel tokenizer: \(error)")
    }
    if let path = Fixtures.defaultModelPath, let file = try? GGUFFile(path: path), let real = try? BPETokenizer(gguf: file) {
        all.append(real)
    }
    return all
}()

/// `spellable[t][b]`: whether tokenizer `t` has a single-byte piece for byte `b`.
let spellable: [[Bool]] = tokenizers.map { tokenizer in TinyModel.byteSymbols.map { tokenizer.id(forPiece: $0) != nil } }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let first = bytes.first else { return 0 }
    let which = Int(first) % tokenizers.count
    let tokenizer = tokenizers[which]
    let payload = bytes.dropFirst()

    // MARK: Text round trip
    let text = String(decoding: payload, as: UTF8.self)
    let ids = tokenizer.encode(text)
    fuzzExpect(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "encode produced an id outside the vocabulary")
    let decoded = tokenizer.decode(ids)
    let exact = text.utf8.allSatisfy { spellable[which][Int($0)] }
    fuzzExpect(!exact || decoded == text, "decode(encode(s)) != s for s = \(text.debugDescription), got \(decoded.debugDescription)")
    var stream = StreamingDecoder(tokenizer: tokenizer)
    var streamed = ""
    for id in ids { streamed += stream.append(id) }
    streamed += stream.finish()
    fuzzExpect(streamed == decoded || !exact, "streaming decode gave \(streamed.debugDescription) for \(text.debugDescription)")

    // MARK: Raw ids
    var rawIDs: [Int32] = []
    var i = payload.startIndex
    while i + 4 <= payload.endIndex {
        rawIDs.append(Int32(bitPattern: UInt32(payload[i]) | UInt32(payload[i + 1]) << 8 | UInt32(payload[i + 2]) << 16 | UInt32(payload[i + 3]) << 24))
        i += 4
    }
    _ = tokenizer.decode(rawIDs)
    var rawStream = StreamingDecoder(tokenizer: tokenizer)
    for id in rawIDs {
        _ = rawStream.append(id)
        _ = tokenizer.displayPiece(id)
    }
    _ = rawStream.finish()
    return 0
}
