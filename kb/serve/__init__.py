"""Releases → HTTP: the query API and the static site, served by uvicorn."""
