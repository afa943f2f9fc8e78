import FuzzSupport
import PTScript

// MARK: - PTScript fuzz target
//
// Arbitrary bytes, decoded as UTF-8 with invalid sequences replaced, through everything the REPL,
// `ptune check` and the language server do with untrusted text: lex, parse (with recovery), check
// against the catalog, render every diagnostic, ask whether the text is incomplete, and complete
// at a cursor taken from the input. Properties: nothing traps, every diagnostic range lies inside
// the text, and token ranges are ordered and in bounds.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    let source = SourceFile(name: "fuzz.ptscript", text: text)
    let length = text.utf8.count

    let (tokens, _) = Lexer.tokenize(source)
    var previousStart = 0
    for token in tokens {
        let range = token.range
        fuzzExpect(range.start.utf8Offset >= previousStart && range.start.utf8Offset <= range.end.utf8Offset
                   && range.end.utf8Offset <= length,
                   "token \(token) out of order or out of bounds (text is \(length) bytes)")
        previousStart = range.start.utf8Offset
    }

    let checked = Checker.check(Parser.parse(source), context: CheckContext(modelLoaded: bytes.first.map { $0 & 1 == 1 } ?? false))
    for diagnostic in checked.diagnostics {
        fuzzExpect(diagnostic.range.start.utf8Offset >= 0 && diagnostic.range.end.utf8Offset <= length,
                   "diagnostic \(diagnostic) has range \(diagnostic.range) outside \(length) bytes")
    }
    _ = DiagnosticRenderer().render(checked.diagnostics, in: source)
    _ = Parser.isIncomplete(text)

    // A cursor anywhere in the text, including past its end (the LSP may send stale positions).
    let cursor = bytes.count >= 2 ? (Int(bytes[0]) << 8 | Int(bytes[1])) % (length + 2) : 0
    _ = Completer.complete(text: text, cursorUTF8Offset: cursor, context: CompletionContext(snapshots: ["s1"]))
    return 0
}
