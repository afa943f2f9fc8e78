// LanguageServer module; see Docs/architecture.md.
