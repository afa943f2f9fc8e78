import LanguageModel
import PromptTuning
import Studio

/// Pairs whose examples tokenize to exactly a given length (verbalized input + output + EOS), so
/// ptune-bench and the PyTorch reference train on the same shape: `--length L` here, and the
/// file `--write-pairs` leaves for `Scripts/reference/peft_update.py --pairs`.
enum SyntheticPairs {
    /// Common words that are one token each after a space in SmolLM2's vocabulary (checked by
    /// the length test below, not assumed).
    static let words = ["the", "movie", "was", "good", "and", "I", "liked", "it", "a", "lot", "but", "food",
                        "came", "cold", "so", "we", "left", "early", "with", "friends", "after", "long", "day",
                        "at", "work", "in", "city", "new", "old", "man"]

    /// `count` pairs, alternating outputs, each input grown a word at a time from a different
    /// start in `words` until the example is `tokens` long.
    static func make(count: Int, tokens: Int, tokenizer: BPETokenizer) throws -> [TrainingPair] {
        let builder = ExampleBuilder()
        var pairs: [TrainingPair] = []
        for i in 0..<count {
            let output = i % 2 == 0 ? "positive" : "negative"
            let target = try builder.targetIDs(for: output, tokenizer: tokenizer).0.count
            var input: [String] = []
            var found = false
            var w = i * 7
            while !found {
                let length = try builder.inputIDs(for: input.joined(separator: " "), tokenizer: tokenizer).0.count + target
                if length == tokens { found = true; break }
                if length > tokens { throw CommandFailure("cannot make a \(tokens)-token example (reached \(length))") }
                input.append(words[w % words.count])
                w += 1
            }
            pairs.append(TrainingPair(input: input.joined(separator: " "), output: output))
        }
        return pairs
    }

    /// The pairs as JSON lines (`{"input": …, "output": …}`).
    static func jsonLines(_ pairs: [TrainingPair]) -> String {
        pairs.map { JSONValue.object([("input", .string($0.input)), ("output", .string($0.output))]).serialized() }
            .joined(separator: "\n") + "\n"
    }
}
