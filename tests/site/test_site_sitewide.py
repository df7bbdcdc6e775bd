"""kb.site.sitewide: the pages over the whole site, in the order the site lists them, and no two pages to
one file. (What those pages show: tests/site/test_site.py and tests/site/test_site_status.py.)"""

from __future__ import annotations

import pytest
from conftest import CONTENT

from kb.align.topics import align
from kb.errors import KbError
from kb.ingest.reader import ingest
from kb.site.data import SiteData
from kb.site.pages import Gatherer
from kb.site.sitewide import EXTRA_PAGES, check_unique, front_pages
from kb.site.status import translation_status_page


@pytest.fixture(scope="module")
def data() -> SiteData:
    corpus = ingest(CONTENT)
    return SiteData.gather(corpus, align(corpus.documents), "/")


def test_front_pages_are_the_homes_404_and_search_pages_in_site_order(data: SiteData) -> None:
    paths = [p.path for p in front_pages(Gatherer(data))]
    per_locale = [
        path
        for loc in data.locales
        for path in (f"{loc.lower()}/index.html", f"{loc.lower()}/search/index.html", f"{loc.lower()}/404.html")
    ]  # the seeds have no TOC: no docset pages
    stubs = ["search/index.html", "translation-status/index.html"]
    stubs += [f"search/{loc.lower()}/index.html" for loc in data.locales]
    assert paths == ["index.html", "404.html", *per_locale, *stubs]


def test_the_status_page_is_gathered_after_the_rest_without_registering_itself() -> None:
    assert [translation_status_page] == EXTRA_PAGES


def test_two_pages_for_one_file_are_refused() -> None:
    check_unique([("a/index.html", "document.html"), ("b/index.html", "topic.html")])
    with pytest.raises(KbError, match=r"'a/index.html' \(document.html and topic.html\)"):
        check_unique([("a/index.html", "document.html"), ("a/index.html", "topic.html")])
