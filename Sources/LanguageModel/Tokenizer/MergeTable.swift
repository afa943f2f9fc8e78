/// The ranked merge rules of a BPE vocabulary, keyed by the ids of the two pieces they join.
///
/// Merges are ranked by their position in the merges list (earlier = applied first). Keying by
/// ids rather than strings is exact because every piece has one id, and it lets BPE run on
/// integer arrays.
struct MergeTable: Sendable {
    /// What merging a pair produces.
    struct Merge: Sendable, Equatable {
        /// Position in the merges list; lower merges first.
        let rank: Int32
        /// The id of the joined piece.
        let result: Int32
    }

    private let merges: [UInt64: Merge]

    /// Parses "left right" lines against the vocabulary (`idForPiece`).
    init(lines: [String], idForPiece: [String: Int32]) throws {
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            // As llama.cpp: the separator is the first space after the first character, so a
            // piece that is itself a space (possible in non-byte-level vocabularies) stays intact.
            // Split on UTF-8 bytes (a space is one byte and never inside a multi-byte scalar):
            // the same split as by scalars, without copying every line into an array (the
            // default model has 48,900 merges, parsed at every load).
            let bytes = line.utf8
            guard let first = line.unicodeScalars.first,
                  let split = bytes[bytes.index(bytes.startIndex, offsetBy: UTF8.width(first))...].firstIndex(of: 0x20),
                  bytes.index(after: split) < bytes.endIndex else {
                throw TokenizerError.malformedMerge(index: index, text: line)
            }
            let left = String(line[..<split])
            let right = String(line[bytes.index(after: split)...])
            guard let leftID = idForPiece[left] else {
                throw TokenizerError.mergeTokenMissing(index: index, piece: left)
            }
            guard let rightID = idForPiece[right] else {
                throw TokenizerError.mergeTokenMissing(index: index, piece: right)
            }
            guard let resultID = idForPiece[left + right] else {
                throw TokenizerError.mergeTokenMissing(index: index, piece: left + right)
            }
            let key = MergeTable.key(leftID, rightID)
            // A repeated pair keeps its first (best) rank, as HF's merge map does when built in order.
            if merges[key] == nil {
                merges[key] = Merge(rank: Int32(index), result: resultID)
            }
        }
        self.merges = merges
    }

    var count: Int { merges.count }

    /// The merge joining `left` then `right`, if the vocabulary has one.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> Merge? { merges[MergeTable.key(left, right)] }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}
