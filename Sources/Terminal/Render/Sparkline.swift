// A one-line trend: ▁▂▃▄▅▆▇█, small enough to sit in a table cell or after a loss figure.

/// Block-character sparklines.
public enum Sparkline {
    /// The eight levels, lowest first.
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value (or per bucket when `width` is given), scaled between the
    /// minimum and maximum. Non-finite values show as a space; a flat series sits mid-height.
    public static func render(_ values: [Double], width: Int? = nil) -> String {
        let samples = width.map { resample(values, to: $0) } ?? values
        let finite = samples.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else {
            return String(repeating: " ", count: samples.count)
        }
        return String(samples.map { value -> Character in
            guard value.isFinite else { return " " }
            guard hi > lo else { return levels[3] }
            let level = Int(((value - lo) / (hi - lo) * Double(levels.count - 1)).rounded())
            return levels[min(max(level, 0), levels.count - 1)]
        })
    }

    /// `values` stretched or squeezed to `width` samples: each output sample is the mean of the
    /// finite inputs in its bucket when shrinking, the nearest input when growing.
    public static func resample(_ values: [Double], to width: Int) -> [Double] {
        guard width > 0, !values.isEmpty else { return [] }
        if values.count == width { return values }
        if values.count < width {
            return (0..<width).map { i in
                values[min(values.count - 1, i * values.count / width)]
            }
        }
        return (0..<width).map { i in
            let start = i * values.count / width
            let end = max(start + 1, (i + 1) * values.count / width)
            let bucket = values[start..<end].filter(\.isFinite)
            return bucket.isEmpty ? .nan : bucket.reduce(0, +) / Double(bucket.count)
        }
    }
}
