"""kb.site.stubs: the addresses without a locale (topic hubs, compare pages, search, the status page)
keep working as small pages that refresh to the page in one locale and list it in every locale."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import CONTENT

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.site.data import SiteData
from kb.site.pages import Gatherer
from kb.site.stubs import site_stubs, topic_stubs
from kb.site.templates import render_page
from kb.site.views import SiteInfo


@pytest.fixture(scope="module")
def gatherer() -> Gatherer:
    corpus = ingest(CONTENT)
    return Gatherer(SiteData.gather(corpus, align(corpus.documents), "/docs/"))


def test_a_topics_old_addresses_refresh_to_its_own_language(gatherer: Gatherer) -> None:
    (topic,) = gatherer.data.alignment.topics
    pages = topic_stubs(gatherer, topic)
    assert pages[0].path == f"topics/{topic.id}/index.html"
    assert pages[0].view.target == f"/docs/pt-br/topics/{topic.id}/"
    assert [c.href for c in pages[0].view.choices] == [
        f"/docs/{loc}/topics/{topic.id}/" for loc in ("es-es", "it-it", "pt-br", "ru-ru")
    ]
    assert f"compare/{topic.id}/pt-br..ru-ru/index.html" in [p.path for p in pages]
    assert all(p.chrome.noindex and p.chrome.lang == "pt-BR" for p in pages)


def test_the_old_search_and_status_addresses_refresh_to_a_locale(gatherer: Gatherer) -> None:
    targets = {p.path: (p.chrome.lang, p.view.target) for p in site_stubs(gatherer)}
    assert targets["search/ru-ru/index.html"] == ("ru-RU", "/docs/ru-ru/search/")
    main = gatherer.main_locale
    assert targets["translation-status/index.html"] == (main, f"/docs/{main.lower()}/translation-status/")


def test_a_stub_refreshes_without_script_and_is_not_indexed(gatherer: Gatherer) -> None:
    (topic,) = gatherer.data.alignment.topics
    html = render_page(topic_stubs(gatherer, topic)[0], SiteInfo("/docs/", "/docs/", {"site.css": "/x.css"}, 5, 4))
    doc = BeautifulSoup(html, "html.parser")
    target = f"/docs/pt-br/topics/{topic.id}/"
    assert doc.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={target}"
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert doc.html["lang"] == "pt-BR" and doc.find("script") is None
    assert doc.find("main").find("a")["href"] == target
