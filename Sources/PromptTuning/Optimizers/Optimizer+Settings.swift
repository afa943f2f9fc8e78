extension Optimizer {
    /// The optimizer for `settings`, keeping this one's moments and step count when the kind is
    /// the same (a changed learning rate or weight decay applies from the next update on, as when
    /// one edits `param_groups` in PyTorch); a different kind starts fresh.
    public func adopting(_ settings: OptimizerSettings) -> Optimizer {
        guard settings.kind == kind else { return Optimizer(settings) }
        switch self {
        case var .adam(o):
            o.learningRate = settings.learningRate; o.weightDecay = settings.weightDecay
            return .adam(o)
        case var .adamW(o):
            o.learningRate = settings.learningRate; o.weightDecay = settings.weightDecay
            return .adamW(o)
        case var .adafactor(o):
            o.learningRate = settings.learningRate; o.weightDecay = settings.weightDecay
            return .adafactor(o)
        case var .sgd(o):
            o.learningRate = settings.learningRate; o.weightDecay = settings.weightDecay
            return .sgd(o)
        }
    }
}
