"""Topics → findings and exports: the translators' checks, the glossary, TMX/XLIFF/CSV, public report shapes."""
