// Tables, progress bar and sparklines, checked character by character.
import Foundation
import Testing
@testable import Terminal

@Suite("TableRenderer")
struct TableRendererTests {
    @Test func alignsWideCharactersAndRightAlignsNumbers() {
        let table = TableRenderer(border: .box).render(
            headers: ["token", "score"], rows: [["日本", "0.5"], ["a", "12.25"], ["🙂x", "-3e-2"]])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines == [
            "┌───────┬───────┐",
            "│ token │ score │",
            "├───────┼───────┤",
            "│ 日本  │   0.5 │",
            "│ a     │ 12.25 │",
            "│ 🙂x   │ -3e-2 │",
            "└───────┴───────┘",
        ], "\n\(table)")
        #expect(Set(lines.map(DisplayWidth.of)).count == 1)
    }

    @Test func asciiModeAndExplicitAlignment() {
        let table = TableRenderer(border: .ascii).render(
            headers: ["n", "name"], rows: [["1", "x"], ["22"]], alignments: [.left, .right])
        #expect(table == """
            +----+------+
            | n  | name |
            +----+------+
            | 1  |    x |
            | 22 |      |
            +----+------+
            """)
    }

    @Test func shrinksTheWidestColumnToFitMaxWidth() {
        let long = "a very long description that does not fit"
        let table = TableRenderer(border: .box, maxWidth: 30).render(headers: ["id", "text"], rows: [["7", long]])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 30 }, "\n\(table)")
        #expect(lines[3].contains("…"))
        #expect(lines[3].hasPrefix("│  7 │ a very"))
    }

    @Test func numericDetection() {
        for yes in ["1", "-2.5", "+0.1", "1e-4", "12%", "3.5x", ".5"] { #expect(TableRenderer.isNumeric(yes), "\(yes)") }
        for no in ["", "abc", "1,000", "nan", "inf", "1.2.3", "x1", "--1"] { #expect(!TableRenderer.isNumeric(no), "\(no)") }
    }
}

@Suite("ProgressBar")
struct ProgressBarTests {
    @Test func ttyLineMatchesTheDesignedFormat() {
        let bar = ProgressBar(output: CapturedOutput(), isTTY: true, width: 100, style: .plain)
        let status = ProgressBar.Status(step: 12, total: 50, loss: 0.5321, meanLoss: 0.613, secondsPerStep: 1.41)
        let line = bar.render(status)
        // 12/50 of 30 cells = 7.2: seven full cells, no half cell
        let bar12of50 = String(repeating: "━", count: 7) + String(repeating: "─", count: 23)
        #expect(line == "step 12/50 \(bar12of50) loss 0.532 (mean 0.61) 1.41 s/step ETA 54s")
    }

    @Test func ttyModeRedrawsInPlaceAndPrintAboveClearsPrintsAndRedraws() {
        let out = CapturedOutput()
        let bar = ProgressBar(output: out, isTTY: true, width: 80, style: .plain)
        let s1 = ProgressBar.Status(step: 1, total: 4, loss: 2.0)
        let s2 = ProgressBar.Status(step: 2, total: 4, loss: 1.5)
        bar.update(s1)
        bar.update(s2)
        bar.printAbove(["│ step │ loss │", "│    2 │ 1.50 │"])
        bar.finish()
        #expect(out.writes.count == 4)
        #expect(out.writes[0] == "\r" + bar.render(s1) + "\u{1B}[K")
        #expect(out.writes[1] == "\r" + bar.render(s2) + "\u{1B}[K")
        #expect(out.writes[2] == "\r\u{1B}[K│ step │ loss │\n│    2 │ 1.50 │\n" + bar.render(s2) + "\u{1B}[K")
        #expect(out.writes[3] == "\r" + bar.render(s2) + "\u{1B}[K\n")
        #expect(out.writes.allSatisfy { DisplayWidth.of($0.split(separator: "\n").last.map(String.init) ?? "") < 80 })
    }

    @Test func nonTTYModePrintsOccasionalPlainLines() {
        let out = CapturedOutput()
        let bar = ProgressBar(output: out, isTTY: false, width: 80, style: .plain)
        for step in 1...50 { bar.update(.init(step: step, total: 50, loss: 1.0 / Double(step), secondsPerStep: 2)) }
        bar.printAbove(["note"])
        bar.finish()
        let lines = out.text.split(separator: "\n").map(String.init)
        #expect(!out.text.contains("\r") && !out.text.contains("\u{1B}"))
        let counters = lines.dropLast().map { String($0.split(separator: " ")[1]) }
        #expect(counters == ["1/50"] + stride(from: 5, through: 50, by: 5).map { "\($0)/50" }, "got \(lines)")
        #expect(lines.first == "step 1/50 loss 1.000 2.00 s/step ETA 1m38s")
        #expect(lines.last == "note")
    }

    @Test func durationsAreCompact() {
        #expect(ProgressBar.duration(54.4) == "54s")
        #expect(ProgressBar.duration(125) == "2m05s")
        #expect(ProgressBar.duration(3720) == "1h02m")
        #expect(ProgressBar.duration(-3) == "0s")
    }

    @Test func halfCellsShowAsAThinCap() {
        let bar = ProgressBar(output: CapturedOutput(), isTTY: true, width: 80, style: .plain)
        #expect(bar.bar(fraction: 0.25, width: 10) == "━━╸───────")
        #expect(bar.bar(fraction: 1, width: 4) == "━━━━")
        #expect(bar.bar(fraction: 0, width: 4) == "────")
    }

    @Test func narrowTerminalsDropTheBarButKeepTheNumbers() {
        let bar = ProgressBar(output: CapturedOutput(), isTTY: true, width: 40, style: .plain)
        let line = bar.render(.init(step: 3, total: 10, loss: 0.25, meanLoss: 0.3, secondsPerStep: 1))
        #expect(DisplayWidth.of(line) <= 39)
        #expect(line.hasPrefix("step 3/10 "))
        #expect(!line.contains("━"))
    }
}

@Suite("Sparkline")
struct SparklineTests {
    @Test func mapsTheRangeOntoEightLevels() {
        #expect(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([3, 1, 2]) == "█▁▅")
        #expect(Sparkline.render([5, 5, 5]) == "▄▄▄")
        #expect(Sparkline.render([1, .nan, 2]) == "▁ █")
        #expect(Sparkline.render([]) == "")
    }

    @Test func resamplesToAWidth() {
        #expect(Sparkline.resample([1, 3, 5, 7], to: 2) == [2, 6])
        #expect(Sparkline.resample([1, 2], to: 4) == [1, 1, 2, 2])
        let line = Sparkline.render((0..<100).map(Double.init), width: 8)
        #expect(line == "▁▂▃▄▅▆▇█")
    }
}
