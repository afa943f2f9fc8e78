// B = batch rows, T = positions, N = B·T, C = width, NH = query heads, KVH = kv heads, HS = head size,
// F = feed-forward width, R = output rows, L = layers.

/// One named buffer of the activation arena. Slots marked per layer exist once per block;
/// the rest exist once. Sizes come from one table, `ActivationArena.Layout.elements(of:)`.
public enum ActivationSlot: Int, CaseIterable, Sendable {
    // MARK: Saved by the forward, per layer (read by the backward)
    /// Block input, the residual stream `x`: (N, C). Slot `L` (one past the last layer) holds the final stream.
    case residual
    /// attn_norm rstd: (N)
    case attnRstd
    /// Queries after RoPE: (N, NH·HS)
    case q
    /// Keys after RoPE: (N, KVH·HS)
    case k
    /// Values: (N, KVH·HS)
    case v
    /// Attention probabilities: (B, NH, T, T)
    case att
    /// Stream after the attention residual, `h = x + attn`: (N, C)
    case mid
    /// ffn_norm rstd: (N)
    case ffnRstd
    /// Gate projection: (N, F)
    case gate
    /// Up projection: (N, F)
    case up

    // MARK: Saved by the forward, once
    /// Final hidden rows at the output positions: (R, C)
    case headInput
    /// output_norm rstd of those rows: (R)
    case headRstd

    // MARK: Forward scratch (overwritten per layer; the backward never reads them)
    /// Normalised stream fed to the projections: (N, C)
    case normed
    /// Attention output before `W_o`: (N, NH·HS)
    case attnOut
    /// A branch's output before the residual add: (N, C)
    case branch
    /// `silu(gate) · up`: (N, F)
    case hidden
    /// Normalised head rows: (R, C)
    case headNormed

    // MARK: Backward scratch
    /// Gradient of the residual stream: (N, C)
    case dResidual
    /// Gradient of the stream after the attention residual: (N, C)
    case dMid
    /// Gradient of a branch output: (N, C)
    case dBranch
    /// Gradient of a normalised stream: (N, C)
    case dNormed
    /// Gradient of the attention output before `W_o`: (N, NH·HS)
    case dAttnOut
    /// Gradient of the RoPE'd queries, then of the raw queries: (N, NH·HS) each
    case dq, dqRaw
    /// Gradient of the RoPE'd keys, then of the raw keys, and of the values: (N, KVH·HS) each
    case dk, dkRaw, dv
    /// Gradients of `hidden`, `gate`, `up`: (N, F) each
    case dHidden, dGate, dUp
    /// Attention-score gradient of one (batch row, head): (T, T)
    case dAtt
    /// Gradients of the normalised and raw head rows: (R, C) each
    case dHeadNormed, dHeadInput

    /// Whether the slot exists once per layer (`residual` has L + 1 copies).
    public var isPerLayer: Bool { rawValue <= ActivationSlot.up.rawValue }
}

/// Every activation the training forward keeps for the backward, plus the scratch both passes use,
/// in one allocation carved into named views by one size table. Reused across steps; grows (one new
/// allocation) when a call needs a larger batch, length or output count than it holds.
public final class ActivationArena {
    /// Offsets of every slot for one (config, B, T, R).
    public struct Layout: Sendable, Equatable {
        public static func == (lhs: Layout, rhs: Layout) -> Bool {
            lhs.config == rhs.config && lhs.batch == rhs.batch && lhs.length == rhs.length && lhs.outputs == rhs.outputs
                && lhs.packedScores?.attention == rhs.packedScores?.attention
                && lhs.packedScores?.scratch == rhs.packedScores?.scratch
        }

        /// The model shape.
        public let config: LlamaConfig
        /// Batch rows (B).
        public let batch: Int
        /// Positions per batch row (T).
        public let length: Int
        /// Output rows (R).
        public let outputs: Int
        /// Floats of one layer's attention probabilities and of the score scratch when the rows
        /// are a packed batch (`PackedSequences`); nil for the padded (B, NH, T, T) layout.
        public let packedScores: (attention: Int, scratch: Int)?
        /// Start of each slot's first copy, indexed by `ActivationSlot.rawValue`.
        private(set) var offsets: [Int] = []
        /// Total floats.
        private(set) var total: Int = 0

        /// Lays out every slot back to back.
        public init(config: LlamaConfig, batch: Int, length: Int, outputs: Int) {
            self.init(config: config, batch: batch, length: length, outputs: outputs, packedScores: nil)
        }

