import Dispatch
import Numerics

/// Runs a row-wise pass on `ThreadCount.current` threads, each on one contiguous block of rows.
/// Every row is computed by the same code whatever the split, so the result is bit-identical
/// for any thread count. The packed training path uses it for its element-wise passes and
/// (`items`) for the per-head attention blocks, which are too small for BLAS to thread; the
/// projections are threaded by BLAS itself.
enum RowSplit {
    /// Calls `body(start, count)` over `0..<rows` in up to `ThreadCount.current` blocks; blocks
    /// smaller than `minimum` rows are not worth a thread.
    @inline(__always)
    static func run(rows: Int, minimum: Int = 32, _ body: (Int, Int) -> Void) {
        let parts = min(ThreadCount.current, max(1, rows / minimum))
        guard parts > 1 else { return body(0, rows) }
        withoutActuallyEscaping(body) { body in
            let work = Work(body: body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = rows * part / parts, end = rows * (part + 1) / parts
                work.body(start, end - start)
            }
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
        withoutActuallyEscaping(body) { body in
            let work = Items(body: body)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for item in edges[part]..<edges[part + 1] { work.body(item, part) }
            }
        }
    }

    /// The item pass as `concurrentPerform` needs it; unchecked for the reason `Work` gives.
    private struct Items: @unchecked Sendable {
        let body: (Int, Int) -> Void
    }

    /// The pass as `concurrentPerform` needs it. Unchecked because the body captures raw pointers:
    /// safe here since the blocks write disjoint rows and `concurrentPerform` returns only after
    /// every block has finished, before the caller touches the buffers again.
    private struct Work: @unchecked Sendable {
        let body: (Int, Int) -> Void
    }
}
