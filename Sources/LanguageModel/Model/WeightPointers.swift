// C = width, NH = query heads, KVH = kv heads, HS = head size, F = feed-forward width.

/// Read-only pointers to one block's weight matrices, valid inside `LayerWeights.withPointers`.
struct LayerPointers {
    /// (C)
    let attnNorm: UnsafePointer<Float>
    /// (NH·HS, C)
    let wq: UnsafePointer<Float>
    /// (KVH·HS, C)
    let wk: UnsafePointer<Float>
    /// (KVH·HS, C)
    let wv: UnsafePointer<Float>
    /// (C, NH·HS)
    let wo: UnsafePointer<Float>
    /// (C)
    let ffnNorm: UnsafePointer<Float>
    /// (F, C)
    let wGate: UnsafePointer<Float>
    /// (F, C)
    let wUp: UnsafePointer<Float>
    /// (C, F)
    let wDown: UnsafePointer<Float>
}

extension LayerWeights {
    /// Calls `body` with pointers to every matrix of the block. The nesting lives here once so the
    /// model's loops read like llm.c's (`l.wq`, `l.wk`, …) without escaping array storage.
    func withPointers<R>(_ body: (LayerPointers) throws -> R) rethrows -> R {
        try attnNorm.withUnsafeBufferPointer { attnNorm in
            try wq.withUnsafeBufferPointer { wq in
                try wk.withUnsafeBufferPointer { wk in
                    try wv.withUnsafeBufferPointer { wv in
                        try wo.withUnsafeBufferPointer { wo in
                            try ffnNorm.withUnsafeBufferPointer { ffnNorm in
                                try wGate.withUnsafeBufferPointer { wGate in
                                    try wUp.withUnsafeBufferPointer { wUp in
                                        try wDown.withUnsafeBufferPointer { wDown in
                                            try body(LayerPointers(
                                                attnNorm: attnNorm.baseAddress!, wq: wq.baseAddress!,
                                                wk: wk.baseAddress!, wv: wv.baseAddress!, wo: wo.baseAddress!,
                                                ffnNorm: ffnNorm.baseAddress!, wGate: wGate.baseAddress!,
                                                wUp: wUp.baseAddress!, wDown: wDown.baseAddress!))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
