/// Where a training pair came from: a file and a 1-based line, so that every later message
/// ("pair data.jsonl:7 gave a non-finite loss") can point back at the user's data.
public struct PairLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file name as the user gave it (not resolved), e.g. `data.jsonl`.
    public var file: String
    /// 1-based line where the pair's record starts.
    public var line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`, the form compilers use.
    public var description: String { "\(file):\(line)" }
}

/// One input/output example the prompt is tuned on (watsonx's `{"input": …, "output": …}`).
public struct TrainingPair: Sendable, Hashable, Codable {
    /// The text the model reads (filled into the verbalizer template).
    public var input: String
    /// The text the model should answer with.
    public var output: String
    /// Where the pair was read from; nil for pairs typed at the prompt (`pairs add`).
    public var location: PairLocation?

    /// Creates a pair.
    public init(input: String, output: String, location: PairLocation? = nil) {
        self.input = input
        self.output = output
        self.location = location
    }
}

// MARK: - Errors

/// Why a pairs file could not be read. Every message names the file, and the line when there is one.
public enum PairsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file holds no pairs at all.
    case empty(file: String)
    /// A record is not a JSON object with string `input` and `output`.
    case notAPair(file: String, line: Int, found: String)
    /// A line or array element is not valid JSON.
    case invalidJSON(file: String, line: Int, reason: String)
    /// A CSV header lacks the `input` or `output` column.
    case missingColumns(file: String, missing: [String], found: [String])
    /// A CSV record is malformed (unterminated quote, stray quote, wrong field count).
    case invalidCSV(file: String, line: Int, reason: String)
    /// The text is not UTF-8.
    case notUTF8(file: String, line: Int)
    /// The caller stopped the read (^C) after `line` lines; nothing was taken from the file.
    case stopped(file: String, line: Int)

    /// One line: `file:line: what was expected, what was found`.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file (\(reason))"
        case let .empty(file):
            return "\(file): no pairs found, expected at least one {\"input\": …, \"output\": …} record"
        case let .notAPair(file, line, found):
            return "\(file):\(line): expected a JSON object with \"input\" and \"output\" strings, found \(found)"
        case let .invalidJSON(file, line, reason):
            return "\(file):\(line): expected a JSON object, found invalid JSON (\(reason))"
        case let .missingColumns(file, missing, found):
            let list = missing.map { "'\($0)'" }.joined(separator: " and ")
            let header = found.isEmpty ? "an empty header" : "columns " + found.map { "'\($0)'" }.joined(separator: ", ")
            return "\(file):1: expected CSV header columns 'input' and 'output', missing \(list) (found \(header))"
        case let .invalidCSV(file, line, reason):
            return "\(file):\(line): invalid CSV: \(reason)"
        case let .notUTF8(file, line):
            return "\(file):\(line): expected UTF-8 text, found invalid bytes"
        case let .stopped(file, line):
            return "\(file): reading stopped after line \(line) (interrupted); no pairs were taken from the file"
        }
    }
}
