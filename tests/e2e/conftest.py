"""Browser-test fixtures live in browser_support.py (importable under a name no other conftest has)."""

from browser_support import browser, built_seeds, kb_serve, page, static_host  # noqa: F401
