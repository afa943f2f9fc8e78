// Tables for human output: aligned by display width, numbers on the right, fitted to the terminal.
import Foundation

/// Renders rows of cells as a bordered table.
public struct TableRenderer: Sendable {
    /// Border characters.
    public enum Border: Sendable {
        /// ┌─┬─┐ │ ├─┼─┤ └─┴─┘
        case box
        /// +-+ | (for logs and terminals without Unicode line drawing)
        case ascii
    }

    /// Where a column's cells sit.
    public enum Alignment: Sendable, Equatable {
        case left, right
    }

    /// The border style.
    public var border: Border
    /// The most columns the table may take (cells are truncated with "…" to fit); nil: no limit.
    public var maxWidth: Int?
    /// Styling for the header row.
    public var style: TerminalStyle

    /// A renderer with the given border, width limit and styling.
    public init(border: Border = .box, maxWidth: Int? = nil, style: TerminalStyle = .plain) {
        self.border = border
        self.maxWidth = maxWidth
        self.style = style
    }

    /// The narrowest a column is squeezed to before giving up on `maxWidth`.
    public static let minimumColumnWidth = 3

    // MARK: - Rendering

    /// The table as lines joined by "\n" (no trailing newline). Missing cells are empty; columns
    /// whose non-empty cells are all numbers are right-aligned unless `alignments` says otherwise.
    public func render(headers: [String], rows: [[String]], alignments: [Alignment]? = nil) -> String {
        let columnCount = max(headers.count, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return "" }
        let header = (0..<columnCount).map { $0 < headers.count ? headers[$0] : "" }
        let body = rows.map { row in (0..<columnCount).map { $0 < row.count ? row[$0] : "" } }
        let align = (0..<columnCount).map { column -> Alignment in
            if let alignments, column < alignments.count { return alignments[column] }
            let cells = body.map { $0[column] }.filter { !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(Self.isNumeric) ? .right : .left
        }
        let widths = fittedWidths(natural: (0..<columnCount).map { column in
            max(DisplayWidth.of(header[column]), body.map { DisplayWidth.of($0[column]) }.max() ?? 0)
        })

        let g = glyphs
        var lines: [String] = []
        lines.append(rule(widths, g.topLeft, g.topJoin, g.topRight))
        lines.append(line(header, widths, align, isHeader: true))
        if !body.isEmpty { lines.append(rule(widths, g.midLeft, g.midJoin, g.midRight)) }
        for row in body { lines.append(line(row, widths, align, isHeader: false)) }
        lines.append(rule(widths, g.bottomLeft, g.bottomJoin, g.bottomRight))
        return lines.joined(separator: "\n")
    }

    /// Whether `text` reads as a number: optional sign, digits with one decimal point, an optional
    /// exponent, and an optional trailing "%" or "x" (ratios). Thousands separators are not numbers.
    public static func isNumeric(_ text: String) -> Bool {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if s.hasSuffix("%") || s.hasSuffix("x") || s.hasSuffix("×") { s = s.dropLast() }
        if s.hasPrefix("+") || s.hasPrefix("-") || s.hasPrefix("−") { s = s.dropFirst() }
        guard let first = s.first, first.isASCII, first.isNumber || first == "." else { return false }
        return Double(s) != nil && !s.lowercased().contains("n") && !s.lowercased().contains("i")
    }

    // MARK: - Layout

    /// Column widths shrunk (widest first, one column at a time) until the table fits `maxWidth`.
    private func fittedWidths(natural: [Int]) -> [Int] {
        var widths = natural
        guard let maxWidth else { return widths }
        let overhead = 3 * widths.count + 1  // "│ " + " │ " between + " │"
        while widths.reduce(0, +) + overhead > maxWidth {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > Self.minimumColumnWidth
            else { break }
            widths[widest] -= 1
        }
        return widths
    }

    private func line(_ cells: [String], _ widths: [Int], _ align: [Alignment], isHeader: Bool) -> String {
        let g = glyphs
        let parts = cells.indices.map { column -> String in
            let fitted = DisplayWidth.truncate(cells[column], to: widths[column])
            let padded = DisplayWidth.pad(fitted, to: widths[column], alignRight: align[column] == .right)
            return isHeader ? style.bold(padded) : padded
        }
        return g.vertical + " " + parts.joined(separator: " " + g.vertical + " ") + " " + g.vertical
    }

    private func rule(_ widths: [Int], _ left: String, _ join: String, _ right: String) -> String {
        let h = glyphs.horizontal
        return left + widths.map { String(repeating: h, count: $0 + 2) }.joined(separator: join) + right
    }

    private struct Glyphs {
        let horizontal, vertical: String
        let topLeft, topJoin, topRight, midLeft, midJoin, midRight, bottomLeft, bottomJoin, bottomRight: String
    }

    private var glyphs: Glyphs {
        switch border {
        case .box:
            return Glyphs(
                horizontal: "─", vertical: "│", topLeft: "┌", topJoin: "┬", topRight: "┐",
                midLeft: "├", midJoin: "┼", midRight: "┤", bottomLeft: "└", bottomJoin: "┴", bottomRight: "┘")
        case .ascii:
            return Glyphs(
                horizontal: "-", vertical: "|", topLeft: "+", topJoin: "+", topRight: "+",
                midLeft: "+", midJoin: "+", midRight: "+", bottomLeft: "+", bottomJoin: "+", bottomRight: "+")
        }
    }
}
