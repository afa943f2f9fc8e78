// MARK: - The command catalog
//
// Every command of DESIGN §1, declared once. Forms are tried in order, so a form starting with a
// keyword comes before a form whose first parameter would also accept that word.

/// The one table of commands.
public enum Commands {
    private static let positive = NumericRange.atLeast(1)
    private static let modelFiles = ["gguf"]
    private static let pairFiles = ["jsonl", "json", "csv"]
    private static let scriptFiles = ["ptscript"]
    private static let imageFiles = ["svg"]

    /// All commands in the order the overview lists them.
    public static let all: [CommandSpec] = model + training + asking + inspection + snapshots + session

    // MARK: Model and data

    private static let model: [CommandSpec] = [
        CommandSpec(
            name: "load", category: .model,
            forms: [
                CommandForm([], "load the default model (SmolLM2-135M-Instruct, GGUF)") { _ in .load(path: nil) },
                CommandForm([.keyword("prompt"), .string(name: "dir", role: .path(.readDirectory))],
                            "load a saved prompt vector (a PEFT prompt-tuning adapter directory)", requiresModel: true) {
                    $0.string("dir").map { .loadPrompt(dir: $0) }
                },
                CommandForm([.string(name: "path", role: .path(.readFile(modelFiles)))],
                            "load a Llama-architecture model from a GGUF file") { .load(path: $0.string("path")) },
            ],
            summary: "Load a base model, or a saved prompt vector",
            help: "Loads the frozen base model the prompt vector is tuned for. Without a path, the default model is used (fetched by Scripts/fetch-model). A file is a GGUF of architecture llama whose tensors are F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL or IQ4_XS, in any mix (llama.cpp's Q4_K_M, Q5_K_M, Q3_K_M, IQ4_XS …); anything else is refused with a message naming it, and so is a model whose Float32 weights would not fit in memory (the message gives both figures). Docs/models.md lists what loads and how to get such a file. Loading a new model drops the prompt vector, since its width belongs to the old model. 'load prompt' reads a directory written by 'save prompt' (adapter_config.json and adapter_model.safetensors, PEFT's format).",
            example: "load\nload \"models/SmolLM2-360M-Instruct.Q8_0.gguf\"\nload prompt \"runs/sentiment\"",
            settingsRead: ["threads"]),
        CommandSpec(
            name: "pairs", category: .model,
            forms: [
                CommandForm([], "list the training and held-out pairs") { _ in .pairsList },
                CommandForm([.keyword("add"), .string(name: "input", role: .text), .arrow, .string(name: "output", role: .text)],
                            "add one input/output pair") { a in
                    guard let input = a.string("input"), let output = a.string("output") else { return nil }
                    return .pairsAdd(input: input, output: output)
                },
                CommandForm([.keyword("clear")], "remove all pairs") { _ in .pairsClear },
                CommandForm([.keyword("split"), .number(name: "fraction", range: NumericRange(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false))],
                            "hold out a fraction of the pairs for eval") { a in a.number("fraction").map { .pairsSplit(fraction: $0) } },
                CommandForm([.string(name: "path", role: .path(.readFile(pairFiles)))],
                            "add the pairs in a JSONL, JSON or CSV file") { a in a.string("path").map { .pairsFile(path: $0) } },
            ],
            summary: "Add, list, clear or split the input/output pairs",
            help: "Training pairs are what the prompt vector learns from: each has an input (verbalized with the verbalizer setting) and the output the model should produce. Files hold one {\"input\": …, \"output\": …} object per line (JSONL), a JSON array of such objects, or a CSV with input and output columns. 'pairs split 0.2' moves a seeded random 20 % of the pairs to a held-out set that 'eval' scores and 'train' never sees.",
            example: "pairs \"Docs/examples/sentiment.jsonl\"\npairs add \"The soup was cold.\" -> \"negative\"\npairs split 0.2",
            settingsRead: ["seed"]),
    ]

    // MARK: Prompt vector and training

