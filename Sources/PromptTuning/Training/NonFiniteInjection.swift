// A debug fault: a NaN or ∞ put into the forward pass, to prove that the step loop's guard
// catches it, skips the update and keeps the last good prompt vector and optimizer state.
// Off by default; the Studio arms it only from tests (an internal session property), never
// from a script.

/// Which forward-backward passes get a non-finite value, and which value.
public struct NonFiniteInjection: Sendable, Equatable {
    /// The value put into the pass.
    public enum Value: String, Sendable, Equatable {
        /// Not a number.
        case nan
        /// Positive infinity.
        case infinity

        var float: Float { self == .nan ? .nan : .infinity }
    }

    /// The value.
    public var value: Value
    /// 1-based numbers of the `lossAndGradient` calls that get it (with accumulate_steps 1, one call is one update).
    public var calls: Set<Int>

    /// Injects `value` into the passes numbered `calls`.
    public init(_ value: Value, calls: Set<Int>) {
        self.value = value
        self.calls = calls
    }
}

/// A model that passes everything to `base`, except that on the chosen calls the first value of
/// the prompt rows fed to the forward pass is replaced by NaN or ∞. The fault then travels
/// through the real network (attention mixes it into every position), so the loss and the
/// gradient come back non-finite the way a numeric blow-up would make them.
public final class NonFiniteInjectingModel<Base: PromptGradientModel>: PromptGradientModel {
    /// The real model.
    public let base: Base
    /// What to inject; nil passes every call through unchanged.
    public let injection: NonFiniteInjection?
    /// Calls made so far.
    public private(set) var callCount = 0

    /// Wraps `base`.
    public init(base: Base, injection: NonFiniteInjection?) {
        self.base = base
        self.injection = injection
    }

    /// `base`'s loss and gradient, with the fault injected on the chosen calls.
    public func lossAndGradient(prompt: PromptVector, batch: Batch) throws -> BatchGradient {
        callCount += 1
        guard let injection, injection.calls.contains(callCount), !prompt.values.isEmpty else {
            return try base.lossAndGradient(prompt: prompt, batch: batch)
        }
        var poisoned = prompt
        poisoned.values[0] = injection.value.float
        return try base.lossAndGradient(prompt: poisoned, batch: batch)
    }
}
