"""Site URLs, shared by the site, the index and the API so that every link agrees.

All paths are relative to the site's base URL and end in ``/`` (each page is ``…/index.html``).
"""

from __future__ import annotations


def document_path(locale: str, slug: str) -> str:
    """``pt-BR``, ``multichannel`` → ``pt-br/multichannel/``."""
    return f"{locale.lower()}/{slug}/"


def topic_path(topic_id: str) -> str:
    return f"topics/{topic_id}/"


def compare_path(topic_id: str, a: str, b: str) -> str:
    return f"compare/{topic_id}/{a.lower()}..{b.lower()}/"


def locale_home_path(locale: str) -> str:
    return f"{locale.lower()}/"


def join(base_url: str, path: str) -> str:
    """Prefix a site path with the base URL (``/`` or a sub-path such as ``/docs/``)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + path.lstrip("/")
