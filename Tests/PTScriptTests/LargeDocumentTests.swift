import Foundation
import Testing
@testable import PTScript

// MARK: - A 1 MB document
//
// The LSP re-diagnoses a whole document on every change, so parse + check must stay well under
// the 100 ms a keystroke can wait (issue 4). The time is printed, never asserted: a shared CI
// machine's wall clock is no test. Run with `-c release` for the figure that counts.

@Suite("Large documents")
struct LargeDocumentTests {
    /// One block of statements: every form the checker resolves, a comment, a non-ASCII string,
    /// a continued statement and exactly two errors and one warning, so counts scale with copies.
    static let block = """
        # a block of a long script — héllo, 日本語
        set learning_rate 0.03; set num_virtual_tokens 8
        pairs add "The soup was cold and the waiter rude." -> "negative"
        pairs add "Best pizza in town! 🍕" ->
            "positive"
        init "Classify the sentiment of this review:"
        train 50
        ask "The soup was cold and the waiter rude."
        trian 5
        set top_k 0
        set learning_rate 0.9
        nearest 3
        plot loss to "loss.svg"

        """

    static func document(bytes target: Int) -> (text: String, copies: Int) {
        let copies = target / block.utf8.count + 1
        return ("load\n" + String(repeating: block, count: copies), copies)
    }

    @Test("a 1 MB script is diagnosed completely; prints the parse + check time")
    func oneMegabyte() {
        let (text, copies) = Self.document(bytes: 1 << 20)
        #expect(text.utf8.count >= 1 << 20)
        var best = Double.infinity
        var bestCPU = Double.infinity
        var checked: CheckedScript?
        #if DEBUG
        let runs = 1  // a debug build is ~20× slower; its figure means little
        #else
        let runs = 5
        #endif
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let startCPU = threadCPUMilliseconds()
            let result = Checker.check(text, name: "big.ptscript")
            bestCPU = min(bestCPU, threadCPUMilliseconds() - startCPU)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            checked = result  // the previous result is freed here, outside the timed region
        }
        // The same on one thread, to show what resolving statements on every core buys.
        var bestOneThread = Double.infinity
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let script = Parser.parse(SourceFile(name: "big.ptscript", text: text))
            let result = Checker.check(script, context: CheckContext(), threads: 1)
            bestOneThread = min(bestOneThread, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            #expect(result.diagnostics.count == checked?.diagnostics.count)
        }
        print("parse + check on one thread: " + String(format: "%.1f ms wall", bestOneThread))
        let result = checked!
        print("parse + check of \(text.utf8.count) bytes (\(result.script.statements.count) statements): "
              + String(format: "%.1f ms wall, %.1f ms CPU", best, bestCPU) + " (best of \(runs))")
        let errors = result.diagnostics.filter { $0.severity == .error }
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(errors.count == 2 * copies, "two errors per block: got \(errors.count) for \(copies) blocks")
        #expect(warnings.count == copies, "one warning per block: got \(warnings.count) for \(copies) blocks")
        // The last block's typo is located exactly: the locations tracked while lexing must agree
        // with the line table's.
        let last = errors.last { $0.id == DiagnosticKind.unknownCommand.id }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLine = lines.lastIndex { $0 == "trian 5" }.map { $0 + 1 }
        #expect(last?.range.start.line == expectedLine)
        #expect(last?.range.start == result.script.source.location(at: last?.range.start.utf8Offset ?? 0))
    }

    @Test("statements resolved on several threads check exactly as on one")
    func threadedResolutionMatchesOneThread() {
        // Long enough to be cut into slices; the block has unknown commands, bad values, a
        // warning, continued statements and settings, and `quit` near the end makes the
        // script-level pass (run in order after resolution) report what follows it.
        let (body, _) = Self.document(bytes: 96 << 10)
        let script = Parser.parse(body + "quit\nask \"after\"\n", name: "threads.ptscript")
        #expect(script.statements.count > StatementResolution.parallelThreshold)
        let one = Checker.check(script, context: CheckContext(), threads: 1)
        for threads in [2, 3, 7] {
            let many = Checker.check(script, context: CheckContext(), threads: threads)
            #expect(many.diagnostics == one.diagnostics, "\(threads) threads: diagnostics differ")
            #expect(many.commands == one.commands, "\(threads) threads: commands differ")
        }
        #expect(one.diagnostics.contains { $0.id == DiagnosticKind.unreachableAfterQuit.id })
        #expect(Checker.check(script).diagnostics == one.diagnostics)  // the default choice too
    }

    @Test("locations tracked by the lexer equal the line table's, through non-ASCII text and CRLF")
    func lexerLocationsMatchLineTable() {
        let text = "ask \"日本 🍕\"\r\nset seed 3 # ß\n\"x\\u{41}\nmore\" -> é\n"
            + "ask é\u{0}x@\u{0}\u{0}-y $ 1.2.3 \u{0}\n"  // invalid tokens: reported, then made
        let source = SourceFile(text: text)
        let (tokens, diagnostics) = Lexer.tokenize(source)
        for token in tokens {
            #expect(token.range.start == source.location(at: token.range.start.utf8Offset), "\(token.lexeme)")
            #expect(token.range.end == source.location(at: token.range.end.utf8Offset), "\(token.lexeme)")
            for comment in token.leadingComments {
                #expect(comment.range.start == source.location(at: comment.range.start.utf8Offset))
            }
        }
        for diagnostic in diagnostics {
            #expect(diagnostic.range.start == source.location(at: diagnostic.range.start.utf8Offset))
        }
    }
}

/// CPU time of the calling thread in milliseconds: unlike the wall clock it does not count time the
/// thread waited for a core, so the figure means something on a busy machine too.
func threadCPUMilliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
}
