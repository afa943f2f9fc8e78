// Training curves in the terminal (`plot loss`): braille lines, one colour per series.

/// A braille line chart of one or more series sharing the axes.
public struct LineChart: Sendable {
    /// The series, drawn in order (later ones on top).
    public var series: [ChartSeries]
    /// Total width in columns, y labels included.
    public var width: Int
    /// Rows of plot area (axes, labels, title and legend come on top of these).
    public var height: Int
    /// A bold line above the chart, if any.
    public var title: String?
    /// The name of the x axis, shown between its range labels.
    public var xLabel: String

    /// A chart of `series`, `width` columns wide with `height` plot rows.
    public init(series: [ChartSeries], width: Int = 72, height: Int = 14, title: String? = nil, xLabel: String = "step") {
        self.series = series
        self.width = width
        self.height = height
        self.title = title
        self.xLabel = xLabel
    }

    /// The chart as lines joined by "\n": title (if any), `height` plot rows, the x axis, the x
    /// range, and a legend. Every line is at most `width` columns. No data gives one line saying so.
    public func render(style: TerminalStyle = .plain) -> String {
        guard let bounds = extent(series.flatMap(\.points)) else { return "(no data to plot)" }
        let frame = ChartFrame(
            width: width, plotRows: height, minX: bounds.minX, maxX: bounds.maxX, minY: bounds.minY, maxY: bounds.maxY)
        var canvas = BrailleCanvas(columns: frame.plotColumns, rows: frame.plotRows)
        for (index, s) in series.enumerated() {
            let pixels = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map {
                (x: frame.pixelX($0.x, pixels: canvas.pixelWidth), y: frame.pixelY($0.y, pixels: canvas.pixelHeight))
            }
            if pixels.count == 1 { canvas.set(x: pixels[0].x, y: pixels[0].y, series: index) }
            for (a, b) in zip(pixels, pixels.dropFirst()) { canvas.line(from: a, to: b, series: index) }
        }
        var grid = CellGrid(columns: frame.plotColumns, rows: frame.plotRows)
        canvas.draw(into: &grid) { style.seriesColor($0) }
        let legend = series.enumerated().map { ($0.element.name, Optional(style.seriesColor($0.offset))) }
        return frame.assemble(
            title: title, plot: grid.renderRows(style: style), xLabel: xLabel, legend: legend, style: style
        ).joined(separator: "\n")
    }
}