    private static let training: [CommandSpec] = [
        CommandSpec(
            name: "init", category: .training,
            forms: [
                CommandForm([], "show the current prompt vector: rows, source tokens, norm") { _ in .initShow },
                CommandForm([.keyword("random"), .optional([.integer(name: "count", range: positive)])],
                            "start from small random values", requiresModel: true) { .initRandom(count: $0.integer("count")) },
                CommandForm([.keyword("vocab"), .optional([.integer(name: "count", range: positive)])],
                            "start from embeddings of randomly sampled vocabulary tokens", requiresModel: true) {
                    .initVocab(count: $0.integer("count"))
                },
                CommandForm([.string(name: "text", role: .text)], "start from the token embeddings of a text",
                            requiresModel: true) { a in a.string("text").map { .initText($0) } },
            ],
            summary: "Create the prompt vector (from text, random values or vocabulary)",
            help: "Creates the trainable prompt vector of num_virtual_tokens rows (or the given count) and the model's embedding width. From text: the text's tokens are embedded and repeated or cut to the row count, as HF PEFT's TEXT init does — a good start is an instruction that names the labels. random: uniform values in [-0.5, 0.5]. vocab: rows copied from randomly sampled vocabulary embeddings, the best random-like start in Lester et al. (2021). The previous vector is kept for 'undo'.",
            example: "init \"Classify the sentiment of this review:\"\ninit vocab 20",
            settingsRead: ["num_virtual_tokens", "seed"]),
        CommandSpec(
            name: "train", category: .training,
            forms: [
                CommandForm([], "train for num_epochs epochs", requiresModel: true) { _ in .train(count: nil, unit: .epochs) },
                CommandForm([.integer(name: "count", range: positive), .optional([.choice(name: "unit", options: ["updates", "epochs"])])],
                            "train for a number of updates (default) or epochs", requiresModel: true) { a in
                    let unit = a.word("unit").flatMap(TrainingUnit.init(rawValue:)) ?? .updates
                    return .train(count: a.integer("count"), unit: unit)
                },
            ],
            summary: "Tune the prompt vector on the training pairs",
            help: "Runs the optimizer on the prompt vector; the model's weights never change. One update = accumulate_steps batches of batch_size pairs. Progress shows the loss and seconds per update; Ctrl-C stops at the next update boundary and keeps what was learned. Needs a model, training pairs and a prompt vector ('init'); 'train' again continues where the last one stopped, optimizer state included.",
            example: "train 50\ntrain 3 epochs",
            settingsRead: ["learning_rate", "batch_size", "accumulate_steps", "num_epochs", "optimizer", "weight_decay",
                           "shuffle", "seed", "max_input_tokens", "max_output_tokens", "verbalizer", "watch", "watch_every"]),
    ]

    // MARK: Asking and evaluating

    private static let decodingSettings = ["verbalizer", "max_input_tokens", "max_output_tokens", "decoding",
                                           "temperature", "top_k", "top_p", "seed"]

    private static let asking: [CommandSpec] = [
        CommandSpec(
            name: "ask", category: .asking,
            forms: [CommandForm([.string(name: "input", role: .text)], "answer one input with the tuned model",
                                requiresModel: true) { a in a.string("input").map { .ask(input: $0) } }],
            summary: "Answer an input with the tuned prompt",
            help: "Verbalizes the input, puts the prompt vector in front and generates up to max_output_tokens tokens (stopping at end-of-sequence). Without a prompt vector the base model answers alone.",
            example: "ask \"The soup was cold and the waiter rude.\"",
            settingsRead: decodingSettings),
        CommandSpec(
            name: "compare", category: .asking,
            forms: [CommandForm([.string(name: "input", role: .text)], "answer with the base model, the init text and the prompt vector",
                                requiresModel: true) { a in a.string("input").map { .compare(input: $0) } }],
            summary: "Answer an input three ways side by side: base model, init text as a hard prompt, tuned prompt",
            help: "Verbalizes the input and answers it (1) with the base model alone, (2) with the init text's tokens in front — classic prompt engineering, the vector's starting point — and (3) with the tuned prompt vector in front, each with the answer's probability: the product of its tokens' probabilities (end-of-sequence included when the answer stopped there) and the mean log-probability per token.",
            example: "compare \"Best pizza in town!\"",
            settingsRead: decodingSettings),
        CommandSpec(
            name: "eval", category: .asking,
            forms: [CommandForm([], "score the held-out pairs", requiresModel: true) { _ in .eval }],
            summary: "Score the held-out pairs (or all pairs when none are held out)",
            help: "Reports the mean loss over the held-out pairs and the exact-match accuracy of greedy answers (trimmed, case-sensitive). Without a split the training pairs are scored, which measures fit, not generalization.",
            example: "pairs split 0.2\ntrain 30\neval",
            settingsRead: ["verbalizer", "max_input_tokens", "max_output_tokens", "batch_size"]),
        CommandSpec(
            name: "preview", category: .asking,
            forms: [CommandForm([], "show the token budget and time per update", requiresModel: true) { _ in .preview }],
            summary: "Show the token budget of every pair and the time per update before training",
            help: "Per pair: virtual tokens + verbalized input + target (EOS included) against max_input_tokens and max_output_tokens, which pairs will be cut and by how many tokens; then one forward+backward is measured on a batch of training pairs and scaled to the time per update and per epoch.",
            example: "preview",
            settingsRead: ["verbalizer", "max_input_tokens", "max_output_tokens", "num_virtual_tokens", "batch_size",
                           "accumulate_steps", "threads", "seed"]),
    ]

