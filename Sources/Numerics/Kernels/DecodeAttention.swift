import CKernels

// NH = query heads, KVH = kv heads, HS = head size, P = positions attended, S = cache row stride.

/// Causal attention of one query row (a decode step) over the cached keys and values, split over
/// the worker threads by query head. Each head is computed whole, in one fixed order, by one
/// thread, so the result does not depend on the thread count.
public enum DecodeAttention {
    /// The shape of one call.
    public struct Shape: Sendable {
        /// Query heads (NH).
        public var heads: Int
        /// Query heads per kv head (NH / KVH).
        public var group: Int
        /// Head size (HS), a multiple of 8.
        public var headSize: Int
        /// Positions attended (P): every cached one, the current included.
        public var positions: Int
        /// Floats between consecutive cache rows (S ≥ KVH·HS).
        public var stride: Int

        /// Creates a shape.
        public init(heads: Int, group: Int, headSize: Int, positions: Int, stride: Int) {
            self.heads = heads
            self.group = group
            self.headSize = headSize
            self.positions = positions
            self.stride = stride
        }
    }

    /// out (NH, HS) = softmax(q·Kᵀ·scale) · V per head, with `scores` (NH, P) as scratch.
    /// q: (NH, HS); keys, values: (P, S), kv head g at columns g·HS.
    public static func attend(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                              shape: Shape, scale: Float, scores: UnsafeMutablePointer<Float>,
                              out: UnsafeMutablePointer<Float>, threads: Int = ThreadCount.current,
                              path: KernelPath = .best) {
        precondition(shape.headSize % 8 == 0, "head size \(shape.headSize) must be a multiple of 8")
        let level = path == .avx ? ck_simd_level() : 0
        // Below a few hundred positions a head is a few microseconds: not worth a fan-out.
        let parts = shape.positions < 128 ? 1 : max(1, min(threads, shape.heads))
        WorkerPool.run(parts: parts) { part in
            let h0 = part * shape.heads / parts, h1 = (part + 1) * shape.heads / parts
            ck_attend(q, keys, values, shape.stride, shape.positions, shape.headSize, shape.group, scale,
                      scores, out, h0, h1, Int32(level))
        }
    }
}
