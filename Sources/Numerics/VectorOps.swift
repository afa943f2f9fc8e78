import Foundation

/// Vector kernels on unsafe buffers, SIMD16 in the main loop with a scalar tail. Reductions
/// always add in the same order (16 lane sums, then the tail, then the lanes left to right), so
/// results are bit-identical from run to run. Array overloads are for convenience off hot paths.
public enum VectorOps {
    /// Lanes per SIMD step.
    @usableFromInline static let width = 16

    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    // MARK: - Reductions

    /// Σ a[i]·b[i].
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + width <= count {
            acc += load(a, i) * load(b, i)
            i += width
        }
        var tail: Float = 0
        while i < count {
            tail += a[i] * b[i]
            i += 1
        }
        return acc.sum() + tail
    }

    /// Σ x[i]².
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float { dot(x, x, count: count) }

    /// The index of the largest element (the first one on ties; NaNs are skipped; 0 for an empty
    /// or all-NaN vector).
    @inlinable
    public static func argmax(_ x: UnsafePointer<Float>, count: Int) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        var found = false
        for i in 0..<count where x[i] > bestValue || (!found && !x[i].isNaN) {
            best = i
            bestValue = x[i]
            found = true
        }
        return best
    }

    /// log Σ exp(x[i]), computed as max + log Σ exp(x[i] − max) with the sum in Double, so it
    /// neither overflows nor loses the small terms. −inf for an empty vector.
    @inlinable
    public static func logSumExp(_ x: UnsafePointer<Float>, count: Int) -> Float {
        guard count > 0 else { return -.infinity }
        var m = -Float.infinity
        for i in 0..<count { m = max(m, x[i]) }
        if m == -.infinity || m.isNaN { return m }
        if m == .infinity { return .infinity }
        var sum = 0.0
        for i in 0..<count { sum += Foundation.exp(Double(x[i] - m)) }
        return m + Float(Foundation.log(sum))
    }

    // MARK: - Element-wise

    /// y += alpha · x.
    @inlinable
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i + width <= count {
            store(load(UnsafePointer(y), i) + a * load(x, i), y, i)
            i += width
        }
        while i < count {
            y[i] += alpha * x[i]
            i += 1
        }
    }

    /// x *= factor.
    @inlinable
    public static func scale(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
        let f = SIMD16<Float>(repeating: factor)
        var i = 0
        while i + width <= count {
            store(load(UnsafePointer(x), i) * f, x, i)
            i += width
        }
        while i < count {
            x[i] *= factor
            i += 1
        }
    }

    /// out = a + b (out may alias a or b).
    @inlinable
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                           count: Int) {
        var i = 0
        while i + width <= count {
            store(load(a, i) + load(b, i), out, i)
            i += width
        }
        while i < count {
            out[i] = a[i] + b[i]
            i += 1
        }
    }

    // MARK: - Array conveniences

    /// Σ a[i]·b[i] over two equal-length arrays.
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "dot of \(a.count) and \(b.count) elements")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
                return dot(x, y, count: a.count)
            }
        }
    }

    /// Σ x[i]².
    public static func sumOfSquares(_ x: [Float]) -> Float { dot(x, x) }

    /// y += alpha · x over two equal-length arrays.
    public static func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        precondition(x.count == y.count, "axpy of \(x.count) into \(y.count) elements")
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                guard let a = px.baseAddress, let b = py.baseAddress else { return }
                axpy(alpha, a, b, count: px.count)
            }
        }
    }

    /// x *= factor.
    public static func scale(_ x: inout [Float], by factor: Float) {
        x.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            scale(base, by: factor, count: p.count)
        }
    }

    /// a + b element-wise.
    public static func add(_ a: [Float], _ b: [Float]) -> [Float] {
        precondition(a.count == b.count, "add of \(a.count) and \(b.count) elements")
        return [Float](unsafeUninitializedCapacity: a.count) { out, n in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if let x = pa.baseAddress, let y = pb.baseAddress, let o = out.baseAddress {
                        add(x, y, into: o, count: a.count)
                    }
                }
            }
            n = a.count
        }
    }

    /// The index of the largest element (first on ties).
    public static func argmax(_ x: [Float]) -> Int {
        x.withUnsafeBufferPointer { p in p.baseAddress.map { argmax($0, count: p.count) } ?? 0 }
    }

    /// log Σ exp(x[i]).
    public static func logSumExp(_ x: [Float]) -> Float {
        x.withUnsafeBufferPointer { p in p.baseAddress.map { logSumExp($0, count: p.count) } ?? -.infinity }
    }
}
