"""Files → Documents: front matter, the DocFX Markdown dialect, segments, editions, language detection,
navigation files, the parse cache; and a body's HTML (render, its rules, the skeleton ingest keeps)."""
