// Live progress for long work (train, eval) on stderr, so stdout stays clean for results/JSON.
import Foundation

/// `step 12/50 ━━━━━━━━╸━━━━ loss 0.532 (mean 0.61) 1.41 s/step ETA 54s`
///
/// On a terminal the line is redrawn in place (`\r` + clear to end of line) and `printAbove`
/// puts other output above it without tearing it. Elsewhere (logs, pipes) it prints a plain line
/// at the first and last step and about every tenth of the way.
public final class ProgressBar {
    /// What the bar shows for one step.
    public struct Status: Equatable, Sendable {
        /// Steps done (1-based).
        public var step: Int
        /// Steps in total.
        public var total: Int
        /// The latest loss, if known.
        public var loss: Double?
        /// A running mean of the loss, if known.
        public var meanLoss: Double?
        /// Wall time per step, if known (drives the ETA).
        public var secondsPerStep: Double?

        /// A status for `step` of `total`.
        public init(step: Int, total: Int, loss: Double? = nil, meanLoss: Double? = nil, secondsPerStep: Double? = nil) {
            self.step = step
            self.total = total
            self.loss = loss
            self.meanLoss = meanLoss
            self.secondsPerStep = secondsPerStep
        }
    }

    private let output: any TerminalWriter
    private let isTTY: Bool
    private let width: Int
    private let style: TerminalStyle
    private let label: String
    /// The status on screen (TTY) or last printed (plain), if any.
    public private(set) var current: Status?
    private var lastPlainStep = 0
    private var finished = false

    /// A bar writing to `output` (stderr by default). `isTTY` selects in-place redraws; `width` is
    /// the terminal width the line must fit in.
    public init(
        output: any TerminalWriter = StandardStreamWriter.standardError,
        isTTY: Bool = StandardStreamWriter.standardError.isTerminal,
        width: Int = TerminalSize.columns(fileDescriptor: 2),
        style: TerminalStyle = .forStream(fileDescriptor: 2),
        label: String = "step"
    ) {
        self.output = output
        self.isTTY = isTTY
        self.width = max(20, width)
        self.style = style
        self.label = label
    }

    // MARK: - Updating

    /// Shows `status` (redraw on a terminal; an occasional plain line elsewhere).
    public func update(_ status: Status) {
        current = status
        if isTTY {
            output.write("\r" + render(status) + "\u{1B}[K")
        } else if shouldPrintPlain(status) {
            lastPlainStep = status.step
            output.write(render(status) + "\n")
        }
    }

    /// Prints `lines` above the bar: clears the bar, writes the lines, redraws the bar.
    public func printAbove(_ lines: [String]) {
        let text = lines.map { $0 + "\n" }.joined()
        guard isTTY, let current else {
            output.write(text)
            return
        }
        output.write("\r\u{1B}[K" + text + render(current) + "\u{1B}[K")
    }

    /// Ends the bar: leaves the final line on screen and moves to the next line.
    public func finish() {
        guard !finished, let current else { return }
        finished = true
        if isTTY {
            output.write("\r" + render(current) + "\u{1B}[K\n")
        } else if lastPlainStep != current.step {
            output.write(render(current) + "\n")
        }
    }

    private func shouldPrintPlain(_ status: Status) -> Bool {
        let every = max(1, status.total / 10)
        return status.step == 1 || status.step >= status.total || status.step / every > lastPlainStep / every
    }

    // MARK: - Formatting

    /// The status line, fitted to the width (the bar shrinks first, then disappears).
    public func render(_ status: Status) -> String {
        let counter = "\(label) \(status.step)/\(status.total)"
        var details: [String] = []
        if let loss = status.loss {
            var text = "loss " + String(format: "%.3f", loss)
            if let mean = status.meanLoss { text += " (mean " + String(format: "%.2f", mean) + ")" }
            details.append(text)
        }
        if let seconds = status.secondsPerStep {
            details.append(String(format: "%.2f s/step", seconds))
            details.append("ETA " + Self.duration(seconds * Double(max(0, status.total - status.step))))
        }
        let tail = details.joined(separator: " ")
        guard isTTY else { return tail.isEmpty ? counter : counter + " " + tail }

        let fixed = DisplayWidth.of(counter) + 1 + (tail.isEmpty ? 0 : DisplayWidth.of(tail) + 1)
        let barWidth = min(30, width - 1 - fixed)
        var line = style.bold(counter)
        if barWidth >= 5 {
            let fraction = status.total > 0 ? Double(status.step) / Double(status.total) : 0
            line += " " + bar(fraction: fraction, width: barWidth)
        }
        if !tail.isEmpty { line += " " + tail }
        return DisplayWidth.truncate(line, to: width - 1)
    }

    /// `━━━━╸───` with `fraction` (0…1) of `width` cells filled, in half-cell steps.
    func bar(fraction: Double, width: Int) -> String {
        let halves = Int((min(max(fraction, 0), 1) * Double(width * 2)).rounded(.down))
        let full = halves / 2
        let half = halves % 2 == 1
        let rest = width - full - (half ? 1 : 0)
        let done = String(repeating: "━", count: full) + (half ? "╸" : "")
        // without colour the remainder needs a different glyph to be told apart
        let todo = style.isEnabled ? String(repeating: "━", count: rest) : String(repeating: "─", count: rest)
        return style.cyan(done) + style.dim(todo)
    }

    /// "54s", "2m05s", "1h02m".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(max(0, seconds).rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
