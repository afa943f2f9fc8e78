import Foundation

/// The layouts a pairs file can have.
public enum PairFileFormat: String, Sendable, Codable, CaseIterable {
    /// A JSON array of `{"input": …, "output": …}` objects.
    case json
    /// One JSON object per line.
    case jsonl
    /// CSV with `input` and `output` header columns.
    case csv
}

/// Loads training pairs from a file, all or nothing: any bad record fails the whole load with a
/// `file:line` message, so the session never holds half a file.
public enum PairReader {
    /// Reads every pair of the file at `url`. `name` is how the file is called in messages and
    /// pair locations (default: the path as given). The format comes from the extension
    /// (`.csv`, `.jsonl`/`.ndjson`, `.json`), and for `.json` or unknown extensions from the first
    /// non-blank byte: `[` is a JSON array, `{` is JSONL, anything else CSV.
    ///
    /// The file is streamed in 64 KiB chunks (memory holds the pairs, not the file). `progress`,
    /// when given, is called after every chunk with the bytes read so far; returning false stops
    /// the read with `PairsError.stopped` and nothing is returned.
    public static func read(contentsOf url: URL, name: String? = nil,
                            progress: ((Int) -> Bool)? = nil) throws(PairsError) -> [TrainingPair] {
        let file = name ?? url.relativePath
        let format = try detectFormat(url: url, name: file)
        var reader = try LineReader(url: url, name: file)
        reader.progress = progress
        defer { reader.close() }
        let pairs: [TrainingPair]
        switch format {
        case .json: pairs = try JSONPairReader.readArray(&reader, file: file)
        case .jsonl: pairs = try JSONPairReader.readLines(&reader, file: file)
        case .csv: pairs = try CSVPairReader.read(&reader, file: file)
        }
        guard !pairs.isEmpty else { throw .empty(file: file) }
        return pairs
    }

    /// The format `read` will use for `url`.
    public static func detectFormat(url: URL, name: String) throws(PairsError) -> PairFileFormat {
        switch url.pathExtension.lowercased() {
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonl
        default: break
        }
        var reader = try LineReader(url: url, name: name)
        defer { reader.close() }
        while let line = try reader.nextLine() {
            guard let byte = line.first(where: { !JSONPairReader.isSpace($0) }) else { continue }
            if byte == UInt8(ascii: "[") { return .json }
            if byte == UInt8(ascii: "{") { return .jsonl }
            return url.pathExtension.lowercased() == "json" ? .json : .csv
        }
        throw .empty(file: name)
    }
}
