/// Llama 3's split regex (and Qwen2's, which differs only in the number rule) as a hand-written
/// scanner over Unicode scalars.
///
/// Llama 3 (HF tokenizer.json; llama.cpp's `llama-bpe`):
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// Qwen2 (llama.cpp's `qwen2`) has `\p{N}` in place of `\p{N}{1,3}`: `maxDigits` is 3 or 1.
enum Llama3Split {
    static func split(_ w: ScalarWindow, maxDigits: Int, into words: inout [Range<Int>]) {
        var pos = w.range.lowerBound
        let end = w.range.upperBound
        while pos < end {
            let length = match(w, at: pos, maxDigits: maxDigits)
            words.append(pos..<(pos + length))
            pos += length
        }
    }

    private static func isLineBreak(_ c: Unicode.Scalar?) -> Bool { c == "\r" || c == "\n" }

    /// The length (≥ 1) of the regex match that starts at `pos`.
    private static func match(_ w: ScalarWindow, at pos: Int, maxDigits: Int) -> Int {
        let c = w.scalars[pos]
        let cls = w.classes[pos]

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if c == "'", let contraction = contractionLength(w, at: pos) { return contraction }

        // [^\r\n\p{L}\p{N}]?\p{L}+ : one optional non-letter, non-number, non-line-break lead.
        if cls == .letter || (cls != .number && !isLineBreak(c) && w.cls(pos + 1) == .letter) {
            var i = pos + 1
            while w.cls(i) == .letter { i += 1 }
            return i - pos
        }

        // \p{N}{1,3}  (Qwen2: \p{N})
        if cls == .number {
            var i = pos + 1
            while i - pos < maxDigits && w.cls(i) == .number { i += 1 }
            return i - pos
        }

        // ?[^\s\p{L}\p{N}]+[\r\n]*
        let lead = (c == " ") ? 1 : 0
        if (lead == 1 ? w.cls(pos + 1) : cls) == .other {
            var i = pos + lead
            while w.cls(i) == .other { i += 1 }
            while isLineBreak(w.scalar(i)) { i += 1 }
            return i - pos
        }

        // \s*[\r\n]+ : up to the last line break of the whitespace run.
        let run = w.whitespaceRun(from: pos)
        if let lastBreak = (pos..<(pos + run)).last(where: { isLineBreak(w.scalars[$0]) }) {
            return lastBreak + 1 - pos
        }

        // \s+(?!\S) | \s+
        let atEnd = pos + run == w.range.upperBound
        if run > 1 && !atEnd { return run - 1 }
        return max(run, 1)
    }

    /// Case-insensitive `'s|'t|'m|'d` → 2, `'re|'ve|'ll` → 3, otherwise nil.
    private static func contractionLength(_ w: ScalarWindow, at pos: Int) -> Int? {
        guard let next = w.scalar(pos + 1).map(asciiLower) else { return nil }
        switch next {
        case "s", "t", "m", "d": return 2
        case "r", "v", "l":
            let want: Unicode.Scalar = (next == "l") ? "l" : "e"
            return w.scalar(pos + 2).map(asciiLower) == want ? 3 : nil
        default: return nil
        }
    }

    private static func asciiLower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c
    }
}
