// History and Tab-completion decisions: the parts of line editing that need no terminal.
import Foundation
import Testing
@testable import Terminal

@Suite("LineHistory")
struct LineHistoryTests {
    @Test func dropsBlankAndConsecutiveDuplicateLinesAndCapsTheSize() {
        var history = LineHistory(capacity: 3)
        for line in ["a", "a", "", "b", "a", "c", "d"] { history.add(line) }
        #expect(history.entries == ["a", "c", "d"])
    }

    @Test func escapingRoundTripsBackslashesAndNewlines() {
        for entry in ["plain", "two\nlines", "back\\slash", "trailing\\", "\\n literally", "cr\r"] {
            let encoded = LineHistory.encode(entry)
            #expect(!encoded.contains("\n"), "encoded \(entry.debugDescription) as \(encoded.debugDescription)")
            #expect(LineHistory.decode(encoded) == entry, "round trip of \(entry.debugDescription)")
        }
    }

    @Test func savesAndLoadsAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-hist-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/history").path
        var history = LineHistory()
        for line in ["load", "ask \"multi\nline\"", "日本 ✓"] { history.add(line) }
        try history.save(path: path)
        var loaded = LineHistory()
        try loaded.load(path: path)
        #expect(loaded == history)
        var missing = LineHistory()
        try missing.load(path: dir.appendingPathComponent("absent").path)
        #expect(missing.entries.isEmpty)
    }
}

@Suite("TabCompletion")
struct TabCompletionTests {
    @Test func commonPrefixWorksOnWholeCharacters() {
        #expect(TabCompletion.commonPrefix(["train", "trace", "trail"]) == "tra")
        #expect(TabCompletion.commonPrefix(["e\u{301}a", "e\u{301}b"]) == "e\u{301}")
        #expect(TabCompletion.commonPrefix(["x", "y"]) == "")
        #expect(TabCompletion.commonPrefix([]) == "")
    }

    @Test func insertsTheCommonPrefixReplacingTheTypedWord() {
        let action = TabCompletion.action(
            line: "set tr", cursorUTF8: 6, replaceFromUTF8: 4, candidates: ["train", "trace"], repeatedTab: false)
        #expect(action == .replace(deleteScalars: 2, insert: "tra"))
    }

    @Test func aSingleCandidateIsCompletedWithASpaceUnlessOneFollows() {
        #expect(TabCompletion.action(line: "lo", cursorUTF8: 2, replaceFromUTF8: 0, candidates: ["load"], repeatedTab: false)
            == .replace(deleteScalars: 2, insert: "load "))
        #expect(TabCompletion.action(line: "lo x", cursorUTF8: 2, replaceFromUTF8: 0, candidates: ["load"], repeatedTab: false)
            == .replace(deleteScalars: 2, insert: "load"))
        #expect(TabCompletion.action(line: "\"da", cursorUTF8: 3, replaceFromUTF8: 1, candidates: ["data/"], repeatedTab: false)
            == .replace(deleteScalars: 2, insert: "data/"))
    }

    @Test func deletesScalarsNotBytesForNonAsciiWords() {
        let action = TabCompletion.action(
            line: "ask \"日", cursorUTF8: 8, replaceFromUTF8: 5, candidates: ["日本語\""], repeatedTab: false)
        #expect(action == .replace(deleteScalars: 1, insert: "日本語\" "))
    }

    @Test func ambiguityBeepsFirstAndListsOnTheSecondTab() {
        let words = ["train", "tokens", "trace"]
        #expect(TabCompletion.action(line: "t", cursorUTF8: 1, replaceFromUTF8: 0, candidates: words, repeatedTab: false) == .beep)
        #expect(TabCompletion.action(line: "t", cursorUTF8: 1, replaceFromUTF8: 0, candidates: words, repeatedTab: true) == .list(words))
        #expect(TabCompletion.action(line: "zz", cursorUTF8: 2, replaceFromUTF8: 0, candidates: [], repeatedTab: true) == .beep)
    }

    @Test func listingUsesColumnsThatFitTheWidth() {
        let words = (1...7).map { "word\($0)" }
        let listing = TabCompletion.listing(words, width: 24)  // cells of 7 columns → 3 per row
        let lines = listing.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "got \(lines)")
        #expect(lines[0].hasPrefix("word1  word4  word7"))
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 24 })
    }

    @Test func zeroWidthMarkersWrapPromptEscapes() {
        let marked = LibEditLineEditor.markZeroWidth("\u{1B}[1;36mptune\u{1B}[0m> ")
        #expect(marked == "\u{1}\u{1B}[1;36m\u{1}ptune\u{1}\u{1B}[0m\u{1}> ")
    }
}
