import Foundation
import Synchronization
#if canImport(Accelerate)
import Accelerate
#elseif canImport(COpenBLAS)
import COpenBLAS
#endif

/// The BLAS facade: every matrix product in ptune goes through here.
/// Row-major throughout: `C(m, n) = alpha · op(A)(m, k) · op(B)(k, n) + beta · C`,
/// where `op(X)` is `X` or `Xᵀ`. OpenBLAS on Linux, Accelerate on macOS.
/// `NaiveMatmul.sgemm` has the same signature and is the reference this is tested against.
public enum BLAS {
    /// Single-precision general matrix multiply (row-major).
    @inlinable
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                     Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Single-precision matrix-vector product (row-major): `y(m) = alpha · op(A) · x + beta · y`,
    /// with `A` stored as `(m, n)` when not transposed.
    @inlinable
    public static func sgemv(trans: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha,
                    a, Int32(lda), x, 1, beta, y, 1)
    }
}

/// The thread count BLAS uses. Fixed per session so that reductions happen in the same order on
/// every run (bit-identical replay needs the same count).
public enum ThreadCount {
    /// Sets the number of BLAS threads.
    public static func set(_ n: Int) {
        #if canImport(COpenBLAS) && !canImport(Accelerate)
        openblas_set_num_threads(Int32(max(1, n)))
        #endif
        storage.store(max(1, n), ordering: .relaxed)
    }

    /// The number of threads last set (defaults to the number of active processors).
    public static var current: Int { storage.load(ordering: .relaxed) }

    // Written by the interpreter's thread (start-up, the `threads` setting) and read by worker
    // threads: an atomic, so a read racing a write is defined (ThreadSanitizer flagged the plain
    // variable this replaced).
    private static let storage = Atomic<Int>(ProcessInfo.processInfo.activeProcessorCount)
}

/// Plain triple-loop matrix multiply with the same contract as `BLAS.sgemm`. Slow; kept as the
/// reference the BLAS path is tested against (STYLE: keep the naive kernel beside the fast one).
public enum NaiveMatmul {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C`, accumulating in Double.
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                let prior = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(sum) + prior
            }
        }
    }
}
