// Sub-character plotting: each terminal cell holds a 2×4 grid of braille dots, so a 60×15 chart
// has 120×60 addressable points.

/// A grid of character cells, each with an optional colour; what terminal charts draw into.
struct CellGrid {
    /// One cell: its text ("" for the right half of a wide character) and colour.
    struct Cell {
        var text: String = " "
        var color: TerminalStyle.Code?
        var isEmpty: Bool { text == " " }
    }

    let columns: Int
    let rows: Int
    // cells: (rows, columns), row 0 at the top
    private(set) var cells: [Cell]

    init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        cells = Array(repeating: Cell(), count: self.columns * self.rows)
    }

    subscript(row: Int, column: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// Whether `width` cells from (row, column) are all inside the grid and empty.
    func isFree(row: Int, column: Int, width: Int) -> Bool {
        guard row >= 0, row < rows, column >= 0, column + width <= columns else { return false }
        return (column..<column + width).allSatisfy { self[row, $0].isEmpty }
    }

    /// Writes `text` from (row, column), a wide character taking two cells; clipped at the edge.
    mutating func put(_ text: String, row: Int, column: Int, color: TerminalStyle.Code?) {
        guard row >= 0, row < rows else { return }
        var c = column
        for ch in text {
            let w = DisplayWidth.of(ch)
            guard w > 0 else { continue }
            guard c >= 0, c + w <= columns else { return }
            self[row, c] = Cell(text: String(ch), color: color)
            if w == 2 { self[row, c + 1] = Cell(text: "", color: color) }
            c += w
        }
    }

    /// Each row as a string, coloured runs wrapped in escape codes when `style` is enabled.
    func renderRows(style: TerminalStyle) -> [String] {
        (0..<rows).map { row in
            var line = ""
            var run = ""
            var runColor: TerminalStyle.Code?
            func flush() {
                line += runColor.map { style.apply([$0], to: run) } ?? run
                run = ""
            }
            for column in 0..<columns {
                let cell = self[row, column]
                if cell.color != runColor { flush(); runColor = cell.color }
                run += cell.text
            }
            flush()
            return line
        }
    }
}

/// Braille dots over a cell grid: pixel (0, 0) is the top-left dot.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }
    // dots: (rows, columns) bit masks; owner: the series that last drew in each cell
    private var dots: [UInt8]
    private var owner: [Int]

    init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        dots = Array(repeating: 0, count: self.columns * self.rows)
        owner = Array(repeating: -1, count: self.columns * self.rows)
    }

    /// Braille bit for dot (dx, dy) of a cell: U+2800 + bits, columns 1-2-3-7 then 4-5-6-8.
    private static let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Turns on the dot at pixel (x, y) for `series`; points outside are ignored.
    mutating func set(x: Int, y: Int, series: Int) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return }
        let index = (y / 4) * columns + x / 2
        dots[index] |= Self.bits[x % 2][y % 4]
        owner[index] = series
    }

    /// A straight line of dots between two pixels (Bresenham).
    mutating func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), series: Int) {
        var x = a.x
        var y = a.y
        let dx = abs(b.x - a.x)
        let dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1
        let sy = a.y < b.y ? 1 : -1
        var err = dx + dy
        while true {
            set(x: x, y: y, series: series)
            if x == b.x && y == b.y { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Copies the dots into `grid` (same size), coloured by `color(series)`.
    func draw(into grid: inout CellGrid, color: (Int) -> TerminalStyle.Code?) {
        for row in 0..<min(rows, grid.rows) {
            for column in 0..<min(columns, grid.columns) {
                let index = row * columns + column
                guard dots[index] != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(dots[index])) else { continue }
                grid[row, column] = CellGrid.Cell(text: String(Character(scalar)), color: color(owner[index]))
            }
        }
    }
}
