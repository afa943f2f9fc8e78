import Foundation
import FuzzSupport
import LanguageServer

// MARK: - LSP fuzz target
//
// Arbitrary bytes as what an editor writes to `ptune lsp`'s stdin. The first byte picks a read
// size (1…64 bytes), the rest is the stream. Three layers, as in the server:
//   1. Content-Length framing (`MessageFramer`), fed in reads of that size. Property: the frames
//      are the same as when the whole stream arrives in one read (partial reads change nothing).
//   2. JSON-RPC classification (`IncomingMessage.decode`) of every message body.
//   3. The document methods: didOpen/didChange/didClose on a `DocumentStore`, then diagnostics,
//      completion, hover, signature help, symbols, semantic tokens and formatting on the snapshot
//      at the (untrusted) positions the messages carry.
// The body cap is lowered to 64 KiB so a huge Content-Length is refused, never allocated.

/// The body cap for the fuzzed framer: large enough for every seed, small enough to keep inputs fast.
let maximumContentLength = 1 << 16

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let first = bytes.first else { return 0 }
    let readSize = Int(first % 64) + 1
    let stream = bytes.dropFirst()

    // MARK: Framing
    var whole = MessageFramer(maximumContentLength: maximumContentLength)
    whole.append(stream)
    var expected: [Frame] = []
    while let frame = whole.next() { expected.append(frame) }

    var chunked = MessageFramer(maximumContentLength: maximumContentLength)
    var frames: [Frame] = []
    var start = stream.startIndex
    while start < stream.endIndex {
        let end = min(start + readSize, stream.endIndex)
        chunked.append(stream[start..<end])
        while let frame = chunked.next() { frames.append(frame) }
        start = end
    }
    fuzzExpect(frames == expected, "reads of \(readSize) bytes framed \(frames.count) frames, one read framed \(expected.count)")

    // MARK: JSON-RPC and document methods
    var documents = DocumentStore()
    for case .message(let body) in frames {
        switch IncomingMessage.decode(body) {
        case .request(_, let method, let params), .notification(let method, let params):
            handle(method, params, &documents)
        case .response, .invalid:
            break
        }
    }
    return 0
}

/// What the server does with one message, minus writing the replies.
func handle(_ method: String, _ params: MessageParams, _ documents: inout DocumentStore) {
    let service = ScriptService()
    switch method {
    case DidOpenTextDocumentNotification.method:
        guard let p = try? params.decode(DidOpenTextDocumentParams.self) else { return }
        _ = service.diagnostics(documents.open(p.textDocument))
    case DidChangeTextDocumentNotification.method:
        guard let p = try? params.decode(DidChangeTextDocumentParams.self),
              let snapshot = try? documents.change(p.textDocument.uri, version: p.textDocument.version, p.contentChanges)
        else { return }
        _ = service.diagnostics(snapshot)
    case DidCloseTextDocumentNotification.method:
        guard let p = try? params.decode(DidCloseTextDocumentParams.self) else { return }
        documents.close(p.textDocument.uri)
    case CompletionRequest.method:
        guard let p = try? params.decode(CompletionParams.self), let snapshot = try? documents.snapshot(p.textDocument.uri) else { return }
        _ = service.completion(snapshot, at: p.position)
    case HoverRequest.method, SignatureHelpRequest.method:
        guard let p = try? params.decode(TextDocumentPositionParams.self), let snapshot = try? documents.snapshot(p.textDocument.uri) else { return }
        _ = service.hover(snapshot, at: p.position)
        _ = service.signatureHelp(snapshot, at: p.position)
    case DocumentSymbolRequest.method, SemanticTokensRequest.method, DocumentFormattingRequest.method:
        guard let p = try? params.decode(DocumentSymbolParams.self), let snapshot = try? documents.snapshot(p.textDocument.uri) else { return }
        _ = service.documentSymbols(snapshot)
        _ = service.semanticTokens(snapshot)
        _ = service.format(snapshot)
    default:
        _ = try? params.decode(InitializeParams.self)
    }
}
