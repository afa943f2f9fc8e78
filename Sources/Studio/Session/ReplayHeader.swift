import Foundation

/// The version written into replay headers and compared on replay.
public enum PTuneVersion {
    /// This build's version.
    public static let current = "0.1.0"
}

// MARK: - Replay header
//
// The comment block at the top of a recorded script. Each fact a replay checks sits on its own
// `# replay-check:` line, so the file stays an ordinary script (`ptune check` sees comments) and a
// person can read or delete the lines:
//
//   # replay-check: ptune 0.1.0
//   # replay-check: model "models/tiny.gguf" sha256 9f86d0…
//   # replay-check: model default sha256 3b2c…
//   # replay-check: seed 42
//   # replay-check: threads 2
//   # replay-check: data "sentiment.jsonl" fnv1a64:5d1e…

/// What a recording was made with: the facts that, if different on replay, change the numbers.
public struct ReplayHeader: Sendable, Equatable {
    /// A model a script loads: its path as the script writes it (nil = the default model) and sha256.
    public struct Model: Sendable, Equatable {
        /// The path as written in the script's `load`, relative to the script; nil for `load` alone.
        public var path: String?
        /// Lowercase hex sha256 of the file.
        public var sha256: String

        /// Creates a model line.
        public init(path: String?, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// A data file a script reads with `pairs "file"` and the content hash of its pairs.
    public struct DataFile: Sendable, Equatable {
        /// The path as written in the script, relative to the script.
        public var path: String
        /// `PairSet.contentHash` of the pairs read.
        public var hash: String

        /// Creates a data line.
        public init(path: String, hash: String) {
            self.path = path
            self.hash = hash
        }
    }

    /// The ptune version that recorded the script.
    public var version: String?
    /// Models loaded, in order.
    public var models: [Model] = []
    /// The seed at the start of the recording (informational: the script sets any other seed itself).
    public var seed: Int?
    /// Threads used for matrix products.
    public var threads: Int?
    /// Data files read, in order.
    public var dataFiles: [DataFile] = []

    /// The marker that starts every header fact line.
    static let marker = "replay-check:"

    /// Creates a header.
    public init(version: String? = nil, models: [Model] = [], seed: Int? = nil, threads: Int? = nil, dataFiles: [DataFile] = []) {
        self.version = version
        self.models = models
        self.seed = seed
        self.threads = threads
        self.dataFiles = dataFiles
    }

    // MARK: Writing

    /// The header's `# replay-check:` lines.
    public var lines: [String] {
        var lines: [String] = []
        if let version { lines.append("ptune \(version)") }
        for model in models {
            lines.append("model \(model.path.map(ScriptPaths.quoted) ?? "default") sha256 \(model.sha256)")
        }
        if let seed { lines.append("seed \(seed)") }
        if let threads { lines.append("threads \(threads)") }
        for file in dataFiles { lines.append("data \(ScriptPaths.quoted(file.path)) \(file.hash)") }
        return lines.map { "# \(Self.marker) \($0)" }
    }

    // MARK: Reading

    /// Reads the `# replay-check:` lines of a script; a script without any gives an empty header.
    public static func parse(_ text: String) -> ReplayHeader {
        var header = ReplayHeader()
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("#") else { continue }
            let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
            guard body.hasPrefix(marker) else { continue }
            var fields = FieldReader(String(body.dropFirst(marker.count)))
            switch fields.word() {
            case "ptune": header.version = fields.word()
            case "seed": header.seed = fields.word().flatMap { Int($0) }
            case "threads": header.threads = fields.word().flatMap { Int($0) }
            case "model":
                let path = fields.quotedOrWord()
                guard fields.word() == "sha256", let hash = fields.word() else { continue }
                header.models.append(Model(path: path == "default" ? nil : path, sha256: hash))
            case "data":
                guard let path = fields.quotedOrWord(), let hash = fields.word() else { continue }
                header.dataFiles.append(DataFile(path: path, hash: hash))
            default: continue
            }
        }
        return header
    }

    /// True when the line is a header fact line (step-through leaves these out of the narration).
    public static func isFactLine(_ commentText: String) -> Bool {
        commentText.trimmingCharacters(in: .whitespaces).hasPrefix(marker)
    }
}

/// Splits a header line into words and quoted strings (with the lexer's escapes).
private struct FieldReader {
    private var scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    private mutating func skipSpaces() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    }

    mutating func word() -> String? {
        skipSpaces()
        let start = index
        while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" { index += 1 }
        return start == index ? nil : String(String.UnicodeScalarView(scalars[start ..< index]))
    }

    mutating func quotedOrWord() -> String? {
        skipSpaces()
        guard index < scalars.count, scalars[index] == "\"" else { return word() }
        index += 1
        var out = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] != "\"" {
            if scalars[index] == "\\", index + 1 < scalars.count {
                index += 1
                switch scalars[index] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: out.append(scalars[index])
                }
            } else {
                out.append(scalars[index])
            }
            index += 1
        }
        index += 1
        return String(out)
    }
}
