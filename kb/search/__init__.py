"""Topics → the Whoosh index and its queries: per-language analysis, the index writer (index, layout) and its
readers (catalog, release), the query call (query: request → ranking → scoring), snippets, suggestions."""