        /// Lays out a packed batch: `sequences.rows` rows (as batch 1 × length M) with attention
        /// blocks sized by its groups.
        public init(config: LlamaConfig, sequences: PackedSequences, outputs: Int) {
            self.init(config: config, batch: 1, length: sequences.rows, outputs: outputs,
                      packedScores: (sequences.attentionFloats(heads: config.heads), sequences.largestScoreCount))
        }

        private init(config: LlamaConfig, batch: Int, length: Int, outputs: Int, packedScores: (attention: Int, scratch: Int)?) {
            self.config = config
            self.batch = batch
            self.length = length
            self.outputs = outputs
            self.packedScores = packedScores
            var cursor = 0
            for slot in ActivationSlot.allCases {
                offsets.append(cursor)
                cursor += elements(of: slot) * copies(of: slot)
            }
            total = cursor
        }

        /// Floats in one copy of `slot` — the one size table.
        public func elements(of slot: ActivationSlot) -> Int {
            let n = batch * length, c = config.width, f = config.ffnWidth, r = outputs
            let qw = config.heads * config.headSize, kw = config.kvHeads * config.headSize
            switch slot {
            case .residual, .mid, .normed, .branch, .dResidual, .dMid, .dBranch, .dNormed: return n * c
            case .attnRstd, .ffnRstd: return n
            case .q, .attnOut, .dAttnOut, .dq, .dqRaw: return n * qw
            case .k, .v, .dk, .dkRaw, .dv: return n * kw
            case .att: return packedScores?.attention ?? batch * config.heads * length * length
            case .gate, .up, .hidden, .dHidden, .dGate, .dUp: return n * f
            case .headInput, .headNormed, .dHeadNormed, .dHeadInput: return r * c
            case .headRstd: return r
            case .dAtt: return packedScores?.scratch ?? length * length
            }
        }

        /// Copies of `slot`: L + 1 for the residual stream, L for other per-layer slots, else 1.
        public func copies(of slot: ActivationSlot) -> Int {
            if slot == .residual { return config.layers + 1 }
            return slot.isPerLayer ? config.layers : 1
        }

        /// Offset of `slot` for `layer`.
        func offset(of slot: ActivationSlot, layer: Int) -> Int {
            precondition(layer >= 0 && layer < copies(of: slot), "\(slot) has no copy for layer \(layer)")
            return offsets[slot.rawValue] + layer * elements(of: slot)
        }
    }

    /// The current layout (B, T, R of the last `prepare`).
    public private(set) var layout: Layout
    /// The one allocation.
    private var storage: UnsafeMutableBufferPointer<Float>

    // MARK: Recorded by the forward for the backward
    /// Real positions per batch row (B) of the last forward.
    var lengths: [Int] = []
    /// Flat row index `b·T + t` of each output position (R) of the last forward.
    var outputRows: [Int] = []
    /// Whether a forward has filled the saved slots for the current layout.
    var hasForward = false
    /// The packed layout of the last `forwardPacked` (nil after a padded forward).
    var sequences: PackedSequences?

    /// Creates an arena sized for `batch × length` positions with `outputs` logit rows.
    public init(config: LlamaConfig, batch: Int, length: Int, outputs: Int) {
        layout = Layout(config: config, batch: batch, length: length, outputs: outputs)
        storage = .allocate(capacity: max(1, layout.total))
        storage.initialize(repeating: 0)
    }

    deinit { storage.deallocate() }

    /// Floats held (the capacity of the one allocation).
    public var capacity: Int { storage.count }

    /// Re-lays the arena out for a new shape, reallocating only when the shape needs more room.
    public func prepare(batch: Int, length: Int, outputs: Int) {
        relayout(Layout(config: layout.config, batch: batch, length: length, outputs: outputs))
    }

    /// Re-lays the arena out for a packed batch, reallocating only when it needs more room.
    public func prepare(sequences: PackedSequences, outputs: Int) {
        relayout(Layout(config: layout.config, sequences: sequences, outputs: outputs))
    }

    private func relayout(_ next: Layout) {
        if next.total > storage.count {
            storage.deallocate()
            storage = .allocate(capacity: next.total)
            storage.initialize(repeating: 0)
        }
        layout = next
        hasForward = false
        sequences = nil
    }

    /// The named view of `slot` (for per-layer slots, of `layer`).
    public func view(_ slot: ActivationSlot, layer: Int = 0) -> UnsafeMutablePointer<Float> {
        storage.baseAddress! + layout.offset(of: slot, layer: layer)
    }

    /// Sets a slot's copy to zero — the one explicit zeroing before a backward accumulates into it.
    func zero(_ slot: ActivationSlot, layer: Int = 0) {
        view(slot, layer: layer).update(repeating: 0, count: layout.elements(of: slot))
    }
}
