/// Which score `Evaluation.score` chose for a set of references.
public enum EvaluationMetric: String, Sendable, Codable {
    /// The outputs come from a small label set (≤ 10 distinct): fraction of right labels.
    case accuracy
    /// Free text: mean ROUGE-L F1 over whitespace tokens.
    case rougeL = "rouge_l"
}

/// Scores of generated answers against the expected outputs.
public struct EvaluationReport: Sendable, Equatable {
    /// Number of compared examples.
    public var count: Int
    /// Fraction of answers equal to the reference after normalization.
    public var exactMatch: Double
    /// The main metric.
    public var metric: EvaluationMetric
    /// Its mean value over the examples, in [0, 1].
    public var value: Double
    /// The main metric per example.
    public var perExample: [Double]
    /// The distinct normalized labels when the metric is accuracy, sorted; empty otherwise.
    public var labels: [String]
}

/// Evaluation metrics for generated answers. Normalization: lowercase, whitespace runs collapsed
/// to one space, trimmed.
public enum Evaluation {
    /// Most distinct outputs for which the outputs count as a label set.
    public static let maxLabels = 10

    /// Scores `predictions` against `references` (same order and count): exact match always;
    /// accuracy when the references form a label set of at most `maxLabels` values, else ROUGE-L F1.
    public static func score(predictions: [String], references: [String]) -> EvaluationReport {
        precondition(predictions.count == references.count, "one prediction per reference")
        let count = references.count
        let exact = zip(predictions, references).filter { exactMatch($0, $1) }.count
        let labels = Set(references.map(normalize))
        let isLabelSet = !labels.isEmpty && labels.count <= maxLabels
        let per = zip(predictions, references).map { prediction, reference in
            isLabelSet ? (labelMatch(prediction, reference) ? 1.0 : 0.0) : rougeL(prediction, reference)
        }
        return EvaluationReport(count: count, exactMatch: count == 0 ? 0 : Double(exact) / Double(count),
                                metric: isLabelSet ? .accuracy : .rougeL,
                                value: count == 0 ? 0 : per.reduce(0, +) / Double(count), perExample: per,
                                labels: isLabelSet ? labels.sorted() : [])
    }

    // MARK: - Metrics

    /// Lowercased, whitespace collapsed to single spaces, trimmed.
    public static func normalize(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Equal after normalization.
    public static func exactMatch(_ prediction: String, _ reference: String) -> Bool {
        normalize(prediction) == normalize(reference)
    }

    /// A label answer is right when it equals the label after normalization, or when its first
    /// word, with surrounding punctuation removed, does ("Positive." and "positive, clearly" count
    /// for "positive"): short generations often run on past the label.
    public static func labelMatch(_ prediction: String, _ label: String) -> Bool {
        let answer = normalize(prediction), expected = normalize(label)
        if answer == expected { return true }
        guard let first = answer.split(separator: " ").first else { return false }
        return first.trimmingCharacters(where: { $0.isPunctuation }) == expected
    }

    /// ROUGE-L F1 over whitespace tokens of the normalized texts: with L = LCS length,
    /// P = L / |prediction|, R = L / |reference|, F1 = 2PR / (P + R). Two empty texts score 1.
    public static func rougeL(_ prediction: String, _ reference: String) -> Double {
        let p = normalize(prediction).split(separator: " "), r = normalize(reference).split(separator: " ")
        if p.isEmpty && r.isEmpty { return 1 }
        let lcs = Double(lcsLength(p, r))
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(p.count), recall = lcs / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// Length of the longest common subsequence (one rolling row of the DP table).
    static func lcsLength<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Substring {
    /// The text without leading and trailing characters matching `predicate`.
    func trimmingCharacters(where predicate: (Character) -> Bool) -> String {
        guard let start = firstIndex(where: { !predicate($0) }), let end = lastIndex(where: { !predicate($0) }) else { return "" }
        return String(self[start...end])
    }
}
