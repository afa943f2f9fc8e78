import Dispatch

// R = rows of one matrix, K = input width.

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
/// job), and the chunks into `threads` contiguous runs. Every output row is computed whole by one
/// thread with the same instruction sequence whatever the thread count, so the results are
/// bit-identical for any `threads` (and any machine with the same float semantics).
public enum QuantizedMatVec {
    /// Rows per unit of work handed to a thread.
    public static let chunkRows = 64

    /// Runs every job on the input prepared in `input` (whose width must be each matrix's columns),
    /// with `threads` threads (default: `ThreadCount.current`).
    public static func multiply(_ jobs: [MatVecJob], input: MatVecInput, threads: Int = ThreadCount.current) {
        for job in jobs {
            precondition(job.matrix.columns == input.width,
                         "matrix of \(job.matrix.columns) columns times a prepared input of \(input.width)")
        }
        let chunks = jobs.reduce(0) { $0 + ($1.matrix.rows + chunkRows - 1) / chunkRows }
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            run(jobs, input: input, chunks: 0..<chunks)
            return
        }
        let box = UncheckedInput(input)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            run(jobs, input: box.input, chunks: (w * chunks / workers)..<((w + 1) * chunks / workers))
        }
    }

    /// One job: `output (+)= matrix · x`, preparing `x (K)` into `input` first.
    public static func multiply(_ matrix: QuantizedMatrix, _ x: UnsafePointer<Float>, input: MatVecInput,
                                into output: UnsafeMutablePointer<Float>, accumulate: Bool = false,
                                threads: Int = ThreadCount.current) {
        input.prepare(x, count: matrix.columns)
        multiply([MatVecJob(matrix: matrix, output: output, accumulate: accumulate)], input: input, threads: threads)
    }

    /// The plain reference for one matrix on the raw input `x (K)`: dequantize each weight, sum in
    /// Double. output: (R).
    public static func plain(_ matrix: QuantizedMatrix, _ x: UnsafePointer<Float>,
                             into output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        switch matrix.type {
        case .q4_1: Q4_1MatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        default: Q8_0MatVec.plain(matrix, x, rows: 0..<matrix.rows, into: output, accumulate: accumulate)
        }
    }

    // MARK: - Work

    /// Runs chunks `chunks` of the jobs' rows (chunk numbering runs through the jobs in order).
    private static func run(_ jobs: [MatVecJob], input: MatVecInput, chunks: Range<Int>) {
        var first = 0  // number of the job's first chunk
        for job in jobs {
            let rows = job.matrix.rows
            let count = (rows + chunkRows - 1) / chunkRows
            let lo = max(chunks.lowerBound, first), hi = min(chunks.upperBound, first + count)
            if lo < hi {
                let range = ((lo - first) * chunkRows)..<min(rows, (hi - first) * chunkRows)
                switch job.matrix.type {
                case .q4_1: Q4_1MatVec.multiply(job.matrix, input, rows: range, into: job.output, accumulate: job.accumulate)
                default: Q8_0MatVec.multiply(job.matrix, input, rows: range, into: job.output, accumulate: job.accumulate)
                }
            }
            first += count
        }
    }
}

/// Hands the prepared input to the worker threads: they only read it, and `multiply` does not
/// return (so nobody writes it) until they are done.
private struct UncheckedInput: @unchecked Sendable {
    let input: MatVecInput
    init(_ input: MatVecInput) { self.input = input }
}

extension QuantizedMatVec {
    /// The block-scale conversion the kernels use, exposed so tests can check it on every pattern.
    public static func halfForTesting(_ bits: UInt16) -> Float { BlockScale.float(bits) }
}
