// PromptTuning module; see Docs/architecture.md.
