// Charts as standalone SVG files (`plot loss to "loss.svg"`, `map to "map.svg"`): real axes,
// ticks and legend, one <g id=…> per series so the file is easy to style or inspect.
import Foundation

/// Writes SVG line charts and scatter plots.
public enum SVGChart {
    /// Colours for series, in order (cycled).
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    // MARK: - Line chart

    /// A line chart: one `<g id="series-NAME">` holding a `<polyline>` per series.
    public static func lineChart(
        series: [ChartSeries], title: String? = nil, xLabel: String = "step", yLabel: String = "",
        width: Int = 720, height: Int = 420
    ) -> String {
        let bounds = extent(series.flatMap(\.points)) ?? (0, 1, 0, 1)
        let plot = Plot(width: width, height: height, minX: bounds.minX, maxX: bounds.maxX, minY: bounds.minY, maxY: bounds.maxY)
        var body = plot.axes(title: title, xLabel: xLabel, yLabel: yLabel)
        let ids = uniqueIDs(series.map(\.name), prefix: "series")
        for (index, s) in series.enumerated() {
            let color = palette[index % palette.count]
            let coordinates = s.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(number(plot.px($0.x))),\(number(plot.py($0.y)))" }.joined(separator: " ")
            body += "<g id=\"\(ids[index])\" class=\"series\" data-name=\"\(escape(s.name))\">\n"
            body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" points=\"\(coordinates)\"/>\n"
            body += "</g>\n"
        }
        body += legend(series.map(\.name), plot: plot)
        return document(width: width, height: height, title: title, body: body)
    }

    // MARK: - Scatter plot

