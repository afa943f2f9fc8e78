import FuzzSupport

// The tokenizers are built before fuzzing starts: reading SmolLM2's 49 152 tokens and merges takes
// over a second under AddressSanitizer, which would otherwise count as the first input's timeout.
_ = spellable.count

// libFuzzer runs `fuzz` (FuzzTokenizer.swift) on every input; flags are libFuzzer's own.
runLibFuzzer { data, size in fuzz(data!, size) }
