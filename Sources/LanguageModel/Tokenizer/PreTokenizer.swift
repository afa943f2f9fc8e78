/// How text is cut into words before BPE: the `tokenizer.ggml.pre` of a GGUF file.
///
/// BPE never merges across a word boundary, so the pre-tokenizer decides, for example, that
/// " world" is one word (and can become the single token "Ġworld") while "2024" is four.
public enum PreTokenizer: String, Sendable, CaseIterable, CustomStringConvertible {
    /// SmolLM / StarCoder: every number character alone (HF `Digits(individual_digits: true)`),
    /// then GPT-2's regex on what lies between. llama.cpp's `smollm`.
    case smollm
    /// GPT-2's byte-level regex alone. llama.cpp's `gpt-2`.
    case gpt2
    /// Llama 3's regex: case-insensitive contractions, numbers in runs of up to three.
    /// llama.cpp's `llama-bpe` (also `llama3`, `llama-v3`).
    case llamaBPE = "llama-bpe"
    /// Qwen2's regex: Llama 3's with every number character alone. llama.cpp's `qwen2`.
    case qwen2

    /// Reads a `tokenizer.ggml.pre` value; throws `TokenizerError.unknownPreTokenizer` naming it otherwise.
    public init(ggufName name: String) throws {
        guard let found = PreTokenizer.allCases.first(where: { $0.ggufNames.contains(name) }) else {
            throw TokenizerError.unknownPreTokenizer(name)
        }
        self = found
    }

    /// The `tokenizer.ggml.pre` spellings llama.cpp accepts for this pre-tokenizer.
    public var ggufNames: [String] {
        switch self {
        case .smollm: return ["smollm"]
        case .gpt2: return ["gpt-2", "gpt2"]
        case .llamaBPE: return ["llama-bpe", "llama3", "llama-v3"]
        case .qwen2: return ["qwen2"]
        }
    }

    /// The canonical `tokenizer.ggml.pre` name.
    public var description: String { ggufNames[0] }

    /// Whether a word that is itself a vocabulary entry is taken whole, without merging.
    /// llama.cpp sets `ignore_merges` for Llama 3, as HF's tokenizer.json does.
    var ignoresMergesForWholeWords: Bool { self == .llamaBPE }

    // MARK: - Splitting

    /// Appends the words of `range` (a segment without special tokens) to `words`,
    /// as ranges of indices into `scalars`.
    func split(_ scalars: [Unicode.Scalar], classes: [CharacterClass], range: Range<Int>,
               into words: inout [Range<Int>]) {
        switch self {
        case .smollm:
            // HF applies Digits (Isolated) first, then ByteLevel's regex to each piece; a number
            // character is a whole piece, and the regex gives it back unchanged.
            var start = range.lowerBound
            for i in range where classes[i] == .number {
                if start < i {
                    let window = ScalarWindow(scalars: scalars, classes: classes, range: start..<i)
                    GPT2Split.split(window, into: &words)
                }
                words.append(i..<(i + 1))
                start = i + 1
            }
            if start < range.upperBound {
                let window = ScalarWindow(scalars: scalars, classes: classes, range: start..<range.upperBound)
                GPT2Split.split(window, into: &words)
            }
        case .gpt2:
            GPT2Split.split(ScalarWindow(scalars: scalars, classes: classes, range: range), into: &words)
        case .llamaBPE:
            Llama3Split.split(ScalarWindow(scalars: scalars, classes: classes, range: range),
                              maxDigits: 3, into: &words)
        case .qwen2:
            Llama3Split.split(ScalarWindow(scalars: scalars, classes: classes, range: range),
                              maxDigits: 1, into: &words)
        }
    }
}