    /// A scatter plot: one `<g id="group-NAME">` per group holding a `<circle>` (and a `<text>`
    /// label, if any) per point. `paths` (e.g. where each point came from) are drawn first, as grey
    /// `<polyline>`s in `<g id="paths">`, one `id="path-NAME"` each.
    public static func scatterPlot(
        points: [LabelledPoint], groupNames: [String] = [], title: String? = nil,
        xLabel: String = "", yLabel: String = "", width: Int = 720, height: Int = 520, paths: [ChartSeries] = []
    ) -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        let bounds = extent(finite.map { ChartPoint(x: $0.x, y: $0.y) } + paths.flatMap(\.points)) ?? (0, 1, 0, 1)
        let plot = Plot(width: width, height: height, minX: bounds.minX, maxX: bounds.maxX, minY: bounds.minY, maxY: bounds.maxY)
        var body = plot.axes(title: title, xLabel: xLabel, yLabel: yLabel)
        if !paths.isEmpty {
            body += "<g id=\"paths\" fill=\"none\" stroke=\"#999\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\">\n"
            for (id, path) in zip(uniqueIDs(paths.map(\.name), prefix: "path"), paths) {
                let coordinates = path.points.filter { $0.x.isFinite && $0.y.isFinite }
                    .map { "\(number(plot.px($0.x))),\(number(plot.py($0.y)))" }.joined(separator: " ")
                body += "<polyline id=\"\(id)\" points=\"\(coordinates)\"/>\n"
            }
            body += "</g>\n"
        }
        let groups = Set(finite.map(\.group)).sorted()
        let names = groups.map { $0 < groupNames.count && $0 >= 0 ? groupNames[$0] : "group \($0)" }
        let ids = uniqueIDs(names, prefix: "group")
        for (slot, group) in groups.enumerated() {
            let color = palette[((group % palette.count) + palette.count) % palette.count]
            body += "<g id=\"\(ids[slot])\" class=\"group\" data-name=\"\(escape(names[slot]))\" fill=\"\(color)\">\n"
            for p in finite where p.group == group {
                let x = plot.px(p.x)
                let y = plot.py(p.y)
                body += "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"3.5\"/>\n"
                if let label = p.label, !label.isEmpty {
                    body += "<text x=\"\(number(x + 6))\" y=\"\(number(y + 4))\" font-size=\"11\" fill=\"#333\">\(escape(label))</text>\n"
                }
            }
            body += "</g>\n"
        }
        if !groupNames.isEmpty { body += legend(names, plot: plot, colorIndices: groups) }
        return document(width: width, height: height, title: title, body: body)
    }

    // MARK: - Text

    /// `text` safe inside XML character data and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even as references
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { out += "\u{FFFD}" }
                else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Element ids from names: `prefix-slug`, with "-2", "-3"… added to repeats.
    static func uniqueIDs(_ names: [String], prefix: String) -> [String] {
        var seen: [String: Int] = [:]
        return names.map { name in
            let slug = String(name.lowercased().unicodeScalars.map { scalar -> Character in
                (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) && scalar.isASCII ? Character(scalar) : "-"
            })
            let base = prefix + "-" + (slug.isEmpty ? "unnamed" : slug)
            let count = (seen[base] ?? 0) + 1
            seen[base] = count
            return count == 1 ? base : "\(base)-\(count)"
        }
    }

    /// A coordinate with at most two decimals (keeps files small and diffs stable).
    static func number(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        var trimmed = text
        while trimmed.contains(".") && (trimmed.hasSuffix("0") || trimmed.hasSuffix(".")) { trimmed.removeLast() }
        return trimmed == "-0" ? "0" : trimmed
    }

    // MARK: - Layout

    private static func document(width: Int, height: Int, title: String?, body: String) -> String {
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        if let title { svg += "<title>\(escape(title))</title>\n" }
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        return svg + body + "</svg>\n"
    }

    private static func legend(_ names: [String], plot: Plot, colorIndices: [Int]? = nil) -> String {
        guard !names.isEmpty else { return "" }
        var out = "<g id=\"legend\" font-size=\"12\">\n"
        for (i, name) in names.enumerated() {
            let colorIndex = colorIndices?[i] ?? i
            let color = palette[((colorIndex % palette.count) + palette.count) % palette.count]
            let y = plot.top + 14 + Double(i) * 18
            out += "<rect x=\"\(number(plot.right - 150))\" y=\"\(number(y - 9))\" width=\"12\" height=\"12\" fill=\"\(color)\"/>\n"
            out += "<text x=\"\(number(plot.right - 132))\" y=\"\(number(y + 1))\">\(escape(name))</text>\n"
        }
        return out + "</g>\n"
    }

    /// The plot rectangle inside the margins and the data → pixel mapping.
    private struct Plot {
        let left: Double, right: Double, top: Double, bottom: Double
        let xScale: AxisScale, yScale: AxisScale

        init(width: Int, height: Int, minX: Double, maxX: Double, minY: Double, maxY: Double) {
            left = 70
            right = Double(width) - 20
            top = 44
            bottom = Double(height) - 50
            xScale = AxisScale(minimum: minX, maximum: maxX, ticks: 6)
            yScale = AxisScale(minimum: minY, maximum: maxY, ticks: 6)
        }

        func px(_ x: Double) -> Double { left + xScale.fraction(x) * (right - left) }
        func py(_ y: Double) -> Double { bottom - yScale.fraction(y) * (bottom - top) }

        /// Title, axis lines, ticks with labels, grid lines and axis names.
        func axes(title: String?, xLabel: String, yLabel: String) -> String {
            var out = ""
            if let title {
                out += "<text id=\"title\" x=\"\(number((left + right) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>\n"
            }
            out += "<g id=\"axes\" stroke=\"#444\" font-size=\"11\">\n"
            out += "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(right))\" y2=\"\(number(bottom))\"/>\n"
            out += "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(bottom))\"/>\n"
            for tick in xScale.ticks {
                let x = px(tick)
                out += "<line x1=\"\(number(x))\" y1=\"\(number(bottom))\" x2=\"\(number(x))\" y2=\"\(number(bottom + 5))\"/>\n"
                out += "<text class=\"x-tick\" x=\"\(number(x))\" y=\"\(number(bottom + 18))\" text-anchor=\"middle\" stroke=\"none\">\(escape(xScale.label(tick)))</text>\n"
            }
            for tick in yScale.ticks {
                let y = py(tick)
                out += "<line x1=\"\(number(left - 5))\" y1=\"\(number(y))\" x2=\"\(number(left))\" y2=\"\(number(y))\"/>\n"
                out += "<line x1=\"\(number(left))\" y1=\"\(number(y))\" x2=\"\(number(right))\" y2=\"\(number(y))\" stroke=\"#e5e5e5\"/>\n"
                out += "<text class=\"y-tick\" x=\"\(number(left - 8))\" y=\"\(number(y + 4))\" text-anchor=\"end\" stroke=\"none\">\(escape(yScale.label(tick)))</text>\n"
            }
            out += "</g>\n"
            if !xLabel.isEmpty {
                out += "<text id=\"x-label\" x=\"\(number((left + right) / 2))\" y=\"\(number(bottom + 40))\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
            }
            if !yLabel.isEmpty {
                let cy = (top + bottom) / 2
                out += "<text id=\"y-label\" x=\"18\" y=\"\(number(cy))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 18 \(number(cy)))\">\(escape(yLabel))</text>\n"
            }
            return out
        }
    }
}
