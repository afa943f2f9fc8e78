// Studio module; see Docs/architecture.md.
