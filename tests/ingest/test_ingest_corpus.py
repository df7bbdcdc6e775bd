"""The dev corpus (744 documents in four locales) ingests cleanly; skipped without ../shared."""

from __future__ import annotations

from collections import Counter

from kb.model import LocaleSource

FOLDER_LOCALE = {"pt-br": "pt-BR", "ru-ru": "ru-RU", "es-es": "es-ES", "it-it": "it-IT"}


def test_all_744_documents_ingest_without_problems(dev_corpus):
    assert len(dev_corpus.documents) == 744
    # SOURCE.md beside the locale folders is the corpus's read-me, not a document: reported, not ingested.
    assert [(p.path, p.message[:15]) for p in dev_corpus.problems] == [("SOURCE.md", "no front matter")]


def test_locales_are_all_right(dev_corpus):
    counts = Counter((FOLDER_LOCALE[d.path.split("/")[0]] == d.locale, d.locale_source) for d in dev_corpus.documents)
    assert counts == {(True, LocaleSource.METADATA): 744}


def test_editions_found_in_every_language(dev_corpus):
    by_locale = Counter((d.locale, d.editions) for d in dev_corpus.documents)
    for locale in FOLDER_LOCALE.values():
        assert by_locale[(locale, ("21vianet",))] == 34
        assert by_locale[(locale, ("global", "usgov"))] == 28
        assert by_locale[(locale, ("germany",))] == 2


def test_both_toc_files_parse_into_navigation_trees(dev_corpus):
    navs = {n.path: n for n in dev_corpus.navigation}
    assert len([p for p in navs if p.endswith("TOC.md")]) == 8
    pc = navs["pt-br/partner-center/TOC.md"]
    assert pc.locale == "pt-BR"
    assert (pc.items[0].title, pc.items[0].href) == ("Sobre o Microsoft Partner Center", "index.md")
    mpn = pc.items[1]
    assert (mpn.title, mpn.href) == ("Associação ao Partner Network", "mpn-overview.md")
    assert mpn.children[1].title == "Ofertas de associação" and mpn.children[1].href is None
    assert [c.href for c in mpn.children[1].children] == ["mpn-get-action-pack.md", "renew-mpn-offers.md"]
    archive = navs["ru-ru/Archive/TOC.md"]
    assert archive.items[0].href == "index.md" and len(archive.items[0].children) > 5
    assert "es-es/partner-center/breadcrumb/toc.yml" not in navs  # Learn's trail above a page, no TOC
