/// Finds special tokens written literally in the input and cuts them out before pre-tokenizing.
///
/// HF treats control tokens as "added tokens": wherever their text occurs in the input, it
/// becomes that token's id (even when no special tokens are being added), and only the text
/// between them goes through the pre-tokenizer and BPE. Matching is leftmost, then longest.
struct SpecialTokenSplitter: Sendable {
    /// One piece of the input: literal text (scalar indices) or a special token's id.
    enum Segment: Equatable {
        case text(Range<Int>)
        case special(Int32)
    }

    private struct Candidate: Sendable {
        let scalars: [Unicode.Scalar]
        let id: Int32
    }

    /// Candidates by their first scalar, longest first.
    private let candidatesByFirst: [Unicode.Scalar: [Candidate]]

    /// `specials` pairs each special token's text with its id; empty texts are ignored.
    init(specials: [(text: String, id: Int32)]) {
        var table: [Unicode.Scalar: [Candidate]] = [:]
        for (text, id) in specials {
            let scalars = Array(text.unicodeScalars)
            guard let first = scalars.first else { continue }
            table[first, default: []].append(Candidate(scalars: scalars, id: id))
        }
        for key in table.keys {
            // Longest first; among equal texts the lower id, so the choice never depends on order.
            table[key]!.sort { ($0.scalars.count, -$0.id) > ($1.scalars.count, -$1.id) }
        }
        candidatesByFirst = table
    }

    var isEmpty: Bool { candidatesByFirst.isEmpty }

    /// Cuts `scalars` into text and special-token segments, in order; no empty text segments.
    func split(_ scalars: [Unicode.Scalar]) -> [Segment] {
        if candidatesByFirst.isEmpty {
            return scalars.isEmpty ? [] : [.text(0..<scalars.count)]
        }
        var segments: [Segment] = []
        var textStart = 0
        var pos = 0
        while pos < scalars.count {
            if let candidates = candidatesByFirst[scalars[pos]],
               let hit = candidates.first(where: { matches($0.scalars, in: scalars, at: pos) }) {
                if textStart < pos { segments.append(.text(textStart..<pos)) }
                segments.append(.special(hit.id))
                pos += hit.scalars.count
                textStart = pos
            } else {
                pos += 1
            }
        }
        if textStart < scalars.count { segments.append(.text(textStart..<scalars.count)) }
        return segments
    }

    private func matches(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], at pos: Int) -> Bool {
        guard pos + needle.count <= haystack.count else { return false }
        for k in 0..<needle.count where haystack[pos + k] != needle[k] { return false }
        return true
    }
}
