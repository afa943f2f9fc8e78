// T = positions, C = width, V = vocabulary.

/// Token embedding: gather rows of the `(V, C)` table.
///
/// There is no backward here on purpose: token ids are not differentiable, and the table is frozen
/// (no weight gradient is ever formed). Prompt tuning differentiates with respect to the embedded
/// input rows themselves, which is where `LlamaModel.backward` stops.
public enum Embedding {
    /// `out[t] = table[ids[t]]`.
    /// - Parameters:
    ///   - out: (T, C)
    ///   - ids: (T) — each in `0..<V` (checked)
    ///   - table: (V, C)
    public static func forward(out: UnsafeMutablePointer<Float>, ids: UnsafeBufferPointer<Int32>,
                               table: UnsafePointer<Float>, width: Int, vocab: Int) {
        for (t, id) in ids.enumerated() {
            precondition(id >= 0 && Int(id) < vocab, "token id \(id) outside the vocabulary 0..<\(vocab)")
            (out + t * width).update(from: table + Int(id) * width, count: width)
        }
    }
}
