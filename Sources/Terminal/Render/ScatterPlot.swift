// Where points sit relative to each other (`map`: virtual tokens among their nearest words),
// with labels placed beside the points wherever there is room.

/// A labelled scatter plot in the terminal.
public struct ScatterPlot: Sendable {
    /// How points are drawn.
    public enum Mode: Sendable {
        /// Braille dots: fine positions, several points per cell.
        case braille
        /// One "●" per cell: coarser, easier to see.
        case block
    }

    /// The points.
    public var points: [LabelledPoint]
    /// Legend names, indexed by `LabelledPoint.group`.
    public var groupNames: [String]
    /// Total width in columns.
    public var width: Int
    /// Rows of plot area.
    public var height: Int
    /// A bold line above the plot, if any.
    public var title: String?
    /// The marker style.
    public var mode: Mode

    /// A plot of `points`.
    public init(
        points: [LabelledPoint], groupNames: [String] = [], width: Int = 72, height: Int = 18,
        title: String? = nil, mode: Mode = .block
    ) {
        self.points = points
        self.groupNames = groupNames
        self.width = width
        self.height = height
        self.title = title
        self.mode = mode
    }

    /// The plot as lines joined by "\n" (same layout as `LineChart`, x axis unnamed). A label goes
    /// right of its point, else left of it, else is left out when it would cover another mark.
    public func render(style: TerminalStyle = .plain) -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let bounds = extent(finite.map { ChartPoint(x: $0.x, y: $0.y) }) else { return "(no points to plot)" }
        let frame = ChartFrame(
            width: width, plotRows: height, minX: bounds.minX, maxX: bounds.maxX, minY: bounds.minY, maxY: bounds.maxY)
        var grid = CellGrid(columns: frame.plotColumns, rows: frame.plotRows)

        // marks first, so labels never hide a point
        var cells: [(row: Int, column: Int)] = []
        switch mode {
        case .braille:
            var canvas = BrailleCanvas(columns: frame.plotColumns, rows: frame.plotRows)
            for p in finite {
                let x = frame.pixelX(p.x, pixels: canvas.pixelWidth)
                let y = frame.pixelY(p.y, pixels: canvas.pixelHeight)
                canvas.set(x: x, y: y, series: p.group)
                cells.append((y / 4, x / 2))
            }
            canvas.draw(into: &grid) { style.seriesColor($0) }
        case .block:
            for p in finite {
                let row = frame.pixelY(p.y, pixels: frame.plotRows)
                let column = frame.pixelX(p.x, pixels: frame.plotColumns)
                grid.put("●", row: row, column: column, color: style.seriesColor(p.group))
                cells.append((row, column))
            }
        }
        for (p, cell) in zip(finite, cells) {
            guard let label = p.label, !label.isEmpty else { continue }
            let w = DisplayWidth.of(label)
            if grid.isFree(row: cell.row, column: cell.column + 1, width: w + 1) {
                grid.put(label, row: cell.row, column: cell.column + 2, color: nil)
            } else if grid.isFree(row: cell.row, column: cell.column - w - 1, width: w + 1) {
                grid.put(label, row: cell.row, column: cell.column - w - 1, color: nil)
            }
        }
        let groups = Set(finite.map(\.group)).sorted()
        let legend = groupNames.isEmpty ? [] : groups.map { group in
            (group < groupNames.count ? groupNames[group] : "group \(group)", Optional(style.seriesColor(group)))
        }
        return frame.assemble(title: title, plot: grid.renderRows(style: style), xLabel: "", legend: legend, style: style)
            .joined(separator: "\n")
    }
}