    // MARK: Inspecting the prompt vector

    private static let inspection: [CommandSpec] = [
        CommandSpec(
            name: "tokens", category: .inspection,
            forms: [CommandForm([.string(name: "text", role: .text), .optional([.choice(name: "view", options: ["verbalized"])])],
                                "show the tokens of a text (or of the verbalized input)", requiresModel: true) { a in
                a.string("text").map { .tokens(text: $0, verbalized: a.word("view") == "verbalized") }
            }],
            summary: "Show how the model's tokenizer splits a text: tokens, ids and embedding norms",
            help: "Prints one row per token: the piece (spaces shown as ␣, newlines as ↵), its id, and the L2 norm of the embedding row that id selects — text → tokens → ids → vectors. No special tokens are added, exactly as inputs and outputs are tokenized for training. With 'verbalized', the text is first placed in the verbalizer template and the rows are numbered after the virtual tokens: exactly what the model reads after the prompt vector.",
            example: "tokens \"great food\"\ntokens \"great food\" verbalized",
            settingsRead: ["verbalizer"]),
        CommandSpec(
            name: "next", category: .inspection,
            forms: [CommandForm([.string(name: "text", role: .text), .optional([.integer(name: "count", range: .closed(1, 1000))])],
                                "show the most likely next tokens", requiresModel: true) { a in
                a.string("text").map { .next(text: $0, count: a.integer("count")) }
            }],
            summary: "Show the most likely next tokens after a text (default 10)",
            help: "Runs the model on the verbalized text with the prompt vector in front and lists the top tokens with their probabilities and log-probabilities.",
            example: "next \"Input: great food Output:\" 10",
            settingsRead: ["verbalizer"]),
        CommandSpec(
            name: "nearest", category: .inspection,
            forms: [CommandForm([.optional([.integer(name: "count", range: .closed(1, 100))])],
                                "show the nearest vocabulary tokens of each virtual token", requiresModel: true) {
                .nearest(count: $0.integer("count"))
            }],
            summary: "Show which vocabulary tokens each virtual token sits near (default 5)",
            help: "For each row of the prompt vector, lists the vocabulary tokens whose embeddings have the highest cosine similarity — the usual way to read a tuned prompt, with the caveat (Lester et al.) that tuned rows often sit far from every word.",
            example: "nearest 3",
            settingsRead: []),
        CommandSpec(
            name: "drift", category: .inspection,
            forms: [CommandForm([], "show how far each virtual token moved", requiresModel: true) { _ in .drift }],
            summary: "Show how far each virtual token has moved since init",
            help: "Per row: its L2 norm now and at init, the L2 distance and cosine similarity to the vector 'init' produced, and the rank of the token it was initialized from among its nearest vocabulary tokens now (1 = still the nearest: the class label survived, as Lester et al. found).",
            example: "drift",
            settingsRead: []),
        CommandSpec(
            name: "map", category: .inspection,
            forms: [
                CommandForm([], "draw a 2-D map in the terminal", requiresModel: true) { _ in .map(output: nil) },
                CommandForm([.keyword("to"), .string(name: "file", role: .path(.writeFile(imageFiles)))],
                            "write the map as SVG", requiresModel: true) { .map(output: $0.string("file")) },
            ],
            summary: "Map the virtual tokens among the vocabulary in 2-D",
            help: "Projects a seeded sample of 2,000 frequent vocabulary embeddings and the prompt rows onto the first two principal components of both (each set weighted equally) and draws each virtual token's initial position, its path and where it is now — in the terminal or as an SVG file. Randomly initialized rows land away from the word cloud; the cosine to the nearest word says how far.",
            example: "map\nmap to \"map.svg\"",
            settingsRead: ["seed"]),
        CommandSpec(
            name: "plot", category: .inspection,
            forms: [CommandForm([.choice(name: "series", options: PlotSeries.allCases.map(\.rawValue)),
                                 .optional([.keyword("to"), .string(name: "file", role: .path(.writeFile(imageFiles)))])],
                                "plot a training series in the terminal or to an SVG file") { a in
                a.word("series").flatMap(PlotSeries.init(rawValue:)).map { .plot(series: $0, output: a.string("file")) }
            }],
            summary: "Plot loss, drift, row norms or learning rate",
            help: "Per update since the last init: loss (with the validation loss when pairs are held out), lr, drift (the distance from the initial vector) and norms (the L2 norm of each virtual token's row; min, mean and max beyond 8 rows).",
            example: "plot loss\nplot loss to \"loss.svg\"",
            settingsRead: []),
    ]

