import CKernels
import Synchronization

// R = rows with targets, C = width (32 · NB), V = vocabulary (table rows).

/// The training step's LM head read from a Q8_0 table (`Head.c`): `logits = x · Eᵀ` and
/// `dx = dlogits · E` for the R target rows, on the worker pool. The plain version is a product
/// with the Float32 table (`Linear`); the tests hold one against the other. Each output is summed in
/// a fixed order whatever the thread split, so the bits do not depend on the thread count.
public enum QuantizedHead {
    /// Whether this CPU runs the kernels (AVX2 + FMA).
    public static let available: Bool = ck_simd_level() >= 2

    /// Whether `table` can be read by these kernels on this CPU (Q8_0, AVX2 + FMA).
    public static func supports(_ table: QuantizedMatrix) -> Bool {
        available && table.type == .q8_0
    }

    /// `logits (R, V) = input (R, C) · Eᵀ` (overwritten). False when a thread's buffer (~50 KB)
    /// could not be allocated (`logits` then partly written): the caller uses the Float32 table.
    public static func forward(logits: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, rows: Int,
                               table: QuantizedMatrix, threads: Int = ThreadCount.current) -> Bool {
        precondition(supports(table), "QuantizedHead needs a Q8_0 table on an AVX2 CPU")
        let vocab = table.rows, groups = (vocab + 5) / 6
        return allSucceed(parts: max(1, min(threads, groups))) { part, parts in
            // whole 6-row groups per part
            let j0 = min(vocab, groups * part / parts * 6), j1 = min(vocab, groups * (part + 1) / parts * 6)
            return ck_q8_0_head_forward(table.base.assumingMemoryBound(to: UInt8.self), table.rowBytes, table.blocksPerRow,
                                        input, rows, logits, vocab, j0, j1)
        }
    }

    /// `dInput (R, C) = dLogits (R, V) · E` (overwritten). False when a thread's buffer (~0.3 MB)
    /// could not be allocated (`dInput` then partly written): the caller uses the Float32 table.
    public static func backward(dInput: UnsafeMutablePointer<Float>, dLogits: UnsafePointer<Float>, rows: Int,
                                table: QuantizedMatrix, threads: Int = ThreadCount.current) -> Bool {
        precondition(supports(table), "QuantizedHead needs a Q8_0 table on an AVX2 CPU")
        let blocks = table.blocksPerRow
        return allSucceed(parts: max(1, min(threads, blocks))) { part, parts in
            ck_q8_0_head_backward(table.base.assumingMemoryBound(to: UInt8.self), table.rowBytes, blocks, dLogits,
                                  table.rows, rows, table.rows, dInput, blocks * part / parts, blocks * (part + 1) / parts)
        }
    }

    /// Runs `body(part, parts)` on the worker pool; true when every part returned 0.
    private static func allSucceed(parts: Int, _ body: (Int, Int) -> Int32) -> Bool {
        let failed = Atomic<Bool>(false)
        WorkerPool.run(parts: parts) { part in
            if body(part, parts) != 0 { failed.store(true, ordering: .relaxed) }
        }
        return !failed.load(ordering: .relaxed)
    }
}
