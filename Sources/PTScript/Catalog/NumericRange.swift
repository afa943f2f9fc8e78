// MARK: - Numeric ranges

/// An interval of allowed numbers with open or closed ends, written in interval notation.
public struct NumericRange: Sendable, Hashable, CustomStringConvertible {
    /// Lower bound, or nil for unbounded.
    public let lower: Double?
    /// True when `lower` itself is allowed.
    public let lowerInclusive: Bool
    /// Upper bound, or nil for unbounded.
    public let upper: Double?
    /// True when `upper` itself is allowed.
    public let upperInclusive: Bool

    /// Creates a range.
    public init(lower: Double?, lowerInclusive: Bool = true, upper: Double?, upperInclusive: Bool = true) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// `[a, b]`.
    public static func closed(_ a: Double, _ b: Double) -> NumericRange { NumericRange(lower: a, upper: b) }
    /// `[a, ∞)`.
    public static func atLeast(_ a: Double) -> NumericRange { NumericRange(lower: a, upper: nil) }

    /// True when the value lies in the range.
    public func contains(_ value: Double) -> Bool {
        if let lower, lowerInclusive ? value < lower : value <= lower { return false }
        if let upper, upperInclusive ? value > upper : value >= upper { return false }
        return true
    }

    /// Interval notation: `[1, 16]`, `(0, 10]`, `[1, ∞)`.
    public var description: String {
        let low = lower.map(NumericRange.format) ?? "-∞"
        let high = upper.map(NumericRange.format) ?? "∞"
        return "\(lower != nil && lowerInclusive ? "[" : "(")\(low), \(high)\(upper != nil && upperInclusive ? "]" : ")")"
    }

    /// The range in words for messages: `at least 1`, `between 1 and 100`, `in (0, 1)`.
    public var phrase: String {
        switch (lower, upper) {
        case (let l?, nil) where lowerInclusive: "at least \(NumericRange.format(l))"
        case (let l?, let u?) where lowerInclusive && upperInclusive:
            "between \(NumericRange.format(l)) and \(NumericRange.format(u))"
        default: "in \(description)"
        }
    }

    /// A number without a trailing `.0` when it is whole, else its shortest decimal spelling.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        if abs(value) < 0.001 { return String(format6(value)) }
        return String(value)
    }

    // Small values print as plain decimals (0.00001) rather than 1e-05.
    private static func format6(_ value: Double) -> String {
        var digits = 1
        while digits < 12, (value * pow10(digits)).rounded() != value * pow10(digits) { digits += 1 }
        let scaled = Int((abs(value) * pow10(digits)).rounded())
        let body = String(scaled)
        let padded = String(repeating: "0", count: max(0, digits - body.count + 1)) + body
        let point = padded.count - digits
        return (value < 0 ? "-" : "") + padded.prefix(point) + "." + padded.dropFirst(point)
    }

    private static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }
}
