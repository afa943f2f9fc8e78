import AtomicFiles
import Foundation
import PTScript
import Terminal

// MARK: - plot

extension Interpreter {
    /// `plot loss|drift|norms|lr [to "file.svg"]`: a series of the session's training history,
    /// drawn with braille characters in the terminal or written as an SVG file.
    func plot(_ series: PlotSeries, to output: String?) throws -> CommandOutcome {
        let history = session.tuning.history
        guard let first = history.entries.first?.step, let last = history.lastStep else {
            throw CommandFailure("there is no training history to plot yet; run 'train' after 'init' first")
        }
        let chart = Self.chart(series, history: history)
        guard chart.series.contains(where: { !$0.points.isEmpty }) else {
            throw CommandFailure("there is nothing to plot for \(series.rawValue): \(chart.missing)")
        }
        let title = "\(chart.title) — steps \(first)–\(last)"
        var fields: [(String, JSONValue)] = [
            ("series_name", .string(series.rawValue)),
            ("series", .array(chart.series.map { s in
                .object([("name", .string(s.name)),
                         ("points", .array(s.points.map { .array([.int(Int($0.x)), .number($0.y)]) }))])
            })),
        ]
        if let output {
            let path = session.resolve(output)
            let svg = SVGChart.lineChart(series: chart.series, title: title, xLabel: "step", yLabel: chart.yLabel)
            try Self.writeAtomically(svg, to: path)
            fields.append(("file", .string(path)))
            return CommandOutcome(human: "wrote \(chart.title) (steps \(first)–\(last), \(chart.series.count) series) to \(output)",
                                  fields: fields)
        }
        let width = max(40, min(100, TerminalSize.columns(fileDescriptor: 1)))
        let drawn = LineChart(series: chart.series, width: width, height: 12, title: title, xLabel: "step")
            .render(style: TerminalStyle(enabled: console.color))
        return CommandOutcome(human: drawn, fields: fields)
    }

    /// What a plot shows: its series, title and y axis name, and why a series may be empty.
    struct PlotChart {
        var title: String
        var yLabel: String
        var series: [ChartSeries]
        var missing: String
    }

    /// The chart of `series` from `history`; x is the step number. Validation loss goes on the
    /// loss chart when there is any. Norms: one line per virtual token up to 8 rows, else the
    /// smallest, mean and largest row norm.
    static func chart(_ series: PlotSeries, history: TrainingHistory) -> PlotChart {
        let entries = history.entries
        func line(_ name: String, _ value: (TrainingHistory.Entry) -> Double?) -> ChartSeries {
            ChartSeries(name: name, points: entries.compactMap { e in value(e).map { ChartPoint(x: Double(e.step), y: $0) } })
        }
        switch series {
        case .loss:
            var lines = [line("training loss") { Double($0.loss) }]
            if !history.validation.isEmpty {
                lines.append(ChartSeries(name: "validation loss",
                                         points: history.validation.map { ChartPoint(x: Double($0.step), y: $0.loss) }))
            }
            return PlotChart(title: "loss", yLabel: "cross-entropy", series: lines, missing: "")
        case .lr:
            return PlotChart(title: "learning rate", yLabel: "learning rate", series: [line("learning rate") { $0.learningRate }], missing: "")
        case .drift:
            return PlotChart(title: "drift from the initial vector", yLabel: "‖P − P₀‖",
                             series: [line("drift") { $0.drift }],
                             missing: "the vector came from 'load prompt', so its initial value is unknown")
        case .norms:
            let rows = entries.last?.rowNorms.count ?? 0
            let lines: [ChartSeries]
            if rows <= 8 {
                lines = (0..<rows).map { row in line("token \(row)") { row < $0.rowNorms.count ? $0.rowNorms[row] : nil } }
            } else {
                lines = [line("largest") { $0.rowNorms.max() },
                         line("mean") { $0.rowNorms.reduce(0, +) / Double(max(1, $0.rowNorms.count)) },
                         line("smallest") { $0.rowNorms.min() }]
            }
            return PlotChart(title: rows <= 8 ? "row norms" : "row norms of \(rows) virtual tokens", yLabel: "‖row‖",
                             series: lines, missing: "")
        }
    }

    /// Writes `text` to `path` atomically (see `AtomicFile`), so a reader never sees half a file;
    /// a missing folder is named as such.
    static func writeAtomically(_ text: String, to path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("cannot write '\(path)': the folder '\(directory)' does not exist")
        }
        do {
            try AtomicFile.write(text, to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
