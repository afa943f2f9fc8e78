/// GPT-2's byte-level split regex as a hand-written scanner over Unicode scalars.
///
/// The regex (HF `ByteLevel(use_regex: true)`, llama.cpp's `gpt-2`):
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position, as a backtracking engine does. The optional
/// leading space is U+0020 only; `\s+(?!\S)` leaves the last space of a run for the word after it,
/// which is why " world" keeps its space while a run at the end of the text stays whole.
enum GPT2Split {
    static func split(_ w: ScalarWindow, into words: inout [Range<Int>]) {
        var pos = w.range.lowerBound
        let end = w.range.upperBound
        while pos < end {
            let length = match(w, at: pos)
            words.append(pos..<(pos + length))
            pos += length
        }
    }

    /// The length (≥ 1) of the regex match that starts at `pos`.
    private static func match(_ w: ScalarWindow, at pos: Int) -> Int {
        let c = w.scalars[pos]
        let cls = w.classes[pos]

        // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive)
        if c == "'", let contraction = contractionLength(w, at: pos) { return contraction }

        // ` ?` : a leading U+0020 joins the run of the class that follows it.
        let lead = (c == " ") ? 1 : 0
        let runClass = (lead == 1) ? w.cls(pos + 1) : cls
        if let runClass, runClass != .whitespace {
            // ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+
            var i = pos + lead
            while w.cls(i) == runClass { i += 1 }
            return i - pos
        }

        // \s+(?!\S) | \s+
        let run = w.whitespaceRun(from: pos)
        let atEnd = pos + run == w.range.upperBound
        if run > 1 && !atEnd { return run - 1 }  // give the last space to the next word
        return max(run, 1)
    }

    /// `'s|'t|'m|'d` → 2, `'re|'ve|'ll` → 3, otherwise nil.
    private static func contractionLength(_ w: ScalarWindow, at pos: Int) -> Int? {
        guard let next = w.scalar(pos + 1) else { return nil }
        switch next {
        case "s", "t", "m", "d": return 2
        case "r", "v", "l":
            let want: Unicode.Scalar = (next == "l") ? "l" : "e"
            return w.scalar(pos + 2) == want ? 3 : nil
        default: return nil
        }
    }
}
