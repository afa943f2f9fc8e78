// PTScript module; see Docs/architecture.md.
