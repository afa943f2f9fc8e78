// What one Tab press does, decided in plain Swift so it is testable without a terminal:
// insert the candidates' common prefix, or on a second Tab with nothing to add, list them (bash-like).

/// The decision for one Tab press.
public enum TabCompletionAction: Equatable, Sendable {
    /// Delete `deleteScalars` Unicode scalars before the cursor, then insert `insert`.
    case replace(deleteScalars: Int, insert: String)
    /// Show these candidates below the line and redraw it.
    case list([String])
    /// Nothing to do: ring the bell.
    case beep
}

/// Turns a completion provider's answer into an edit.
public enum TabCompletion {
    /// Decides what Tab does for `line` with the cursor at `cursorUTF8`, given the provider's
    /// `replaceFromUTF8` and `candidates`; `repeatedTab` is true when the previous key was a Tab
    /// that left this same line and cursor unchanged.
    public static func action(
        line: String, cursorUTF8: Int, replaceFromUTF8: Int, candidates: [String], repeatedTab: Bool
    ) -> TabCompletionAction {
        let unique = uniqued(candidates)
        guard !unique.isEmpty else { return .beep }
        let utf8 = Array(line.utf8)
        let cursor = min(max(cursorUTF8, 0), utf8.count)
        let from = min(max(replaceFromUTF8, 0), cursor)
        let typed = String(decoding: utf8[from..<cursor], as: UTF8.self)
        let deleteCount = typed.unicodeScalars.count

        if unique.count == 1 {
            let only = unique[0]
            let nextByte = cursor < utf8.count ? utf8[cursor] : nil
            // a finished word gets a space, as in bash — unless one follows already, or the
            // candidate is a directory that the user will keep typing into
            let needsSpace = !only.hasSuffix("/") && nextByte != UInt8(ascii: " ")
            let text = only + (needsSpace ? " " : "")
            if only == typed && !needsSpace { return .beep }
            return .replace(deleteScalars: deleteCount, insert: text)
        }
        let prefix = commonPrefix(unique)
        // progress means a longer prefix, or the same length spelled differently (case fixes);
        // a shorter one would delete what the user typed, so it only lists
        if prefix != typed && prefix.utf8.count >= typed.utf8.count {
            return .replace(deleteScalars: deleteCount, insert: prefix)
        }
        return repeatedTab ? .list(unique) : .beep
    }

    /// The longest common prefix of `words`, by whole characters.
    public static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let chars = Array(word)
            var n = 0
            while n < prefix.count && n < chars.count && prefix[n] == chars[n] { n += 1 }
            prefix.removeLast(prefix.count - n)
        }
        return String(prefix)
    }

    /// Candidates laid out in columns (column-major, like `ls`) to fit `width` display columns.
    public static func listing(_ candidates: [String], width: Int) -> String {
        guard !candidates.isEmpty else { return "" }
        let cellWidth = (candidates.map(DisplayWidth.of).max() ?? 0) + 2
        let columns = max(1, min(candidates.count, max(width, 1) / max(cellWidth, 1)))
        let rows = (candidates.count + columns - 1) / columns
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < candidates.count else { break }
                let isLast = column == columns - 1 || (column + 1) * rows + row >= candidates.count
                line += isLast ? candidates[index] : DisplayWidth.pad(candidates[index], to: cellWidth)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func uniqued(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }
}
