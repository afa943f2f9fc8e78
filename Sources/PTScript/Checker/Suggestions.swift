// MARK: - "Did you mean" suggestions

/// Finds the closest known name to a misspelt one.
public enum Suggestions {
    /// The best candidate for `word`: a case-insensitive match, else the only candidate that
    /// starts with `word`, else the nearest by edit distance (transpositions count once) when it
    /// is close enough for the word's length. Nil when nothing is convincing.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        SuggestionIndex(candidates).closest(to: word)
    }

    // Lower-cased scalars; ASCII (every command and setting name) without `lowercased()`'s
    // Unicode tables, since every candidate of every misspelt word goes through here.
    static func folded(_ text: String) -> [Unicode.Scalar] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return Array(text.lowercased().unicodeScalars) }
        return text.utf8.map { Unicode.Scalar($0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0) }
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1 (so `trian` → `train` is 1).
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func distance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        // d: (x.count + 1, y.count + 1), row-major, on the stack: this runs for every candidate
        // name of every misspelt word, which in a long script adds up.
        let width = y.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: (x.count + 1) * width) { d in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    for i in 0...x.count { d[i * width] = i }
                    for j in 0...y.count { d[j] = j }
                    for i in 1...x.count {
                        for j in 1...y.count {
                            let cost = x[i - 1] == y[j - 1] ? 0 : 1
                            var best = min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1, d[(i - 1) * width + j - 1] + cost)
                            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                                best = min(best, d[(i - 2) * width + j - 2] + 1)
                            }
                            d[i * width + j] = best
                        }
                    }
                    return d[x.count * width + y.count]
                }
            }
        }
    }
}

/// A fixed candidate list with its folded spellings computed once: the catalog's command and
/// setting names are looked up for every misspelt word of a long script, and folding ~40 names
/// per lookup was most of the cost of "did you mean".
public struct SuggestionIndex: Sendable {
    /// The names, as given.
    public let candidates: [String]
    private let folds: [[Unicode.Scalar]]

    /// An index over `candidates`.
    public init(_ candidates: [String]) {
        self.candidates = candidates
        self.folds = candidates.map(Suggestions.folded)
    }

    /// `Suggestions.closest(to:in:)` over this index's candidates.
    public func closest(to word: String) -> String? {
        let x = Suggestions.folded(word)
        if let exact = folds.firstIndex(of: x) { return candidates[exact] }
        if x.count >= 2 {
            var prefixed: Int?
            var prefixCount = 0
            for (i, y) in folds.enumerated() where y.starts(with: x) {
                prefixCount += 1
                prefixed = i
            }
            if prefixCount == 1, let i = prefixed { return candidates[i] }
        }
        let limit = x.count <= 2 ? 1 : x.count <= 7 ? 2 : 3
        var best: (name: String, distance: Int)?
        for (candidate, y) in zip(candidates, folds) {
            // The distance is at least the difference in length: skip the table when that is too far.
            guard abs(y.count - x.count) <= limit else { continue }
            let d = Suggestions.distance(x, y)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.name
    }
}
