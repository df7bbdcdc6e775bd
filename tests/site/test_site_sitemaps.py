"""kb.site.sitemaps: which pages a sitemap lists, the index over its parts past the protocol's limits, and
robots.txt. (Rendered sitemaps of a real site and the part sizes: tests/site/test_site.py.)"""

from __future__ import annotations

import pytest

from kb.site import sitemaps
from kb.site.data import SiteData
from kb.site.views import Chrome, Nav, Page, RobotsView, SitemapEntry, SitemapIndexView, SitemapView


def site(base_url: str) -> SiteData:
    return SiteData(None, None, base_url)  # type: ignore[arg-type]  # URLs read the base URL only


def page(path: str, canonical: str = "", noindex: bool = False, alternates: tuple[Nav, ...] = ()) -> Page:
    return Page(path, "document.html", Chrome("en", path, canonical=canonical, alternates=alternates,
                                             noindex=noindex), None)


def test_a_sitemap_lists_indexable_pages_with_their_alternates_that_have_a_link() -> None:
    pt, missing = Nav("pt-br", "/pt-br/a/", "pt-br"), Nav("it-it", None, "it-it")
    assert sitemaps.sitemap_entry(page("a", "/en/a/", alternates=(pt, missing))) == SitemapEntry("/en/a/", (pt,))
    assert sitemaps.sitemap_entry(page("b", "/compare/b/", noindex=True)) is None
    assert sitemaps.sitemap_entry(page("c")) is None  # no canonical URL

    [only] = sitemaps.sitemaps(site("/"), [page("a", "/en/a/"), page("b", "/b/", noindex=True)])
    assert (only.path, only.template) == ("sitemap.xml", "sitemap.xml")
    assert only.view == SitemapView((SitemapEntry("/en/a/"),))


def test_past_the_limit_the_parts_are_listed_in_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_URLS", 2)
    entries = [SitemapEntry(f"https://docs.example.com/kb/{n}/") for n in range(5)]
    pages = sitemaps.sitemaps_of(site("https://docs.example.com/kb/"), entries)
    assert [(p.path, p.template) for p in pages] == [
        ("sitemap-1.xml", "sitemap.xml"), ("sitemap-2.xml", "sitemap.xml"), ("sitemap-3.xml", "sitemap.xml"),
        ("sitemap.xml", "sitemap_index.xml"),
    ]
    assert [len(p.view.entries) for p in pages[:3]] == [2, 2, 1]
    assert pages[3].view == SitemapIndexView(tuple(f"https://docs.example.com/kb/sitemap-{n}.xml" for n in (1, 2, 3)))


@pytest.mark.parametrize(
    ("base_url", "view"),
    [
        ("https://docs.example.com/kb/", RobotsView("/kb/", "https://docs.example.com/kb/sitemap.xml")),
        ("/docs/", RobotsView("/docs/", None)),  # no host: robots.txt cannot name the sitemap
    ],
)
def test_robots_names_the_sitemap_when_the_base_url_names_the_host(base_url: str, view: RobotsView) -> None:
    robots = sitemaps.robots(site(base_url))
    assert (robots.path, robots.template, robots.view) == ("robots.txt", "robots.txt", view)
