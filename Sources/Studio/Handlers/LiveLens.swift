// Dimension letters: N = virtual tokens, C = model width.
import Foundation
import LanguageModel
import PromptTuning
import Terminal

/// The live lens of `set watch nearest|drift`: every `watch_every` updates it compares the prompt
/// vector with the one at the previous report and describes what changed in a few lines, which
/// `train` prints above its progress bar. Reports are values (lines + JSON) so tests read them.
struct LiveLens {
    /// What the lens watches.
    enum Mode: String {
        case nearest, drift
    }

    /// One report: the lines for the terminal and the same numbers as JSON.
    struct Report {
        var lines: [String]
        var json: JSONValue
    }

    let mode: Mode
    let every: Int
    private let neighbours: (any NeighbourLens)?
    private let tokenizer: BPETokenizer
    private let maxWidth: Int
    /// The step and vector of the last report (or the start of the `train` call).
    private var lastStep: Int
    private var lastValues: [Float]
    /// (N) nearest token of each row at the last report (nearest mode).
    private var lastNearest: [Neighbour] = []

    /// A lens from the session's settings, or nil when `watch` is off.
    /// `neighbours` is needed for `nearest` (nil: the lens is off for that mode).
    init?(setting: String, every: Int, model: LoadedModel, neighbours: (any NeighbourLens)?, prompt: PromptVector,
          step: Int, maxWidth: Int) throws {
        guard let mode = Mode(rawValue: setting), mode == .drift || neighbours != nil else { return nil }
        self.mode = mode
        self.every = max(1, every)
        self.tokenizer = model.tokenizer
        self.maxWidth = maxWidth
        self.neighbours = mode == .nearest ? neighbours : nil
        lastStep = step
        lastValues = prompt.values
        if let neighbours = self.neighbours { lastNearest = try neighbours.nearest(prompt.values, rows: prompt.rows, k: 1).map { $0[0] } }
    }

    /// Whether `step` is a reporting step.
    func isDue(_ step: Int) -> Bool { step % every == 0 }

    /// Describes what changed since the last report and makes `prompt` the new reference.
    mutating func report(step: Int, prompt: PromptVector, initial: PromptVector?) throws -> Report {
        defer {
            lastStep = step
            lastValues = prompt.values
        }
        switch mode {
        case .nearest: return try nearestReport(step: step, prompt: prompt)
        case .drift: return driftReport(step: step, prompt: prompt, initial: initial)
        }
    }

    // MARK: - Nearest words

    private mutating func nearestReport(step: Int, prompt: PromptVector) throws -> Report {
        let now = try neighbours!.nearest(prompt.values, rows: prompt.rows, k: 1).map { $0[0] }
        var rows: [[String]] = []
        var changes: [JSONValue] = []
        for index in 0..<prompt.rows where now[index].id != lastNearest[index].id {
            let before = lastNearest[index], after = now[index]
            rows.append(["\(index)", tokenizer.displayPiece(before.id), tokenizer.displayPiece(after.id),
                         String(format: "%.3f", after.cosine)])
            changes.append(.object([("index", .int(index)), ("before", word(before)), ("now", word(after))]))
        }
        let headline = "── step \(step) · nearest words: \(rows.count) of \(prompt.rows) virtual token\(prompt.rows == 1 ? "" : "s") changed since step \(lastStep)"
        var lines = [headline]
        if !rows.isEmpty { lines += table(["#", "was", "now", "cos"], Array(rows.prefix(Self.shownRows)), more: rows.count) }
        lastNearest = now
        return Report(lines: lines, json: .object([
            ("step", .int(step)), ("since", .int(lastStep)), ("watch", "nearest"),
            ("changed", .array(changes)),
            ("nearest", .array(now.enumerated().map { .object([("index", .int($0.offset)), ("now", word($0.element))]) })),
        ]))
    }

    private func word(_ n: Neighbour) -> JSONValue {
        .object([("id", .int(Int(n.id))), ("token", .string(tokenizer.decode([n.id]))), ("cosine", .float(n.cosine))])
    }

    // MARK: - Drift

    private func driftReport(step: Int, prompt: PromptVector, initial: PromptVector?) -> Report {
        let width = prompt.width
        func distance(_ a: [Float], _ row: Int) -> Double {
            TrainingHistory.distance(prompt.values[row * width ..< (row + 1) * width], a[row * width ..< (row + 1) * width])
        }
        let start = initial.flatMap { $0.values.count == prompt.values.count ? $0.values : nil }
        let norms = prompt.rowNorms
        let fromInit = (0..<prompt.rows).map { row in start.map { distance($0, row) } }
        let moved = (0..<prompt.rows).map { distance(lastValues, $0) }
        let total = start.map { TrainingHistory.distance(prompt.values[...], $0[...]) }
        let sinceLast = TrainingHistory.distance(prompt.values[...], lastValues[...])
        // Rows that moved most since the last report first, so a 100-row vector stays readable.
        let order = (0..<prompt.rows).sorted { moved[$0] > moved[$1] || (moved[$0] == moved[$1] && $0 < $1) }
        let rows = order.prefix(Self.shownRows).map { row in
            ["\(row)", String(format: "%.3f", norms[row]), fromInit[row].map { String(format: "%.3f", $0) } ?? "–",
             String(format: "%.4f", moved[row])]
        }
        var headline = "── step \(step) · drift"
        if let total { headline += String(format: " %.4f from init,", total) }
        headline += String(format: " %.4f since step %d", sinceLast, lastStep)
        let lines = [headline] + table(["#", "norm", "from init", "Δ since \(lastStep)"], rows, more: prompt.rows)
        return Report(lines: lines, json: .object([
            ("step", .int(step)), ("since", .int(lastStep)), ("watch", "drift"),
            ("drift", total.map { .number($0) } ?? .null), ("moved", .number(sinceLast)),
            ("rows", .array((0..<prompt.rows).map { row in
                .object([("index", .int(row)), ("norm", .number(norms[row])),
                         ("from_init", fromInit[row].map { .number($0) } ?? .null), ("moved", .number(moved[row]))])
            })),
        ]))
    }

    // MARK: - Layout

    /// Rows shown per report; the rest are counted.
    static let shownRows = 8

    private func table(_ headers: [String], _ rows: [[String]], more total: Int) -> [String] {
        var lines = TableRenderer(border: .box, maxWidth: maxWidth).render(headers: headers, rows: rows)
            .split(separator: "\n").map(String.init)
        if total > rows.count { lines.append("  … \(total - rows.count) more") }
        return lines
    }
}
