// K = input width (a multiple of 32), NB = K / 32 blocks.

/// One input vector `x (K)` laid out for the block kernels, prepared once and then read by every
/// row of every matrix that multiplies it (q, k and v share one; so do gate and up).
///
/// The fast kernels turn a block's packed integers into floats four at a time without shuffling
/// them: lane k of a 16-byte load holds bytes 4k…4k+3 of the block. So instead of reordering the
/// weights, `x` is reordered once to match:
/// - Q4_1: group n (0…7) of a block holds nibble n of each 32-bit word, i.e. elements
///   `(n % 2)·16 + 4k + n/2` for lanes k = 0…3; the kernel masks the nibble in place (value
///   q·2^(4n)), so `x` is pre-scaled by 2^(−4n) (2^−27 for n = 7, which is shifted down by one to
///   stay positive). Power-of-two scaling is exact, so each product q·x rounds as it would unscaled.
/// - Q8_0: half h (0, 1) and byte j (0…3) of a block hold elements `16h + 4k + j`.
/// - K-quants (Q4_K, Q5_K, Q6_K): every 32 elements come from 32 bytes (eight 32-bit words w)
///   whose byte j holds element `4w + j`; the kernels first gather each element's bits into its
///   byte (nibble, fifth bit, high bits), then mask byte j in place (value q·2^(8j)), so group j
///   holds elements `4w + j` for w = 0…7 pre-scaled by 2^(−8j). Eight lanes, so that the C kernels
///   load a group in one register; the Swift kernels read it as two halves of four.
/// Alongside, `blockSums[b] = Σ x` over block b for the offset terms `m · Σx` (Q4_1; Q4_K and
/// Q5_K, whose 32-element sub-blocks are these blocks), and `halfBlockSums` over 16 elements for
/// Q6_K's `−32` offset (its sub-blocks are 16 wide).
public final class MatVecInput {
    /// The widest input this buffer holds.
    public let capacity: Int
    /// The width of the vector currently prepared (K).
    public private(set) var width = 0

    // q41: (NB, 8 groups, 4 lanes) — x reordered and pre-scaled for Q4_1
    let q41: UnsafeMutablePointer<Float>
    // q80: (NB, 2 halves, 4 bytes, 4 lanes) — x reordered for Q8_0
    let q80: UnsafeMutablePointer<Float>
    // kq: (NB, 4 bytes, 8 words) — x reordered and pre-scaled for the K-quants
    let kq: UnsafeMutablePointer<Float>
    // blockSums: (NB) — Σ x per block, left to right
    let blockSums: UnsafeMutablePointer<Float>
    // halfBlockSums: (2·NB) — Σ x per 16 elements, left to right
    let halfBlockSums: UnsafeMutablePointer<Float>
    // plain: (K) — x as given, for the plain kernels
    let plain: UnsafeMutablePointer<Float>

    /// Creates buffers for inputs up to `capacity` wide (rounded up to whole blocks).
    public init(capacity: Int) {
        let k = (max(capacity, 32) + 31) / 32 * 32
        self.capacity = k
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let b = UnsafeMutableRawPointer.allocate(byteCount: n * 4, alignment: 64).bindMemory(to: Float.self, capacity: n)
            b.initialize(repeating: 0, count: n)
            return b
        }
        q41 = buffer(k)
        q80 = buffer(k)
        kq = buffer(k)
        blockSums = buffer(k / 32)
        halfBlockSums = buffer(k / 16)
        plain = buffer(k)
    }

    deinit {
        for b in [q41, q80, kq, blockSums, halfBlockSums, plain] { UnsafeMutableRawPointer(b).deallocate() }
    }

    /// The per-group scale of the Q4_1 layout: 2^(−4n), and 2^−27 for the top nibble.
    @usableFromInline static let q41Scales: [Float] = (0..<8).map { n in n == 7 ? 0x1p-27 : Float(sign: .plus, exponent: -4 * n, significand: 1) }

    /// The per-group scale of the K-quant layout: 2^(−8j) for byte j.
    static let kqScales: SIMD4<Float> = [1, 0x1p-8, 0x1p-16, 0x1p-24]

    /// Lays out `x (K)` for the kernels. K must be a positive multiple of 32 within `capacity`.
    public func prepare(_ x: UnsafePointer<Float>, count: Int) {
        precondition(count > 0 && count % 32 == 0 && count <= capacity,
                     "input width \(count) must be a positive multiple of 32 up to \(capacity)")
        width = count
        plain.update(from: x, count: count)
        Self.q41Scales.withUnsafeBufferPointer { scales in
            for b in 0..<(count / 32) {
                let xb = x + b * 32
                let o41 = q41 + b * 32, o80 = q80 + b * 32, okq = kq + b * 32
                var sum: Float = 0, low: Float = 0, high: Float = 0
                for i in 0..<32 { sum += xb[i] }
                for i in 0..<16 { low += xb[i] }
                for i in 16..<32 { high += xb[i] }
                blockSums[b] = sum
                halfBlockSums[2 * b] = low
                halfBlockSums[2 * b + 1] = high
                for n in 0..<8 {
                    for k in 0..<4 { o41[n * 4 + k] = xb[(n % 2) * 16 + 4 * k + n / 2] * scales[n] }
                }
                for h in 0..<2 {
                    for j in 0..<4 {
                        for k in 0..<4 { o80[(h * 4 + j) * 4 + k] = xb[16 * h + 4 * k + j] }
                    }
                }
                for j in 0..<4 {
                    for w in 0..<8 { okq[j * 8 + w] = xb[4 * w + j] * Self.kqScales[j] }
                }
            }
        }
    }
}
