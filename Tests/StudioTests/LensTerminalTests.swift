import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ptune executable in a pseudo-terminal: training with `set watch drift` prints the lens
/// tables above the progress bar, which keeps redrawing in place on one line, and `plot loss`
/// draws its braille chart after it. The bytes are replayed through a small screen model
/// (`\r`, `\n`, erase-to-end-of-line) and the final screen is checked line by line.
@Suite("Live lens in a terminal", .enabled(if: CLI.binary != nil))
struct LensTerminalTests {
    @Test("lens reports sit above the progress line, which ends as one intact line; the plot follows")
    func lensAndPlotInPty() throws {
        let tiny = StudioHarness.tinyModelPath
        let script = "load \"\(tiny)\"; set batch_size 2; set learning_rate 0.1; pairs add \"ab\" -> \"c\"; "
            + "pairs add \"ba\" -> \"d\"; pairs add \"aa\" -> \"cd\"; init random 3; set watch drift; set watch_every 2; "
            + "train 6; plot loss"
        let bytes = try Self.runInPty([CLI.binary!, "-e", script], columns: 100)
        let screen = TerminalScreen.replay(bytes)
        print("captured screen:\n" + screen.joined(separator: "\n"))

        let progress = screen.indices.filter { screen[$0].contains("s/step") }
        #expect(progress.count == 1, "one progress line survives (redrawn in place): \(progress.map { screen[$0] })")
        let final = try #require(progress.first)
        #expect(screen[final].hasPrefix("step 6/6"), "the progress line is whole: \(screen[final])")
        let reports = screen.indices.filter { screen[$0].hasPrefix("── step ") }
        #expect(reports.map { String(screen[$0].prefix(10)) } == ["── step 2 ", "── step 4 ", "── step 6 "])
        #expect(reports.allSatisfy { $0 < final }, "lens reports are printed above the bar")
        // Each report is followed by its whole table: top border, header, rule, 3 rows, bottom border.
        for start in reports {
            let table = screen[(start + 1)...(start + 7)]
            #expect(table.first?.hasPrefix("┌") == true && table.last?.hasPrefix("└") == true, "\(Array(table))")
            #expect(table.dropFirst().dropLast().allSatisfy { $0.hasPrefix("│") || $0.hasPrefix("├") })
        }
        #expect(!screen.contains { $0.contains("──") && $0.contains("s/step") }, "no report glued to the bar")
        let title = try #require(screen.firstIndex { $0.contains("loss — steps 1–6") })
        #expect(title > final)
        #expect(screen[title...].contains { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }, "braille plot")
    }

    /// Runs `arguments` with stdout and stderr on a pty of `columns` columns; returns all it wrote.
    static func runInPty(_ arguments: [String], columns: Int) throws -> [UInt8] {
        let (master, slavePath) = try openPseudoTerminal()
        defer { close(master) }
        var size = winsize(ws_row: 50, ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = FileHandle(forUpdatingAtPath: slavePath)!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["PTUNE_HOME"] = NSTemporaryDirectory() + "ptune-cli-home"
        environment["NO_COLOR"] = "1"
        environment["COLUMNS"] = "\(columns)"
        environment["TERM"] = "xterm"
        process.environment = environment
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try slave.close()
        var collected: [UInt8] = []
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 { collected += chunk[..<n] } else { break }  // EIO once the child closed the slave
            } else if !process.isRunning {
                break
            }
        }
        process.waitUntilExit()
        return collected
    }
}

/// A pty master and the path of its slave. Glibc's Swift module does not export posix_openpt and
/// friends, so on Linux this is what they do: open /dev/ptmx, unlock, ask for the number.
func openPseudoTerminal() throws -> (Int32, String) {
    #if os(Linux)
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    guard master >= 0 else { throw CLIError("could not open /dev/ptmx (errno \(errno))") }
    var unlock: Int32 = 0
    var number: UInt32 = 0
    // TIOCSPTLCK = _IOW('T', 0x31, int), TIOCGPTN = _IOR('T', 0x30, unsigned int)
    guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
        close(master)
        throw CLIError("could not unlock the pseudo-terminal (errno \(errno))")
    }
    return (master, "/dev/pts/\(number)")
    #else
    let master = posix_openpt(O_RDWR | O_NOCTTY)
    guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
        throw CLIError("could not open a pseudo-terminal")
    }
    return (master, String(cString: name))
    #endif
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// What a terminal would show after some output: carriage return, newline, erase to end of line;
/// other escape sequences (colour) are dropped.
enum TerminalScreen {
    static func replay(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines: [[Character]] = [[]]
        var column = 0
        var iterator = Array(text).makeIterator()
        while let c = iterator.next() {
            switch c {
            case "\r\n", "\n":
                if c == "\r\n" { column = 0 }
                lines.append([])
                column = 0
            case "\r":
                column = 0
            case "\u{1B}":
                guard iterator.next() == "[" else { continue }
                var parameters = ""
                while let p = iterator.next() {
                    if p.isLetter {
                        if p == "K" && (parameters.isEmpty || parameters == "0") {
                            lines[lines.count - 1].removeSubrange(min(column, lines[lines.count - 1].count)...)
                        }
                        break
                    }
                    parameters.append(p)
                }
            default:
                var line = lines[lines.count - 1]
                while line.count < column { line.append(" ") }
                if column < line.count { line[column] = c } else { line.append(c) }
                lines[lines.count - 1] = line
                column += 1
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { String($0) }
    }
}
