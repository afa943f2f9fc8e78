import Numerics

// L = layers, P = positions held, KVH = kv heads, HS = head size, KVD = KVH·HS.

/// The keys and values of every position seen so far, for every layer: what lets each new token
/// attend to the whole sequence without recomputing it.
///
/// Layout `(L, capacity, KVD)`: one row per position holds all kv heads side by side, so the K and V
/// projections of a chunk (`(T, KVD)` products) write straight into the cache rows, and a head's
/// keys are a strided `(P, HS)` matrix (leading dimension KVD) that BLAS reads directly.
/// Storage starts small and doubles on demand, never beyond `config.contextLength`.
public final class KVCache {
    /// Number of layers (L).
    public let layers: Int
    /// Floats per position and layer (KVD = KVH·HS).
    public let rowWidth: Int
    /// The most positions the cache may ever hold: the model's context length.
    public let limit: Int
    /// Positions currently allocated per layer.
    public private(set) var capacity: Int
    /// Positions filled so far (0..<count are valid); also the position of the next token.
    public internal(set) var count: Int = 0

    // keys, values: (L, capacity, KVD)
    private var keyStorage: UnsafeMutablePointer<Float>
    private var valueStorage: UnsafeMutablePointer<Float>

    /// Creates an empty cache for `config`, with room for `initialCapacity` positions to start.
    public init(config: LlamaConfig, initialCapacity: Int = 256) {
        layers = config.layers
        rowWidth = config.kvHeads * config.headSize
        limit = config.contextLength
        capacity = max(1, min(initialCapacity, config.contextLength))
        let size = layers * capacity * rowWidth
        keyStorage = .allocate(capacity: size)
        valueStorage = .allocate(capacity: size)
        keyStorage.initialize(repeating: 0, count: size)
        valueStorage.initialize(repeating: 0, count: size)
    }

    deinit {
        keyStorage.deallocate()
        valueStorage.deallocate()
    }

    // MARK: - Positions

    /// Forgets every position (the storage is kept for the next sequence).
    public func reset() { count = 0 }

    /// Forgets positions from `position` on, keeping a shared prefix (e.g. a prompt vector) cached.
    public func rewind(to position: Int) {
        precondition(position >= 0 && position <= count, "rewind position \(position) outside 0...\(count)")
        count = position
    }

    /// Makes room for `positions` in all, growing the storage if needed.
    /// Throws `contextOverflow` when that exceeds the model's context: never a silent overrun.
    public func reserve(_ positions: Int) throws(GenerationError) {
        guard positions <= limit else { throw .contextOverflow(needed: positions, limit: limit) }
        guard positions > capacity else { return }
        let newCapacity = min(limit, max(positions, capacity * 2))
        keyStorage = regrow(keyStorage, to: newCapacity)
        valueStorage = regrow(valueStorage, to: newCapacity)
        capacity = newCapacity
    }

    /// Copies each layer's filled rows into a larger block; the layer stride changes with capacity.
    private func regrow(_ old: UnsafeMutablePointer<Float>, to newCapacity: Int) -> UnsafeMutablePointer<Float> {
        let size = layers * newCapacity * rowWidth
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: size)
        fresh.initialize(repeating: 0, count: size)
        for layer in 0..<layers {
            (fresh + layer * newCapacity * rowWidth)
                .update(from: old + layer * capacity * rowWidth, count: count * rowWidth)
        }
        old.deallocate()
        return fresh
    }

    // MARK: - Views

    /// Keys of one layer: (capacity, KVD), rows 0..<count valid. Invalidated by `reserve`.
    public func keys(layer: Int) -> UnsafeMutablePointer<Float> { keyStorage + layer * capacity * rowWidth }

    /// Values of one layer: (capacity, KVD), rows 0..<count valid. Invalidated by `reserve`.
    public func values(layer: Int) -> UnsafeMutablePointer<Float> { valueStorage + layer * capacity * rowWidth }
}
