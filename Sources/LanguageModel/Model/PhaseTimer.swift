import Foundation

/// The parts of one training forward/backward that `PhaseTimer` tells apart.
public enum TrainingPhase: Int, CaseIterable, Sendable {
    /// The layer projections of the forward (Q, K, V, O, gate, up, down).
    case forwardGEMM
    /// Attention scores, softmax and their backward (small per-head GEMMs included).
    case attention
    /// The layer projections' input-gradient GEMMs of the backward.
    case backwardGEMM
    /// Norms, RoPE, SwiGLU, residual adds, zeroing and copies, forward and backward.
    case elementwise
    /// The LM head at the target positions, forward and backward (its norm included).
    case head

    /// A short name for reports.
    public var name: String {
        switch self {
        case .forwardGEMM: "forward_gemm"
        case .attention: "attention"
        case .backwardGEMM: "backward_gemm"
        case .elementwise: "elementwise"
        case .head: "lm_head"
        }
    }
}

/// Wall time per `TrainingPhase` of the packed training path, for the benchmark's profile.
/// Off unless `PhaseTimer.active` is set: then every timed operation costs one pointer load.
public final class PhaseTimer: @unchecked Sendable {  // written only by the one thread running the model
    /// Nanoseconds per phase, indexed by `TrainingPhase.rawValue`.
    public private(set) var nanoseconds: [UInt64] = Array(repeating: 0, count: TrainingPhase.allCases.count)

    /// A timer at zero.
    public init() {}

    /// Sets every phase back to zero.
    public func reset() { nanoseconds = Array(repeating: 0, count: TrainingPhase.allCases.count) }

    /// Seconds spent in `phase`.
    public func seconds(_ phase: TrainingPhase) -> Double { Double(nanoseconds[phase.rawValue]) / 1e9 }

    /// The timer the model reports into. Set by the single-threaded benchmark around the updates
    /// it profiles and nil otherwise; nothing else touches it, hence `nonisolated(unsafe)`.
    nonisolated(unsafe) public static var active: PhaseTimer?

    /// Runs `body`, adding its wall time to `phase` when a timer is active.
    @inline(__always)
    static func time<R>(_ phase: TrainingPhase, _ body: () -> R) -> R {
        guard let timer = active else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        timer.nanoseconds[phase.rawValue] += DispatchTime.now().uptimeNanoseconds - start
        return result
    }
}
