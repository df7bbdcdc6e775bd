"""The sitemaps and ``robots.txt``: every page search engines may index, with its alternates in the other
locales, in ``sitemap.xml`` (split under an index past the protocol's limits)."""

from __future__ import annotations

from collections.abc import Sequence

from kb.site.data import SiteData
from kb.site.views import Chrome, Page, RobotsView, SitemapEntry, SitemapIndexView, SitemapView

SITEMAP_URLS = 50_000
"""The sitemaps protocol's limit of URLs in one file (sitemaps.org): a larger sitemap is split."""
SITEMAP_BYTES = 50 * 1024 * 1024
"""Its limit of bytes in one (uncompressed) file."""


def sitemap_parts(entries: Sequence[SitemapEntry]) -> list[tuple[SitemapEntry, ...]]:
    """``entries`` in order, cut into parts within the protocol's limits (one part, maybe empty, when
    they fit in one file). A part's size is measured over-generously: the template's markup per URL
    and per alternate, with every character counted as 4 bytes of UTF-8."""
    parts: list[tuple[SitemapEntry, ...]] = []
    start, size = 0, 0
    for i, e in enumerate(entries):
        chars = len(e.loc) + sum(len(a.lang or "") + len(a.href or "") for a in e.alternates)
        cost = 4 * chars + 40 + 80 * len(e.alternates)
        if i > start and (i - start >= SITEMAP_URLS or size + cost > SITEMAP_BYTES - 4096):
            parts.append(tuple(entries[start:i]))
            start, size = i, 0
        size += cost
    parts.append(tuple(entries[start:]))
    return parts


def sitemap_entry(page: Page) -> SitemapEntry | None:
    """The sitemap's entry for ``page``: pages with a canonical URL that search engines may index."""
    if not page.chrome.canonical or page.chrome.noindex:
        return None
    return SitemapEntry(page.chrome.canonical, tuple(a for a in page.chrome.alternates if a.href))


def sitemaps(data: SiteData, pages: Sequence[Page]) -> list[Page]:
    return sitemaps_of(data, [e for p in pages if (e := sitemap_entry(p)) is not None])


def sitemaps_of(data: SiteData, entries: Sequence[SitemapEntry]) -> list[Page]:
    """``sitemap.xml``, or, over the protocol's limits for one file (SITEMAP_URLS, SITEMAP_BYTES),
    ``sitemap-1.xml``, ``sitemap-2.xml``, … and ``sitemap.xml`` as their index."""
    parts = sitemap_parts(entries)
    if len(parts) == 1:
        return [Page("sitemap.xml", "sitemap.xml", Chrome("", "sitemap"), SitemapView(parts[0]))]
    pages = [
        Page(f"sitemap-{n}.xml", "sitemap.xml", Chrome("", "sitemap"), SitemapView(part))
        for n, part in enumerate(parts, 1)
    ]
    index = SitemapIndexView(tuple(data.url(p.path) for p in pages))
    return [*pages, Page("sitemap.xml", "sitemap_index.xml", Chrome("", "sitemap"), index)]


def robots(data: SiteData) -> Page:
    sitemap = data.url("sitemap.xml")
    absolute = sitemap if sitemap.lower().startswith(("http:", "https:")) else None
    from urllib.parse import urlsplit

    view = RobotsView(urlsplit(data.base_url).path or "/", absolute, tuple(loc.lower() for loc in data.locales))
    return Page("robots.txt", "robots.txt", Chrome("", "robots"), view)
