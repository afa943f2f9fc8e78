import Dispatch
import Numerics
import Synchronization
import Testing

/// The persistent pool the decode kernels and the training step's row passes share: every part
/// runs once per call, a call made from inside a part completes (serially) instead of waiting on
/// the pool it is part of, and callers on several threads take turns.
@Suite struct WorkerPoolTests {
    /// Runs `parts` parts and returns how often each ran.
    private func counts(parts: Int) -> [Int] {
        let hits = Mutex([Int](repeating: 0, count: parts))
        WorkerPool.run(parts: parts) { part in hits.withLock { $0[part] += 1 } }
        return hits.withLock { $0 }
    }

    @Test func everyPartRunsOncePerCall() {
        for parts in [1, 2, 3, 5] {
            for _ in 0..<50 { #expect(counts(parts: parts) == Array(repeating: 1, count: parts)) }
        }
        #expect(counts(parts: 0) == [])
    }

    @Test func aCallFromInsideAPartRunsItsPartsThere() {
        let inner = Mutex([Int](repeating: 0, count: 6))
        let outer = Mutex([Int](repeating: 0, count: 2))
        WorkerPool.run(parts: 2) { part in
            outer.withLock { $0[part] += 1 }
            // Before the guard in Pool.c this waited forever for the call it was part of.
            WorkerPool.run(parts: 3) { innerPart in inner.withLock { $0[part * 3 + innerPart] += 1 } }
        }
        #expect(outer.withLock { $0 } == [1, 1])
        #expect(inner.withLock { $0 } == Array(repeating: 1, count: 6))
    }

    @Test func callersOnSeveralThreadsEachGetAllTheirParts() {
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<100 where counts(parts: 2) != [1, 1] {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
    }
}
