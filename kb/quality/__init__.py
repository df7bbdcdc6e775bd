"""Topics → findings and exports: the translators' checks (checks runs them: pairs, context, document_checks,
segment_checks, numbers), their report (console) and the status page's data (status), the glossary (glossary,
term_scan, term_mining, term_check), TMX/XLIFF/CSV (export), public report shapes (report)."""
