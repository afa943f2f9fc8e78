// The REPL history as plain data: what a line editor remembers between sessions.
// Kept in Swift (not libedit's own file format) so both editors share it and tests need no TTY.
import AtomicFiles
import Foundation

/// Accepted lines, oldest first, capped in size, with consecutive duplicates collapsed.
///
/// File format: one entry per line, UTF-8; a backslash is written `\\` and a newline inside an
/// entry (a multi-line statement) is written `\n`, so every entry stays on one physical line.
public struct LineHistory: Equatable, Sendable {
    /// The entries, oldest first.
    public private(set) var entries: [String] = []
    /// The most entries kept; older ones are dropped first.
    public let capacity: Int

    /// An empty history keeping at most `capacity` entries (at least 1).
    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    // MARK: - Adding

    /// Appends `line` unless it is blank or equal to the newest entry; returns whether it was added.
    @discardableResult
    public mutating func add(_ line: String) -> Bool {
        if line.allSatisfy(\.isWhitespace) || entries.last == line { return false }
        entries.append(line)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        return true
    }

    // MARK: - File

    /// Loads `path`, appending its entries (a missing file is an empty history).
    public mutating func load(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: data, as: UTF8.self)
        for physical in text.split(separator: "\n", omittingEmptySubsequences: true) {
            add(Self.decode(String(physical)))
        }
    }

    /// Writes every entry to `path`, creating its directory if needed (mode 0600: history may hold private text).
    public func save(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = entries.map(Self.encode).map { $0 + "\n" }.joined()
        // 0600 from the first byte: the temporary file is never readable by others either.
        try AtomicFile.write(text, to: url, permissions: 0o600)
    }

    // MARK: - Escaping

    /// One entry as one physical line.
    static func encode(_ entry: String) -> String {
        var out = ""
        for ch in entry.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The inverse of `encode`; an unknown escape keeps its backslash.
    static func decode(_ line: String) -> String {
        var out = ""
        var escaping = false
        for ch in line.unicodeScalars {
            if escaping {
                switch ch {
                case "n": out += "\n"
                case "r": out += "\r"
                case "\\": out += "\\"
                default: out += "\\"; out.unicodeScalars.append(ch)
                }
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        if escaping { out += "\\" }
        return out
    }
}
