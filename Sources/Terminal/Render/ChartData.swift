// The data every chart (terminal or SVG) draws, and the axis arithmetic they share.
import Foundation

// MARK: - Data

/// One (x, y) sample.
public struct ChartPoint: Equatable, Sendable {
    /// Horizontal value (a step number, a projection coordinate).
    public var x: Double
    /// Vertical value.
    public var y: Double

    /// A point at (x, y).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named line of samples, drawn in order.
public struct ChartSeries: Equatable, Sendable {
    /// The legend name (also the SVG group id, slugged).
    public var name: String
    /// The samples, in drawing order.
    public var points: [ChartPoint]

    /// A series from explicit points.
    public init(name: String, points: [ChartPoint]) {
        self.name = name
        self.points = points
    }

    /// A series of per-step values: the first value is at x = `firstStep`, then +1 each.
    public init(name: String, values: [Double], firstStep: Int = 1) {
        self.name = name
        points = values.enumerated().map { ChartPoint(x: Double(firstStep + $0.offset), y: $0.element) }
    }
}

/// A point with an optional label and a group (colour / legend entry), for scatter plots.
public struct LabelledPoint: Equatable, Sendable {
    /// Horizontal value.
    public var x: Double
    /// Vertical value.
    public var y: Double
    /// Text shown beside the point, if any.
    public var label: String?
    /// Index into the plot's group names.
    public var group: Int

    /// A point at (x, y) in `group`, labelled `label`.
    public init(x: Double, y: Double, label: String? = nil, group: Int = 0) {
        self.x = x
        self.y = y
        self.label = label
        self.group = group
    }
}

// MARK: - Axis arithmetic

/// A value range rounded outwards to "nice" tick steps (1, 2 or 5 × 10ⁿ).
public struct AxisScale: Equatable, Sendable {
    /// The first tick (≤ the data minimum).
    public let lower: Double
    /// The last tick (≥ the data maximum).
    public let upper: Double
    /// Distance between ticks.
    public let step: Double

    /// A scale covering `minimum...maximum` with about `ticks` ticks. A degenerate range is widened
    /// so a flat series still gets an axis.
    public init(minimum: Double, maximum: Double, ticks: Int = 5) {
        var lo = minimum.isFinite ? minimum : 0
        var hi = maximum.isFinite ? maximum : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = Swift.max(abs(lo) * 0.1, 1e-3)
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(Swift.max(1, ticks - 1))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        step = nice * magnitude
        lower = floor(lo / step) * step
        upper = ceil(hi / step) * step
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded()) + 1
        return (0..<count).map { lower + Double($0) * step }
    }

    /// `value` mapped to 0…1 along the scale.
    public func fraction(_ value: Double) -> Double {
        upper > lower ? (value - lower) / (upper - lower) : 0.5
    }

    /// A tick label with as many decimals as the step needs.
    public func label(_ value: Double) -> String {
        AxisScale.format(value, step: step)
    }

    /// `value` with as many decimals as `step` needs (at most 6); "-0" is shown as "0".
    public static func format(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : Swift.min(6, Int(ceil(-log10(step) - 1e-9)))
        let text = String(format: "%.\(decimals)f", value)
        return Double(text) == 0 ? String(format: "%.\(decimals)f", 0.0) : text
    }
}

/// The x and y extent of some points (nil when there are no finite points).
func extent(_ points: [ChartPoint]) -> (minX: Double, maxX: Double, minY: Double, maxY: Double)? {
    let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
    guard let first = finite.first else { return nil }
    var result = (minX: first.x, maxX: first.x, minY: first.y, maxY: first.y)
    for p in finite {
        result.minX = min(result.minX, p.x)
        result.maxX = max(result.maxX, p.x)
        result.minY = min(result.minY, p.y)
        result.maxY = max(result.maxY, p.y)
    }
    return result
}
