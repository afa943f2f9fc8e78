import Numerics

/// Runs a row-wise pass on `ThreadCount.current` threads, each on one contiguous block of rows.
/// Every row is computed by the same code whatever the split, so the result is bit-identical
/// for any thread count. The packed training path uses it for its element-wise passes and
/// (`items`) for the per-head attention blocks, which are too small for BLAS to thread; the
/// projections are threaded by BLAS itself.
///
/// The blocks run on `WorkerPool`, the persistent threads of the decode kernels, not on a dispatch
/// queue: a training update makes ~400 of these calls between BLAS products, and a third pool of
/// threads (Dispatch's) competing for the two cores with the pool and OpenBLAS's cost 15-20 ms per
/// update in the element-wise passes (Docs/performance.md). A body must not start another
/// `WorkerPool` call (one made from inside a part runs its parts serially on that thread).
enum RowSplit {
    /// Calls `body(start, count)` over `0..<rows` in up to `ThreadCount.current` blocks; blocks
    /// smaller than `minimum` rows are not worth a thread.
    @inline(__always)
    static func run(rows: Int, minimum: Int = 32, _ body: (Int, Int) -> Void) {
        let parts = min(ThreadCount.current, max(1, rows / minimum))
        guard parts > 1 else { return body(0, rows) }
        WorkerPool.run(parts: parts) { part in
            let start = rows * part / parts, end = rows * (part + 1) / parts
            body(start, end - start)
        }
    }

    /// Calls `body(item, part)` for every item of `0..<items`, the items cut into up to
    /// `threads` contiguous blocks of about equal total `cost` (equal counts without one), one per
    /// thread; `part` (the block's index) picks per-thread scratch. Each item must write only
    /// memory no other item touches; then the result is the same for any thread count.
    static func items(_ items: Int, threads: Int = ThreadCount.current, cost: ((Int) -> Int)? = nil,
                      _ body: (Int, Int) -> Void) {
        let parts = min(threads, items)
        guard parts > 1 else {
            for item in 0..<items { body(item, 0) }
            return
        }
        var bounds = (0...parts).map { items * $0 / parts }  // (parts + 1) block edges
        if let cost {
            var sums = [0]
            for item in 0..<items { sums.append(sums[item] + cost(item)) }
            var item = 0
            for part in 1..<parts {
                while item < items && sums[item] * parts < sums[items] * part { item += 1 }
                bounds[part] = item
            }
        }
        let edges = bounds
        WorkerPool.run(parts: parts) { part in
            for item in edges[part]..<edges[part + 1] { body(item, part) }
        }
    }
}