    // MARK: Snapshots

    private static let snapshots: [CommandSpec] = [
        CommandSpec(
            name: "snapshot", category: .snapshots,
            forms: [CommandForm([.string(name: "name", role: .snapshot(defines: true))], "keep a named copy of the prompt vector") { a in
                a.string("name").map { .snapshot(name: $0) }
            }],
            summary: "Keep a named copy of the prompt vector and optimizer state",
            help: "Snapshots live in the session (use 'save prompt' to write to disk). Taking a snapshot with an existing name replaces it.",
            example: "snapshot \"after-50\"",
            settingsRead: []),
        CommandSpec(
            name: "snapshots", category: .snapshots,
            forms: [CommandForm([], "list snapshots") { _ in .snapshots }],
            summary: "List the snapshots with their step and loss",
            help: "Lists every snapshot in the session: name, update count, last loss and the settings that differ from the current ones.",
            example: "snapshots",
            settingsRead: []),
        CommandSpec(
            name: "restore", category: .snapshots,
            forms: [CommandForm([.string(name: "name", role: .snapshot(defines: false))], "go back to a snapshot") { a in
                a.string("name").map { .restore(name: $0) }
            }],
            summary: "Make a snapshot the current prompt vector",
            help: "Replaces the prompt vector and optimizer state with the snapshot's; the replaced state can be brought back with 'undo'.",
            example: "restore \"after-50\"",
            settingsRead: []),
        CommandSpec(
            name: "diff", category: .snapshots,
            forms: [CommandForm([.string(name: "a", role: .snapshot(defines: false)),
                                 .optional([.string(name: "b", role: .snapshot(defines: false))])],
                                "compare two snapshots, or one with the current vector") { a in
                a.string("a").map { .diff($0, a.string("b")) }
            }],
            summary: "Compare two snapshots row by row",
            help: "Per virtual token: L2 distance and cosine similarity between the two vectors, and the nearest words of each. With one name, compares that snapshot with the current vector.",
            example: "diff \"before\" \"after\"",
            settingsRead: []),
        CommandSpec(
            name: "undo", category: .snapshots,
            forms: [CommandForm([], "undo the last change to the prompt vector") { _ in .undo }],
            summary: "Undo the last init, train or restore",
            help: "Goes back to the prompt vector (and optimizer state) before the last command that changed it. Repeated 'undo' walks further back.",
            example: "undo",
            settingsRead: []),
    ]

    // MARK: Settings and session

