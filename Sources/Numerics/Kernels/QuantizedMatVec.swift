import CKernels

// R = rows of one matrix, K = input width.

/// Which implementation of the fast block kernels runs.
public enum KernelPath: Sendable, Equatable, CaseIterable {
    /// The Swift SIMD4 kernels (any CPU).
    case portable
    /// The C kernels for AVX + FMA + F16C (8 lanes, fused multiply-adds; AVX2 where it helps). The
    /// K-quant kernels need AVX2; without it this path runs their portable Swift kernels.
    case avx

    /// The fastest path this CPU runs: `.avx` when it has AVX, FMA and F16C, else `.portable`.
    public static let best: KernelPath = ck_simd_level() >= 1 ? .avx : .portable

    /// The paths this CPU can run (`.portable` always).
    public static var available: [KernelPath] { best == .avx ? [.portable, .avx] : [.portable] }
}

/// One product of a batch: `output (R) (+)= matrix (R, K) · x`.
public struct MatVecJob: @unchecked Sendable {  // raw pointers into buffers the caller owns
    /// The weights, in a kernel format.
    public var matrix: QuantizedMatrix
    /// Where row r's result goes: output[r]. (R)
    public var output: UnsafeMutablePointer<Float>
    /// Add into `output` (a residual) instead of overwriting it.
    public var accumulate: Bool

    /// Creates a job.
    public init(matrix: QuantizedMatrix, output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        self.matrix = matrix
        self.output = output
        self.accumulate = accumulate
    }
}

/// Matrix-vector products on block-format weights, split over threads by output rows.
///
/// The rows of all jobs of a call are cut into fixed chunks of `chunkRows` (never crossing a
/// job), which the `threads` threads claim in runs as they go. Every output row is computed whole by one
/// thread with the same instruction sequence whatever the thread count, so the results are
/// bit-identical for any `threads` (and, for one `KernelPath`, any machine with it). The threads
/// are a persistent pool (`ck_parallel`): a call costs about a microsecond to fan out, which
/// matters at ~120 calls per decoded token.
public enum QuantizedMatVec {
    /// Rows per unit of work handed to a thread.
    public static let chunkRows = 64

