import Dispatch
import Numerics

/// Runs a row-wise pass on `ThreadCount.current` threads, each on one contiguous block of rows.
/// Every row is computed by the same code whatever the split, so the result is bit-identical
/// for any thread count; only the element-wise passes of the packed training path use it (the
/// GEMMs are threaded by BLAS itself).
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

    /// The pass as `concurrentPerform` needs it. Unchecked because the body captures raw pointers:
    /// safe here since the blocks write disjoint rows and `concurrentPerform` returns only after
    /// every block has finished, before the caller touches the buffers again.
    private struct Work: @unchecked Sendable {
        let body: (Int, Int) -> Void
    }
}
