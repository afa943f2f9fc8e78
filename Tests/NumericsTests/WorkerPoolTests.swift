import Dispatch
import Numerics
import Synchronization
import Testing

/// The persistent pool the decode kernels and the training step's row passes share: every part
/// runs once per call, a call made from inside a part completes (serially) instead of waiting on
/// the pool it is part of, and callers on several threads take turns.
@Suite struct WorkerPoolTests {
    /// Runs `parts` parts and returns how often each ran. Each part writes only its own slot, as
    /// the pool's contract asks; the call's return orders those writes before the read.
    private func counts(parts: Int) -> [Int] {
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(parts, 1))
        defer { hits.deallocate() }
        hits.initialize(repeating: 0)
        WorkerPool.run(parts: parts) { part in hits[part] += 1 }
        return Array(hits.prefix(parts))
    }

    @Test func everyPartRunsOncePerCall() {
        for parts in [1, 2, 3, 5] {
            for _ in 0..<50 { #expect(counts(parts: parts) == Array(repeating: 1, count: parts)) }
        }
        #expect(counts(parts: 0) == [])
    }

    @Test func aCallFromInsideAPartRunsItsPartsThere() {
        let inner = UnsafeMutableBufferPointer<Int>.allocate(capacity: 6)
        let outer = UnsafeMutableBufferPointer<Int>.allocate(capacity: 2)
        defer { inner.deallocate(); outer.deallocate() }
        inner.initialize(repeating: 0)
        outer.initialize(repeating: 0)
        WorkerPool.run(parts: 2) { part in
            outer[part] += 1
            // Before the guard in Pool.c this waited forever for the call it was part of.
            WorkerPool.run(parts: 3) { innerPart in inner[part * 3 + innerPart] += 1 }
        }
        #expect(Array(outer) == [1, 1])
        #expect(Array(inner) == Array(repeating: 1, count: 6))
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