    /// Runs every job on the input prepared in `input` (whose width must be each matrix's columns),
    /// with `threads` threads (default: `ThreadCount.current`) on kernel `path`.
    public static func multiply(_ jobs: [MatVecJob], input: MatVecInput, threads: Int = ThreadCount.current,
                                path: KernelPath = .best) {
        for job in jobs {
            precondition(job.matrix.columns == input.width,
                         "matrix of \(job.matrix.columns) columns times a prepared input of \(input.width)")
        }
        precondition(path == .portable || KernelPath.best == .avx, "the AVX kernels on a CPU without AVX, FMA and F16C")
        let chunks = jobs.reduce(0) { $0 + ($1.matrix.rows + chunkRows - 1) / chunkRows }
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            run(jobs, input: input, chunks: 0..<chunks, path: path)
            return
        }
        // Chunks are claimed from a shared counter (`ck_claim`), not dealt out in fixed runs: a
        // worker that is still waking takes fewer, so the caller does not wait for it at the end.
        // Which thread computes a chunk changes nothing in it (see above).
        var next = 0
        jobs.withUnsafeBufferPointer { jobList in
            withUnsafeMutablePointer(to: &next) { counter in
                var call = ParallelCall(jobs: jobList, input: input, chunks: chunks, path: path, next: counter)
                withUnsafeMutablePointer(to: &call) { pointer in
                    ck_parallel({ context, _, parts in
                        let call = context!.assumingMemoryBound(to: ParallelCall.self).pointee
                        var first = 0
                        while true {
                            let count = ck_claim(call.next, call.chunks, parts, &first)
                            guard count > 0 else { break }
                            QuantizedMatVec.run(call.jobs, input: call.input, chunks: first..<(first + count), path: call.path)
                        }
                    }, pointer, Int32(workers))
                }
            }
        }
    }

    /// One job: `output (+)= matrix · x`, preparing `x (K)` into `input` first.
    public static func multiply(_ matrix: QuantizedMatrix, _ x: UnsafePointer<Float>, input: MatVecInput,
                                into output: UnsafeMutablePointer<Float>, accumulate: Bool = false,
                                threads: Int = ThreadCount.current, path: KernelPath = .best) {
        input.prepare(x, count: matrix.columns)
        multiply([MatVecJob(matrix: matrix, output: output, accumulate: accumulate)], input: input,
                 threads: threads, path: path)
    }

    /// The plain reference for one matrix on the raw input `x (K)`: dequantize each weight, sum in
    /// Double. output: (R).
    public static func plain(_ matrix: QuantizedMatrix, _ x: UnsafePointer<Float>,
                             into output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        switch matrix.type {
        case .q4_1: Q4_1MatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        case .q8_0: Q8_0MatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        case .q4_K: Q4_KMatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        case .q5_K: Q5_KMatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        case .q6_K: Q6_KMatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        case .q5_0, .q5_1: Q5MatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        default: preconditionFailure("no kernel for \(matrix.type)")  // QuantizedMatrix admits only kernelFormats
        }
    }

    // MARK: - Work

    /// Whether the K-quant and Q5 C kernels run on the `.avx` path: they gather codes with 256-bit
    /// integer shifts, masks and ORs, which need AVX2, so an AVX-only CPU (level 1) runs the portable
    /// Swift kernels there instead (its Q4_1 and Q8_0 products still take the C kernels).
    private static let kQuantsInC = ck_simd_level() >= 2

    /// Runs chunks `chunks` of the jobs' rows (chunk numbering runs through the jobs in order).
    private static func run<Jobs: Collection<MatVecJob>>(_ jobs: Jobs, input: MatVecInput, chunks: Range<Int>,
                                                         path: KernelPath) {
        var first = 0  // number of the job's first chunk
        for job in jobs {
            let rows = job.matrix.rows
            let count = (rows + chunkRows - 1) / chunkRows
            let lo = max(chunks.lowerBound, first), hi = min(chunks.upperBound, first + count)
            if lo < hi {
                let range = ((lo - first) * chunkRows)..<min(rows, (hi - first) * chunkRows)
                let m = job.matrix
                switch (m.type, path) {
                case (.q4_1, .portable):
                    Q4_1MatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                case (.q4_1, .avx):
                    ck_q4_1_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.q41,
                                 input.blockSums, range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0)
                case (.q8_0, .portable):
                    Q8_0MatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                case (.q8_0, .avx):
                    ck_q8_0_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.plain,
                                 range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0, ck_simd_level())
                case (.q4_K, .avx) where kQuantsInC:
                    ck_q4_K_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.kq,
                                 input.blockSums, range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0)
                case (.q4_K, _):
                    Q4_KMatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                case (.q5_K, .avx) where kQuantsInC:
                    ck_q5_K_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.kq,
                                 input.blockSums, range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0)
                case (.q5_K, _):
                    Q5_KMatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                case (.q6_K, .avx) where kQuantsInC:
                    ck_q6_K_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.kq,
                                 input.halfBlockSums, range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0)
                case (.q6_K, _):
                    Q6_KMatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                case (.q5_0, .avx) where kQuantsInC, (.q5_1, .avx) where kQuantsInC:
                    ck_q5_rows(m.base.assumingMemoryBound(to: UInt8.self), m.rowBytes, m.blocksPerRow, input.plain,
                               input.blockSums, range.lowerBound, range.upperBound, job.output, job.accumulate ? 1 : 0,
                               m.type == .q5_1 ? 1 : 0)
                case (.q5_0, _), (.q5_1, _):
                    Q5MatVec.multiply(m, input, rows: range, into: job.output, accumulate: job.accumulate)
                default:
                    preconditionFailure("no kernel for \(m.type)")  // QuantizedMatrix admits only kernelFormats
                }
            }
            first += count
        }
    }
}

/// One parallel call as the pool's workers see it: they only read the jobs and the prepared input,
/// and `multiply` does not return (so nobody writes them) until every part is done.
private struct ParallelCall {
    let jobs: UnsafeBufferPointer<MatVecJob>
    let input: MatVecInput
    let chunks: Int
    let path: KernelPath
    /// The next unclaimed chunk, shared by the parts (`ck_claim`).
    let next: UnsafeMutablePointer<Int>
}

extension QuantizedMatVec {
    /// The block-scale conversion the kernels use, exposed so tests can check it on every pattern.
    public static func halfForTesting(_ bits: UInt16) -> Float { BlockScale.float(bits) }
}
