"""Site URLs, shared by the site, the index and the API so that every link agrees.

All paths are relative to the site's base URL and end in ``/`` (each page is ``…/index.html``). Every
page a reader sees lives under its locale (``pt-br/…``); the paths without one (``topics/{id}/``,
``compare/…``, ``search/``, ``translation-status/``) are kept as redirect stubs for old links.
"""

from __future__ import annotations

TOPICS = "topics"
COMPARE = "compare"
SEARCH = "search"
STATUS = "translation-status"
TOC = "toc"

RESERVED_SLUGS = frozenset({TOPICS, COMPARE, SEARCH, STATUS, TOC, "404", "assets", "files"})
"""Names of the site's own folders below a locale: no document takes them as its slug."""


def _in(locale: str | None, path: str) -> str:
    return f"{locale.lower()}/{path}" if locale else path


def document_path(locale: str, slug: str) -> str:
    """``pt-BR``, ``multichannel`` → ``pt-br/multichannel/``."""
    return f"{locale.lower()}/{slug}/"


def topic_path(topic_id: str, locale: str | None = None) -> str:
    """``pt-br/topics/{id}/``; without a locale, the old address (a redirect stub)."""
    return _in(locale, f"{TOPICS}/{topic_id}/")


def compare_path(topic_id: str, a: str, b: str, locale: str | None = None) -> str:
    return _in(locale, f"{COMPARE}/{topic_id}/{a.lower()}..{b.lower()}/")


def search_path(locale: str | None = None) -> str:
    return _in(locale, f"{SEARCH}/")


def status_path(locale: str | None = None) -> str:
    return _in(locale, f"{STATUS}/")


def toc_path(locale: str, name: str) -> str:
    """The whole navigation tree of one docset in one locale: ``pt-br/toc/partner-center/``."""
    return _in(locale, f"{TOC}/{name}/")


def locale_home_path(locale: str) -> str:
    return f"{locale.lower()}/"


def join(base_url: str, path: str) -> str:
    """Prefix a site path with the base URL (``/`` or a sub-path such as ``/docs/``)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + path.lstrip("/")
