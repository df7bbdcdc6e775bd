"""Topics → the Whoosh index and its queries: per-language analysis, the index writer, scoring, snippets."""
