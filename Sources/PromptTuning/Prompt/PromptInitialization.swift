import Numerics

// Dimension letters: N = virtual tokens, C = model width, V = vocabulary.

/// The model's token-embedding table, read-only: the rows prompts are initialized from.
public struct EmbeddingTable: Sendable {
    /// values: (V, C) row-major.
    public let values: [Float]
    /// V.
    public let vocab: Int
    /// C.
    public let width: Int

    /// Wraps a (V, C) table.
    public init(values: [Float], vocab: Int, width: Int) throws(InitializationError) {
        guard vocab > 0, width > 0, values.count == vocab * width else {
            throw .tableShape(expected: vocab * width, found: values.count)
        }
        self.values = values
        self.vocab = vocab
        self.width = width
    }

    /// Row `id`: (C).
    func row(_ id: Int32) -> ArraySlice<Float> { values[Int(id) * width ..< (Int(id) + 1) * width] }
}

/// What text initialization did to the token list, for the user.
public struct TextInitializationReport: Sendable, Equatable {
    /// Tokens the text gave.
    public var textTokens: Int
    /// Virtual tokens filled.
    public var virtualTokens: Int
    /// The text's tokens were cut to the first N.
    public var cut: Bool
    /// How many times the token list was repeated (1 when it fit or was cut).
    public var repeats: Int

    /// One sentence, e.g. "5 tokens repeated 2 times and cut to 8".
    public var summary: String {
        if cut { return "\(textTokens) tokens cut to the first \(virtualTokens)" }
        if repeats > 1 { return "\(textTokens) tokens repeated \(repeats) times and cut to \(virtualTokens)" }
        return "\(textTokens) tokens, one per virtual token"
    }
}

/// The three ways to start a prompt (DESIGN §2).
public enum PromptInitialization {
    /// How many of the lowest-id non-special tokens vocab init samples from.
    public static let vocabularyPoolSize = 5_000

    /// From text, as HF PEFT does: the text's ids, cut to the first N when longer, repeated
    /// `ceil(N / len)` times and cut to N when shorter; row k = embedding of id k.
    public static func fromText(_ text: String, ids: [Int32], virtualTokens n: Int,
                                table: EmbeddingTable) throws(InitializationError) -> (PromptVector, TextInitializationReport) {
        guard n >= 1 else { throw .virtualTokens(n) }
        guard !ids.isEmpty else { throw .emptyText }
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= table.vocab }) { throw .tokenOutOfRange(id: bad, vocab: table.vocab) }
        let repeats = ids.count >= n ? 1 : (n + ids.count - 1) / ids.count
        let source = Array(Array(repeating: ids, count: repeats).joined().prefix(n))
        let report = TextInitializationReport(textTokens: ids.count, virtualTokens: n, cut: ids.count > n, repeats: repeats)
        var prompt = PromptVector(rows: n, width: table.width, values: gather(source, table),
                                  sourceTokenIDs: source, initDescription: "text \"\(text)\" (\(report.summary))")
        prompt.initText = text
        return (prompt, report)
    }

    /// Random values uniform in [-0.5, 0.5], the range of Lester et al. (2021).
    public static func random(virtualTokens n: Int, width: Int, seed: UInt64) throws(InitializationError) -> PromptVector {
        guard n >= 1 else { throw .virtualTokens(n) }
        var rng = SeededRNG(seed: seed)
        // values: (N, C)
        let values = (0..<(n * width)).map { _ in rng.nextFloat() - 0.5 }
        return PromptVector(rows: n, width: width, values: values, initDescription: "random uniform [-0.5, 0.5], seed \(seed)")
    }

    /// Rows copied from the embeddings of N distinct tokens sampled uniformly from the
    /// `vocabularyPoolSize` lowest-id tokens that are not special. Lester et al. sample from the
    /// 5,000 most frequent tokens; BPE vocabularies assign low ids to early (frequent) merges, so
    /// low ids stand in for frequency when no counts are at hand. Repeats only when N exceeds the pool.
    public static func vocabulary(virtualTokens n: Int, table: EmbeddingTable, specialIDs: Set<Int32>,
                                  seed: UInt64) throws(InitializationError) -> PromptVector {
        guard n >= 1 else { throw .virtualTokens(n) }
        var pool: [Int32] = []
        var id: Int32 = 0
        while pool.count < vocabularyPoolSize, Int(id) < table.vocab {
            if !specialIDs.contains(id) { pool.append(id) }
            id += 1
        }
        guard !pool.isEmpty else { throw .emptyPool }
        var rng = SeededRNG(seed: seed)
        var source: [Int32] = []
        while source.count < n {
            // Partial Fisher–Yates: distinct picks within each pass over the pool.
            var remaining = pool
            let take = min(n - source.count, remaining.count)
            for k in 0..<take {
                remaining.swapAt(k, k + rng.nextInt(below: remaining.count - k))
                source.append(remaining[k])
            }
        }
        return PromptVector(rows: n, width: table.width, values: gather(source, table), sourceTokenIDs: source,
                            initDescription: "vocab sample of \(n) from the \(pool.count) lowest-id tokens, seed \(seed)")
    }

    /// Copies the embedding rows of `ids`: (len, C).
    private static func gather(_ ids: [Int32], _ table: EmbeddingTable) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(ids.count * table.width)
        for id in ids { values.append(contentsOf: table.row(id)) }
        return values
    }
}

/// Why a prompt could not be initialized.
public enum InitializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than one virtual token.
    case virtualTokens(Int)
    /// The init text has no tokens.
    case emptyText
    /// A token id outside the table.
    case tokenOutOfRange(id: Int32, vocab: Int)
    /// The embedding table's size does not match (V, C).
    case tableShape(expected: Int, found: Int)
    /// Every candidate token is special.
    case emptyPool

    /// One line: what was expected, what was found.
    public var description: String {
        switch self {
        case let .virtualTokens(n): return "expected at least 1 virtual token, found \(n)"
        case .emptyText: return "expected init text with at least one token, found none"
        case let .tokenOutOfRange(id, vocab): return "expected token ids below \(vocab), found \(id)"
        case let .tableShape(expected, found): return "expected an embedding table of \(expected) values, found \(found)"
        case .emptyPool: return "expected non-special tokens to sample from, found none"
        }
    }
}