    private static let session: [CommandSpec] = [
        CommandSpec(
            name: "set", category: .session,
            forms: [CommandForm([.settingKey, .settingValue], "change a setting") { a in
                guard let key = a.setting, let value = a.settingValue else { return nil }
                return .set(key: key, value: value)
            }],
            summary: "Change a setting",
            help: "Settings keep their value until changed again. 'help settings' lists them with defaults and ranges; values outside a setting's hard range are refused, values outside its recommended range draw a warning.",
            example: "set learning_rate 0.03\nset verbalizer \"Review: {{input}} Sentiment:\"\nset shuffle off",
            settingsRead: []),
        CommandSpec(
            name: "show", category: .session,
            forms: [
                CommandForm([.keyword("settings")], "list all settings with values and defaults") { _ in .showSettings },
                CommandForm([.keyword("model")], "describe the loaded model and prompt vector") { _ in .showModel },
            ],
            summary: "Show the settings or the loaded model",
            help: "'show settings' marks the settings that differ from their defaults. 'show model' prints the architecture, sizes, tokenizer and the prompt vector's shape.",
            example: "show settings\nshow model",
            settingsRead: []),
        CommandSpec(
            name: "save", category: .session,
            forms: [CommandForm([.keyword("prompt"), .string(name: "dir", role: .path(.writeDirectory))],
                                "write the prompt vector as a PEFT adapter directory", requiresModel: true) { a in
                a.string("dir").map { .savePrompt(dir: $0) }
            }],
            summary: "Save the prompt vector to a directory",
            help: "Writes adapter_config.json and adapter_model.safetensors in HF PEFT's prompt-tuning format, so the vector can be loaded by PEFT or by 'load prompt'.",
            example: "save prompt \"runs/sentiment\"",
            settingsRead: ["verbalizer"]),
        CommandSpec(
            name: "record", category: .session,
            forms: [
                CommandForm([.keyword("stop")], "stop recording") { _ in .recordStop },
                CommandForm([.string(name: "path", role: .path(.writeFile(scriptFiles)))],
                            "append every following command to a script file") { a in a.string("path").map { .record(path: $0) } },
            ],
            summary: "Record the session's commands to a script",
            help: "Every command that succeeds after 'record' is appended to the file, so the session can be replayed with 'ptune run'.",
            example: "record \"session.ptscript\"\nrecord stop",
            settingsRead: []),
        CommandSpec(
            name: "history", category: .session,
            forms: [
                CommandForm([], "list the commands of this session") { _ in .history },
                CommandForm([.keyword("save"), .string(name: "path", role: .path(.writeFile(scriptFiles)))],
                            "write the session's commands to a script file") { a in a.string("path").map { .historySave(path: $0) } },
            ],
            summary: "List or save the commands run so far",
            help: "The history holds the commands that succeeded in this session, in order; saving it gives a replayable script.",
            example: "history\nhistory save \"session.ptscript\"",
            settingsRead: []),
        CommandSpec(
            name: "run", category: .session,
            forms: [CommandForm([.string(name: "path", role: .path(.readFile(scriptFiles)))], "run a script in this session") { a in
                a.string("path").map { .run(path: $0) }
            }],
            summary: "Run the commands of a script file in this session",
            help: "The script is checked first; if it has errors nothing runs. Its commands change this session as if typed.",
            example: "run \"Docs/examples/sentiment.ptscript\"",
            settingsRead: []),
        CommandSpec(
            name: "help", category: .session,
            forms: [CommandForm([.optional([.helpTopic])], "show help") { .help(topic: $0.word("topic")) }],
            summary: "Show help on commands and settings",
            help: "'help' lists the commands; 'help <command>' shows its forms, settings and an example; 'help settings' lists every setting; 'help <setting>' explains one. '?' is short for 'help': '?' alone, '? train'.",
            example: "help\nhelp train\nhelp learning_rate\n? set",
            settingsRead: [],
            aliases: ["?"]),
        CommandSpec(
            name: "quit", category: .session,
            forms: [CommandForm([], "leave ptune") { _ in .quit }],
            summary: "Leave ptune (or stop a script)",
            help: "In a script, statements after 'quit' never run.",
            example: "quit",
            settingsRead: []),
    ]

    private static let byName: [String: CommandSpec] = Dictionary(
        uniqueKeysWithValues: all.flatMap { spec in ([spec.name] + spec.aliases).map { ($0, spec) } })

    /// The command with this name or alias (`?` is `help`).
    public static func named(_ name: String) -> CommandSpec? { byName[name] }

    /// Every command name (aliases excluded: they are too short to be a convincing suggestion).
    public static let allNames: [String] = all.map(\.name)
    /// `allNames` folded once for "did you mean".
    public static let nameIndex = SuggestionIndex(allNames)

    /// Every word that starts a command: names, then aliases.
    public static let allWords: [(word: String, spec: CommandSpec)] =
        all.map { ($0.name, $0) } + all.flatMap { spec in spec.aliases.map { ($0, spec) } }
}
