// N = element count (rows · width).

/// The residual connection `out = a + b`, forward and backward side by side.
public enum Residual {
    /// `out = a + b` over `count` elements (`out` may alias `a` or `b`).
    /// - Parameters:
    ///   - out: (N)
    ///   - a: (N)
    ///   - b: (N)
    public static func forward(out: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>,
                               b: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = a[i] + b[i] }
    }

    /// Forward was `out = a + b`, so both inputs receive the output gradient unchanged:
    /// `da += dout`, `db += dout`.
    /// - Parameters:
    ///   - dA: (N) — accumulated into
    ///   - dB: (N) — accumulated into
    ///   - dOut: (N)
    public static func backward(dA: UnsafeMutablePointer<Float>, dB: UnsafeMutablePointer<Float>,
                                dOut: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            dA[i] += dOut[i]
            dB[i] += dOut[i]
        }
    }
}
