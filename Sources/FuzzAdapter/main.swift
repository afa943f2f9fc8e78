import FuzzSupport

// libFuzzer runs `fuzz` (FuzzAdapter.swift) on every input; flags are libFuzzer's own.
runLibFuzzer { data, size in fuzz(data!, size) }
