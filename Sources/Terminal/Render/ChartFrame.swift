// The parts every terminal chart shares: a y axis with tick labels, an x axis with its range,
// a legend. Charts draw only their plot area.

/// Lays a plot area out with axes and a legend.
struct ChartFrame {
    let xScale: (min: Double, max: Double)
    let yScale: AxisScale
    let plotColumns: Int
    let plotRows: Int
    let labelWidth: Int

    /// The frame for a chart `width` columns wide with `plotRows` rows of plot.
    init(width: Int, plotRows: Int, minX: Double, maxX: Double, minY: Double, maxY: Double) {
        let scale = AxisScale(minimum: minY, maximum: maxY, ticks: max(2, min(6, plotRows / 2)))
        yScale = scale
        xScale = (minX, maxX)
        labelWidth = scale.ticks.map { DisplayWidth.of(scale.label($0)) }.max() ?? 1
        plotColumns = max(4, width - labelWidth - 2)
        self.plotRows = max(2, plotRows)
    }

    /// Pixel column of `x` on a canvas `pixels` wide.
    func pixelX(_ x: Double, pixels: Int) -> Int {
        let span = xScale.max - xScale.min
        let f = span > 0 ? (x - xScale.min) / span : 0.5
        return Int((f * Double(pixels - 1)).rounded())
    }

    /// Pixel row of `y` on a canvas `pixels` tall (row 0 at the top).
    func pixelY(_ y: Double, pixels: Int) -> Int {
        Int(((1 - yScale.fraction(y)) * Double(pixels - 1)).rounded())
    }

    /// Title, plot rows with the y axis, x axis, x range, legend.
    func assemble(title: String?, plot: [String], xLabel: String, legend: [(String, TerminalStyle.Code?)], style: TerminalStyle) -> [String] {
        var lines: [String] = []
        if let title { lines.append(style.bold(DisplayWidth.truncate(title, to: labelWidth + 2 + plotColumns))) }
        // which row each tick lands on; a row keeps the first tick that claims it
        var tickRows: [Int: String] = [:]
        for tick in yScale.ticks {
            let row = Int(((1 - yScale.fraction(tick)) * Double(plotRows - 1)).rounded())
            if tickRows[row] == nil { tickRows[row] = yScale.label(tick) }
        }
        for (row, content) in plot.enumerated() {
            let label = tickRows[row] ?? ""
            lines.append(DisplayWidth.pad(label, to: labelWidth, alignRight: true) + (tickRows[row] != nil ? " ┤" : " │") + content)
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: plotColumns))
        let step = max(abs(xScale.max - xScale.min) / 100, 1e-9)
        let left = AxisScale.format(xScale.min, step: xScale.min.rounded() == xScale.min ? 1 : step)
        let right = AxisScale.format(xScale.max, step: xScale.max.rounded() == xScale.max ? 1 : step)
        let axisText = xLabel.isEmpty ? "" : " " + xLabel + " "
        let gap = plotColumns - DisplayWidth.of(left) - DisplayWidth.of(right)
        var xLine = left
        if gap >= DisplayWidth.of(axisText) {
            let before = (gap - DisplayWidth.of(axisText)) / 2
            xLine += String(repeating: " ", count: before) + axisText
                + String(repeating: " ", count: gap - before - DisplayWidth.of(axisText)) + right
        } else {
            xLine += String(repeating: " ", count: max(1, gap)) + right
        }
        lines.append(String(repeating: " ", count: labelWidth + 2) + xLine)
        if !legend.isEmpty {
            let entries = legend.map { name, color in
                (color.map { style.apply([$0], to: "●") } ?? "●") + " " + name
            }
            lines.append(DisplayWidth.truncate(String(repeating: " ", count: labelWidth + 2) + entries.joined(separator: "   "), to: labelWidth + 2 + plotColumns))
        }
        return lines
    }
}
