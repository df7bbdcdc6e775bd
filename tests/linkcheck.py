"""A link checker for a built site folder: every internal link, image, stylesheet, script and form
target must name a file of the site, and every fragment an id of its target page."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_URL_ATTRS = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("form", "action"),
    ("iframe", "src"),
    ("source", "src"),
}


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    urls: list[tuple[str, str]] = field(default_factory=list)
    """(tag, url) in document order."""
    alternates: list[tuple[str, str]] = field(default_factory=list)
    """(hreflang, href) of ``<link rel="alternate">``."""
    lang: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.page.ids.add(a["name"])
        if tag == "html":
            self.page.lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.page.alternates.append((a["hreflang"], a.get("href", "")))
        for name, value in a.items():
            if (tag, name) in _URL_ATTRS:
                self.page.urls.append((tag, value))

    handle_startendtag = handle_starttag


def parse_page(path: Path) -> PageLinks:
    c = _Collector()
    c.feed(path.read_text(encoding="utf-8"))
    c.close()
    return c.page


def page_url(site: Path, file: Path, base_path: str) -> str:
    rel = file.relative_to(site).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return base_path + rel


def target_file(site: Path, url_path: str, base_path: str) -> Path | None:
    """The file a site URL path names, or None when it is outside the site's base path."""
    if not url_path.startswith(base_path):
        return None
    rel = unquote(url_path[len(base_path) :])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return site / rel


def check_site(site: Path, base_path: str = "/") -> tuple[dict[str, PageLinks], list[str]]:
    """Every page's links, and a list of problems (``page: what is wrong``)."""
    pages = {page_url(site, f, base_path): parse_page(f) for f in sorted(site.rglob("*.html"))}
    problems: list[str] = []
    for url, page in pages.items():
        for tag, raw in page.urls:
            parts = urlsplit(raw)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{url}: unsafe URL {raw!r} in <{tag}>")
                continue
            if raw.startswith("?") or (tag == "a" and raw == "#"):
                continue  # the search page's own query strings and script-driven pager
            path = parts.path or url
            if not path.startswith("/"):
                path = posixpath.normpath(posixpath.join(posixpath.dirname(url), path)) + (
                    "/" if path.endswith("/") else ""
                )
            file = target_file(site, path, base_path)
            if file is None:
                problems.append(f"{url}: <{tag}> {raw!r} leaves the site's base path {base_path!r}")
                continue
            if not file.is_file():
                problems.append(f"{url}: <{tag}> {raw!r} names no file of the site")
                continue
            element = unquote(parts.fragment).partition(":~:")[0]  # (a text fragment names no element)
            if element:
                target = pages.get(page_url(site, file, base_path)) if file.suffix == ".html" else None
                if target is not None and element not in target.ids:
                    problems.append(f"{url}: <{tag}> {raw!r}: no id {parts.fragment!r} on the target page")
    return pages, problems
