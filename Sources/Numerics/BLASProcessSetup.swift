#if canImport(Glibc)
import Glibc
#endif

/// Start-up for a process that runs OpenBLAS beside its own threads (ptune, ptune-bench).
///
/// After each call OpenBLAS's worker threads spin for 2^28 cycles (~0.1 s) before they sleep, so
/// the next call finds them awake. In a training step a GEMM is followed by ptune's own parallel
/// sections on the same two cores (attention blocks, element-wise passes), and the still-spinning
/// workers take CPU from them: measured with 2^16 cycles instead, attention went from 0.13–0.15 to
/// 0.10 s and the element-wise passes from 0.08 to 0.06 s per update, the GEMMs unchanged
/// (Docs/performance.md, "Two thread pools on two cores").
///
/// OpenBLAS reads `OPENBLAS_THREAD_TIMEOUT` once, while the library is loaded, before `main`
/// runs. So when it is unset, this sets it and executes the same program again with the same
/// arguments; the new image sees it set and goes on. A value the user set is kept. If the
/// executable cannot be run again the process goes on with OpenBLAS's default.
public enum BLASProcessSetup {
    /// The spin OpenBLAS's workers keep after a call, as a power of two of CPU cycles (~25 µs).
    public static let threadTimeoutExponent = 16

    /// Call before anything uses BLAS, and only on the paths that compute (the second exec costs
    /// ~20 ms: `ptune check` and `ptune lsp` skip it). Returns only if the process is already set up
    /// (or cannot be); the arguments are those the process was started with.
    public static func prepare() {
        #if os(Linux) && canImport(COpenBLAS)
        guard getenv("OPENBLAS_THREAD_TIMEOUT") == nil else { return }
        guard setenv("OPENBLAS_THREAD_TIMEOUT", "\(threadTimeoutExponent)", 1) == 0 else { return }
        _ = execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returned: it failed. The variable stays set for child processes; this one goes on.
        #endif
    }
}
