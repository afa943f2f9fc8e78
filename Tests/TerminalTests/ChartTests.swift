// Terminal charts (layout, labels, dimensions) and SVG charts (well-formed XML, one group per series).
import Foundation
import Testing
@testable import Terminal
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Terminal charts")
struct TerminalChartTests {
    static let loss = ChartSeries(name: "loss", values: (1...50).map { 2.0 * exp(-Double($0) / 15) + 0.2 })
    static let eval = ChartSeries(name: "eval", values: (1...50).map { 1.8 * exp(-Double($0) / 20) + 0.3 })

    @Test func lineChartHasTheRequestedSizeAxisLabelsAndLegend() {
        let chart = LineChart(series: [Self.loss, Self.eval], width: 60, height: 10, title: "loss by step")
        let lines = chart.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // title + 10 plot rows + x axis + x range + legend
        #expect(lines.count == 14, "\n\(lines.joined(separator: "\n"))")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 }, "widths \(lines.map(DisplayWidth.of))")
        #expect(lines[0] == "loss by step")
        // data spans about 0.27…2.07 → ticks every 0.5 from 0.0 (bottom row) to 2.5 (top row)
        #expect(lines[1].hasPrefix("2.5 ┤"))
        #expect(lines[10].hasPrefix("0.0 ┤"))
        for tick in ["0.5", "1.0", "1.5", "2.0"] { #expect(lines.contains { $0.hasPrefix(tick + " ┤") }, "no row for \(tick)") }
        #expect(lines[11].hasPrefix("    └───"))
        #expect(lines[12].trimmingCharacters(in: .whitespaces).hasPrefix("1"))
        #expect(lines[12].hasSuffix("50"))
        #expect(lines[12].contains("step"))
        #expect(lines[13].contains("● loss") && lines[13].contains("● eval"))
        // the curve is drawn: braille cells in the first and last plot columns
        let plotRows = lines[1...10].map { Array($0.dropFirst(5)) }
        #expect(plotRows.contains { ($0.first.map { $0 != " " }) ?? false })
        #expect(plotRows.contains { ($0.last.map { $0 != " " }) ?? false })
    }

    @Test func colouredChartHasTheSameTextAsThePlainOne() {
        let chart = LineChart(series: [Self.loss, Self.eval], width: 50, height: 8)
        let plain = chart.render(style: .plain)
        let coloured = chart.render(style: TerminalStyle(enabled: true))
        #expect(coloured != plain)
        #expect(DisplayWidth.stripEscapes(coloured) == plain)
    }

    @Test func degenerateInputsStillRender() {
        #expect(LineChart(series: []).render() == "(no data to plot)")
        let flat = LineChart(series: [ChartSeries(name: "flat", values: [1, 1, 1])], width: 40, height: 4).render()
        #expect(flat.split(separator: "\n").count == 7)
        let single = LineChart(series: [ChartSeries(name: "one", values: [3])], width: 40, height: 4).render()
        #expect(single.contains("⠀") || single.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    }

    @Test func scatterPlotPlacesMarkersAndLabels() {
        let points = [
            LabelledPoint(x: 0, y: 0, label: "good", group: 0),
            LabelledPoint(x: 10, y: 10, label: "日本", group: 1),
            LabelledPoint(x: 5, y: 4, label: nil, group: 0),
        ]
        let plot = ScatterPlot(points: points, groupNames: ["words", "prompt"], width: 50, height: 12, mode: .block)
        let lines = plot.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 12 + 3)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 50 }, "widths \(lines.map(DisplayWidth.of))")
        let plotText = lines[0..<12].joined(separator: "\n")
        #expect(plotText.filter { $0 == "●" }.count == 3)
        #expect(lines[11].contains("● good"))  // bottom-left point, label to its right
        #expect(lines[0].contains("日本 ●"))  // top-right point, label to its left
        #expect(lines.last!.contains("● words") && lines.last!.contains("● prompt"))

        let braille = ScatterPlot(points: points, width: 50, height: 12, mode: .braille).render()
        #expect(braille.contains("good") && !braille.contains("●"))
    }
}

@Suite("SVGChart")
struct SVGChartTests {
    /// Elements, ids and text of an SVG document, from Foundation's XML parser.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var ids: [String] = []
        var text = ""
        var polylinePoints: [String] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name)
            if let id = attributes["id"] { ids.append(id) }
            if name == "polyline", let points = attributes["points"] { polylinePoints.append(points) }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        try #require(ok, "SVG is not well-formed: \(parser.parserError.map { "\($0)" } ?? "?")")
        return collector
    }

    @Test func lineChartIsWellFormedWithOneGroupPerSeries() throws {
        let svg = SVGChart.lineChart(
            series: [TerminalChartTests.loss, TerminalChartTests.eval, ChartSeries(name: "eval", values: [1, 2])],
            title: "Loss <train> & \"eval\"", xLabel: "step", yLabel: "loss")
        let doc = try parse(svg)
        #expect(doc.elements.first == "svg")
        #expect(doc.ids.contains("series-loss") && doc.ids.contains("series-eval") && doc.ids.contains("series-eval-2"))
        #expect(Set(doc.ids).count == doc.ids.count, "duplicate ids \(doc.ids)")
        #expect(doc.elements.filter { $0 == "polyline" }.count == 3)
        #expect(doc.polylinePoints[0].split(separator: " ").count == 50)
        #expect(doc.text.contains("Loss <train> & \"eval\""))
        for tick in ["0", "10", "20", "50", "step", "loss"] { #expect(doc.text.contains(tick), "missing \(tick)") }
    }

    @Test func scatterPlotIsWellFormedWithEscapedLabels() throws {
        let points = [
            LabelledPoint(x: -1, y: 2, label: "<pad>", group: 0),
            LabelledPoint(x: 3, y: -4, label: "virtual 1 & 2", group: 1),
            LabelledPoint(x: 0.5, y: 0.5, label: "日本", group: 1),
        ]
        let svg = SVGChart.scatterPlot(points: points, groupNames: ["vocabulary", "prompt tokens"], title: "map")
        let doc = try parse(svg)
        #expect(doc.ids.contains("group-vocabulary") && doc.ids.contains("group-prompt-tokens"))
        #expect(doc.elements.filter { $0 == "circle" }.count == 3)
        #expect(doc.text.contains("<pad>") && doc.text.contains("virtual 1 & 2") && doc.text.contains("日本"))
    }

    @Test func escapingCoversMarkupAndControlCharacters() {
        #expect(SVGChart.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(SVGChart.escape("x\u{1}y") == "x\u{FFFD}y")
        #expect(SVGChart.number(1.0) == "1" && SVGChart.number(2.345) == "2.35" && SVGChart.number(-0.001) == "0")
    }
}
