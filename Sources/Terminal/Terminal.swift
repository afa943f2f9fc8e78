// Terminal module; see Docs/architecture.md.
