/// Byte-pair merging of one word: start from one piece per byte, repeatedly join the adjacent
/// pair whose merge has the lowest rank (leftmost on ties) until no pair has a merge.
///
/// `fast` does this with a doubly linked list and a min-heap of candidate pairs — O(n log n) for a
/// word of n bytes, which matters for long words (URLs, base64, runs of symbols). `naive` is the
/// plain quadratic loop, kept as the reference the fast one is tested against.
enum BPEMerge {
    /// Per-call working memory for `fast`, reused across the words of one `encode` call.
    struct Scratch {
        // n = symbols in the word
        var ids: [Int32] = []      // ids: (n) current piece id at each live position
        var prev: [Int32] = []     // prev: (n) previous live position, -1 at the start
        var next: [Int32] = []     // next: (n) next live position, -1 at the end
        var alive: [Bool] = []     // alive: (n) false once merged into the left neighbour
        var heap = PairHeap()
    }

    /// Merges `symbols` (initial piece ids, one per byte) and appends the result to `output`.
    static func fast(_ symbols: [Int32], merges: MergeTable, scratch s: inout Scratch,
                     into output: inout [Int32]) {
        let n = symbols.count
        if n < 2 {
            output.append(contentsOf: symbols)
            return
        }
        s.ids = symbols
        s.prev = (0..<Int32(n)).map { $0 - 1 }
        s.next = (0..<Int32(n)).map { $0 + 1 == n ? -1 : $0 + 1 }
        s.alive = [Bool](repeating: true, count: n)
        s.heap.removeAll()
        for i in 0..<(n - 1) {
            if let m = merges.merge(s.ids[i], s.ids[i + 1]) { s.heap.push(rank: m.rank, left: Int32(i)) }
        }

        while let (rank, left) = s.heap.pop() {
            let l = Int(left)
            // A popped candidate is current exactly when the pair now at `l` still has this rank:
            // a rank names one (left, right) pair, so stale entries never pass this check.
            guard s.alive[l], s.next[l] >= 0 else { continue }
            let r = Int(s.next[l])
            guard let m = merges.merge(s.ids[l], s.ids[r]), m.rank == rank else { continue }

            s.ids[l] = m.result
            s.alive[r] = false
            s.next[l] = s.next[r]
            if s.next[r] >= 0 { s.prev[Int(s.next[r])] = left }

            let p = s.prev[l]
            if p >= 0, let mp = merges.merge(s.ids[Int(p)], s.ids[l]) { s.heap.push(rank: mp.rank, left: p) }
            let q = s.next[l]
            if q >= 0, let mq = merges.merge(s.ids[l], s.ids[Int(q)]) { s.heap.push(rank: mq.rank, left: left) }
        }

        var i: Int32 = 0
        while i >= 0 {
            output.append(s.ids[Int(i)])
            i = s.next[Int(i)]
        }
    }

    /// The plain reference: scan for the best pair, merge it, repeat.
    static func naive(_ symbols: [Int32], merges: MergeTable) -> [Int32] {
        var ids = symbols
        while ids.count > 1 {
            var best: (rank: Int32, index: Int, result: Int32)? = nil
            for i in 0..<(ids.count - 1) {
                if let m = merges.merge(ids[i], ids[i + 1]), m.rank < (best?.rank ?? .max) {
                    best = (m.rank, i, m.result)
                }
            }
            guard let best else { break }
            ids[best.index] = best.result
            ids.remove(at: best.index + 1)
        }
        return ids
    }
}

/// A binary min-heap of merge candidates ordered by (rank, left position).
struct PairHeap {
    // Each entry packs rank in the high 32 bits and the left position in the low 32 bits, so one
    // integer comparison orders by rank and breaks ties leftmost, as HF and llama.cpp do.
    private var entries: [UInt64] = []

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    mutating func push(rank: Int32, left: Int32) {
        entries.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: left)))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if entries[parent] <= entries[child] { break }
            entries.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> (rank: Int32, left: Int32)? {
        guard let top = entries.first else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let l = 2 * parent + 1, r = l + 1
                var smallest = parent
                if l < entries.count && entries[l] < entries[smallest] { smallest = l }
                if r < entries.count && entries[r] < entries[smallest] { smallest = r }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int32(bitPattern: UInt32(truncatingIfNeeded: top)))
    }
}
