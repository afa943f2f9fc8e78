import Foundation

/// Remembers the ids of words already merged: training tokenizes the same words over and over.
///
/// Bounded: once full it stops adding (as HF's BPE cache does), so memory stays fixed and results
/// never depend on what was cached — the cache only skips work.
final class WordCache: @unchecked Sendable {
    // @unchecked: `entries` is only touched while holding `lock`, so sharing across threads is safe.
    private let lock = NSLock()
    private var entries: [String: [Int32]] = [:]
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func ids(for word: String) -> [Int32]? {
        lock.lock()
        defer { lock.unlock() }
        return entries[word]
    }

    func store(_ ids: [Int32], for word: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count < capacity { entries[word] = ids }
    }
}
