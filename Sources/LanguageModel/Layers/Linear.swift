import Numerics

// N = rows, I = input features, O = output features.

/// A bias-free linear layer `y = x · Wᵀ` with `W` stored `(O, I)` row-major as GGUF stores it.
/// Only the input gradient exists here: the base model is frozen, so no weight gradient is formed.
public enum Linear {
    /// The sizes one call works on.
    public struct Shape: Sendable, Equatable {
        /// Number of rows (N).
        public var rows: Int
        /// Input features (I).
        public var inFeatures: Int
        /// Output features (O).
        public var outFeatures: Int

        /// Creates a shape.
        public init(rows: Int, inFeatures: Int, outFeatures: Int) {
            self.rows = rows
            self.inFeatures = inFeatures
            self.outFeatures = outFeatures
        }
    }

    // MARK: - Forward

    /// `out = input · weightᵀ` (overwrites `out`).
    /// - Parameters:
    ///   - out: (N, O)
    ///   - input: (N, I)
    ///   - weight: (O, I)
    public static func forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, shape: Shape) {
        BLAS.sgemm(transA: false, transB: true, m: shape.rows, n: shape.outFeatures, k: shape.inFeatures,
                   alpha: 1, a: input, lda: shape.inFeatures, b: weight, ldb: shape.inFeatures,
                   beta: 0, c: out, ldc: shape.outFeatures)
    }

    // MARK: - Backward

    /// Forward was `y = x · Wᵀ`, so `dx += dy · W` (or `dx = dy · W` with `accumulate: false`,
    /// which saves zeroing `dx` first).
    /// - Parameters:
    ///   - dInput: (N, I) — accumulated into (`+=`), or overwritten
    ///   - dOut: (N, O)
    ///   - weight: (O, I)
    public static func backward(dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, shape: Shape, accumulate: Bool = true) {
        BLAS.sgemm(transA: false, transB: false, m: shape.rows, n: shape.inFeatures, k: shape.outFeatures,
                   alpha: 1, a: dOut, lda: shape.outFeatures, b: weight, ldb: shape.inFeatures,
                   beta: accumulate ? 1 : 0, c: dInput, ldc: shape.inFeatures)
    }
}
