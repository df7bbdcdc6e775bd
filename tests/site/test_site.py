"""kb.site.writer on a small corpus written here: pages, links, switchers, alternates, hubs, homes, compare,
search, sitemap, robots, 404, base URL, incremental writes, and the worker pool.

The alignment is built by hand (explicit topics and slugs) so these tests pin the site's behaviour,
not the aligner's; tests/site/test_linkcheck.py runs the whole `kb build` on the seeds and the dev corpus.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import write_files
from linkcheck import check_site

from kb import urls
from kb.errors import InvalidParameter
from kb.ingest.reader import ingest
from kb.model import Alignment, Corpus, Document, Evidence, Topic, TopicMember
from kb.output.options import BuildOptions
from kb.site import data as sitedata
from kb.site import sitemaps, sitewide, templates, views
from kb.site import writer as site

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def front(title: str, locale: str, assetid: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\nms.contentlocale: {locale}\nms.assetid: {assetid}\n{extra}---\n"


FILES: dict[str, str] = {
    "pt-br/guide/a.md": front(
        "Artigo A | Centro",
        "pt-BR",
        "AAA",
        "ms.date: 03/04/2019\nms.lasthandoff: 04/23/2019\nms.translationtype: MT\n",
    )
    + '# <a name="artigo-a"></a>Artigo A\n\n'
    "**Aplica-se a**\n\n- Partner Center\n\n"
    "Veja [B](b.md), [a seção](b.md#detalhes), [seção sumida](b.md#nao-existe), [publicado](/guide/b),\n"
    "[fora](missing.md), [externo](https://example.com/x) e [aqui](#uso).\n\n"
    "> [!NOTE]\n> Uma nota.\n\n"
    "## Uso\n\nTexto.\n\n## \n\n"  # an empty heading (Skype's, above a table): no entry "in this article"
    "## Limites\n\n![Diagrama do fluxo](media/flow.png) ![Sem arquivo](media/none.png)\n\n"
    "<table>\n<tr>\n<td><p>Consulte [Artigo B](b.md) e **isto**.</p></td>\n</tr>\n</table>\n\n"
    "<script>alert(1)</script>\n",
    "pt-br/guide/b.md": front("Artigo B", "pt-BR", "BBB", "ms.date: 01/02/2019\n")
    + "# Artigo B\n\nTexto de B.\n\n## Detalhes\n\nMais.\n",
    "pt-br/guide/TOC.md": "# [Guia](a.md)\n## [Artigo B](b.md)\n## Sem link\n### [Fora](missing.md)\n",
    "pt-br/archive/China-a.md": front("Artigo A (21Vianet)", "pt-BR", "AAA21")
    + "# Artigo A na China\n\n**Aplica-se a**\n\n- Partner Center operado pela 21Vianet\n\n"
    "Veja [A](a.md) e [B](b.md).\n",
    "ru-ru/guide/a.md": front(
        "Статья A",
        "ru-RU",
        "AAA",
        "ms.date: 01/10/2019\nms.lasthandoff: 02/01/2019\nms.translationtype: HT\n",
    )
    + "# Статья A\n\n**Применимо к**\n\n- Центр партнеров\n\n"
    "См. [B](b.md) и [A](a.md#uso).\n\n## Использование\n",
    "es-es/guide/c.md": front("Artículo C", "es-ES", "CCC") + "# Artículo C\n\nTexto en español.\n",
}


def write_corpus(root: Path, files: dict[str, str] = FILES) -> Corpus:
    write_files(root, files)
    (root / "pt-br/guide/media").mkdir(exist_ok=True)
    (root / "pt-br/guide/media/flow.png").write_bytes(PNG)
    return ingest(root)


def hand_alignment(corpus: Corpus) -> Alignment:
    """Topics as an aligner would make them, with explicit slugs."""
    docs = {d.path: d for d in corpus.documents}

    def member(path: str, slug: str) -> TopicMember:
        return TopicMember(docs[path], Evidence.ASSETID, 1.0, slug)

    return Alignment(
        [
            Topic(
                "aaa",
                "artigo-a",
                [
                    member("pt-br/archive/China-a.md", "artigo-a-21vianet"),
                    member("pt-br/guide/a.md", "artigo-a"),
                    member("ru-ru/guide/a.md", "artigo-a"),
                ],
            ),
            Topic("bbb", "artigo-b", [member("pt-br/guide/b.md", "artigo-b")]),
            Topic("ccc", "artigo-c", [member("es-es/guide/c.md", "artigo-c")]),
        ]
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Corpus, Alignment]:
    root = tmp_path_factory.mktemp("content")
    corpus = write_corpus(root)
    assert corpus.problems == ()
    alignment = hand_alignment(corpus)
    dest = tmp_path_factory.mktemp("out") / "site"
    site.render_site(dest, corpus, alignment, BuildOptions(jobs=1, base_url="/"))
    return dest, corpus, alignment


def page(dest: Path, path: str) -> BeautifulSoup:
    file = dest / path / "index.html" if not path.endswith((".html", ".xml", ".txt")) else dest / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def switcher(doc: BeautifulSoup, kind: str) -> list[tuple[str, str | None, str]]:
    """(label, href, note) of each entry of the ``languages`` or ``editions`` switcher."""
    nav = doc.find("nav", class_=f"switcher-{kind}")
    assert isinstance(nav, Tag)
    out = []
    for li in nav.find_all("li"):
        a = li.find("a")
        note = li.find(class_="note")
        label = li.select_one(".switch > span").get_text()
        out.append((label, a["href"] if a else None, note.get_text() if note else ""))
    return out


# --- documents ------------------------------------------------------------------------------------


def test_every_document_topic_locale_compare_and_special_page_is_written(built) -> None:
    dest, _, _ = built
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert files == [
        "404.html",
        *[f"assets/{name}" for name in sorted(site.ASSETS)],
        "compare/aaa/pt-br..pt-br-21vianet/index.html",
        "compare/aaa/pt-br..ru-ru/index.html",
        "es-es/404.html",
        "es-es/artigo-c/index.html",
        "es-es/compare/aaa/pt-br..pt-br-21vianet/index.html",
        "es-es/compare/aaa/pt-br..ru-ru/index.html",
        "es-es/index.html",
        "es-es/search/index.html",
        "es-es/topics/aaa/index.html",
        "es-es/topics/bbb/index.html",
        "es-es/topics/ccc/index.html",
        "es-es/translation-status/es-es/index.html",
        "es-es/translation-status/index.html",
        "es-es/translation-status/pt-br/index.html",
        "es-es/translation-status/ru-ru/index.html",
        "favicon.ico",
        "files/pt-br/guide/media/flow.png",
        "index.html",
        "pt-br/404.html",
        "pt-br/artigo-a-21vianet/index.html",
        "pt-br/artigo-a/index.html",
        "pt-br/artigo-b/index.html",
        "pt-br/compare/aaa/pt-br..pt-br-21vianet/index.html",
        "pt-br/compare/aaa/pt-br..ru-ru/index.html",
        "pt-br/index.html",
        "pt-br/search/index.html",
        "pt-br/toc/guide/index.html",
        "pt-br/topics/aaa/index.html",
        "pt-br/topics/bbb/index.html",
        "pt-br/topics/ccc/index.html",
        "pt-br/translation-status/es-es/index.html",
        "pt-br/translation-status/index.html",
        "pt-br/translation-status/pt-br/index.html",
        "pt-br/translation-status/ru-ru/index.html",
        "robots.txt",
        "ru-ru/404.html",
        "ru-ru/artigo-a/index.html",
        "ru-ru/compare/aaa/pt-br..pt-br-21vianet/index.html",
        "ru-ru/compare/aaa/pt-br..ru-ru/index.html",
        "ru-ru/index.html",
        "ru-ru/search/index.html",
        "ru-ru/topics/aaa/index.html",
        "ru-ru/topics/bbb/index.html",
        "ru-ru/topics/ccc/index.html",
        "ru-ru/translation-status/es-es/index.html",
        "ru-ru/translation-status/index.html",
        "ru-ru/translation-status/pt-br/index.html",
        "ru-ru/translation-status/ru-ru/index.html",
        "search/es-es/index.html",
        "search/index.html",
        "search/pt-br/index.html",
        "search/ru-ru/index.html",
        "sitemap.xml",
        "topics/aaa/index.html",
        "topics/bbb/index.html",
        "topics/ccc/index.html",
        "translation-status/index.html",
    ]
    assert (dest / "files/pt-br/guide/media/flow.png").read_bytes() == PNG


def test_document_page_has_lang_title_body_date_and_machine_translation_notice(built) -> None:
    doc = page(built[0], "pt-br/artigo-a")
    assert doc.html["lang"] == "pt-BR"
    assert doc.title.get_text() == "Artigo A | Centro"
    assert [h1.get("id") for h1 in doc.find_all("h1")] == ["artigo-a"]
    assert doc.find("time")["datetime"] == "2019-03-04"
    notice = doc.find("div", class_="notice-mt")
    assert notice.get_text(strip=True) == "Este artigo foi traduzido automaticamente e pode conter erros."
    alert = doc.find("div", class_="alert-note")
    assert alert.find("p", class_="alert-title").get_text() == "Observação"
    assert [a["href"] for a in doc.find("nav", class_="on-this-page").find_all("a")] == ["#uso", "#limites"]
    img = doc.find("img")
    assert (img["src"], img["alt"]) == ("/files/pt-br/guide/media/flow.png", "Diagrama do fluxo")
    assert doc.find("span", class_="image-missing")["aria-label"] == "Sem arquivo (imagem não disponível)"
    assert doc.find("td").find("a")["href"] == "/pt-br/artigo-b/"
    assert doc.find("td").find("strong").get_text() == "isto"
    assert "alert(1)" not in str(doc)
    for landmark in ("header", "main", "footer"):
        assert doc.find(landmark) is not None
    assert doc.find("a", class_="skip-link")["href"] == "#main"


def test_a_page_without_machine_translation_has_no_notice(built) -> None:
    doc = page(built[0], "ru-ru/artigo-a")
    assert doc.find("div", class_="notice-mt") is None
    assert doc.html["lang"] == "ru-RU"


def links_of(doc: BeautifulSoup) -> dict[str, tuple[str, str | None, str]]:
    """Visible text → (tag, href, title) of every link or missing-link marker in the body."""
    body = doc.find("div", class_="doc-body")
    out = {}
    for el in body.find_all(["a", "span"]):
        if el.name == "a" or "link-missing" in (el.get("class") or []):
            text = el.find(string=True, recursive=False) or el.get_text()
            out[str(text).strip()] = (el.name, el.get("href"), el.get("title", ""))
    return out


def test_links_resolve_to_the_same_locale_or_are_marked_as_not_in_the_corpus(built) -> None:
    found = links_of(page(built[0], "pt-br/artigo-a"))
    assert found["B"] == ("a", "/pt-br/artigo-b/", "Artigo B")
    assert found["a seção"] == ("a", "/pt-br/artigo-b/#detalhes", "Artigo B")
    assert found["seção sumida"] == (
        "a",
        "/pt-br/artigo-b/",
        "Artigo B",
    )  # a fragment the page lacks is dropped
    assert found["publicado"] == ("a", "/pt-br/artigo-b/", "Artigo B")  # DocFX's published path
    assert found["fora"] == ("span", None, "“missing.md” não está nesta base de conhecimento")
    assert found["externo"][:2] == ("a", "https://example.com/x")
    assert found["aqui"] == ("a", "#uso", "")


def test_links_stay_in_the_edition_of_the_page(built) -> None:
    found = links_of(page(built[0], "pt-br/artigo-a-21vianet"))
    assert found["A"] == (
        "a",
        "/pt-br/artigo-a-21vianet/",
        "Artigo A (21Vianet)",
    )  # China-a.md, not the global a.md
    assert found["B"] == ("a", "/pt-br/artigo-b/", "Artigo B")


def test_a_link_to_an_article_not_translated_into_the_locale_opens_its_topic_hub(built) -> None:
    found = links_of(page(built[0], "ru-ru/artigo-a"))
    assert found["B"] == (
        "a",
        "/ru-ru/topics/bbb/",  # the hub in the reader's language
        "Недоступно на языке Русский: открывает список языков, на которых статья есть",
    )
    assert found["A"] == ("a", "/ru-ru/artigo-a/", "Статья A")  # its own page; #uso is not a Russian id


# --- switchers and alternates ---------------------------------------------------------------------


def test_language_switcher_stays_on_the_topic_and_marks_locales_it_lacks(built) -> None:
    assert switcher(page(built[0], "pt-br/artigo-a"), "languages") == [
        ("Español", None, "(não disponível)"),
        ("Português (Brasil)", "/pt-br/artigo-a/", ""),
        ("Русский", "/ru-ru/artigo-a/", ""),
    ]
    # From the 21Vianet page, Russian has only the global edition: the switcher says so.
    assert switcher(page(built[0], "pt-br/artigo-a-21vianet"), "languages") == [
        ("Español", None, "(não disponível)"),
        ("Português (Brasil)", "/pt-br/artigo-a-21vianet/", ""),
        ("Русский", "/ru-ru/artigo-a/", "(Global)"),
    ]
    current = page(built[0], "pt-br/artigo-a").find(
        "a", attrs={"aria-current": "page", "class": "switch current"}
    )
    assert current["href"] == "/pt-br/artigo-a/"


def test_edition_switcher_stays_on_the_topic(built) -> None:
    assert switcher(page(built[0], "pt-br/artigo-a"), "editions") == [
        ("Global", "/pt-br/artigo-a/", ""),
        ("21Vianet (China)", "/pt-br/artigo-a-21vianet/", ""),
    ]
    # Russian has no 21Vianet edition: the switcher goes to the one in Portuguese, and says so.
    assert switcher(page(built[0], "ru-ru/artigo-a"), "editions") == [
        ("Глобальный", "/ru-ru/artigo-a/", ""),
        ("21Vianet (Китай)", "/pt-br/artigo-a-21vianet/", "(на языке: Português (Brasil))"),
    ]
    assert (
        page(built[0], "pt-br/artigo-b").find("nav", class_="switcher-editions") is None
    )  # one edition only


def alternates(doc: BeautifulSoup) -> list[tuple[str, str]]:
    return [(link["hreflang"], link["href"]) for link in doc.find_all("link", rel="alternate")]


def test_every_page_carries_hreflang_alternates_for_its_topics_locales(built) -> None:
    # x-default: the hub in the site's main locale (the most documents: pt-BR)
    assert alternates(page(built[0], "pt-br/artigo-a")) == [
        ("pt-BR", "/pt-br/artigo-a/"),
        ("ru-RU", "/ru-ru/artigo-a/"),
        ("x-default", "/pt-br/topics/aaa/"),
    ]
    assert alternates(page(built[0], "pt-br/artigo-a-21vianet")) == [
        ("pt-BR", "/pt-br/artigo-a-21vianet/"),
        ("ru-RU", "/ru-ru/artigo-a/"),
        ("x-default", "/pt-br/topics/aaa/"),
    ]
    assert alternates(page(built[0], "es-es/artigo-c")) == [
        ("es-ES", "/es-es/artigo-c/"),
        ("x-default", "/pt-br/topics/ccc/"),
    ]


# --- hubs and homes -------------------------------------------------------------------------------


def test_topic_hub_lists_locales_by_editions_with_titles_dates_translation_and_freshness(built) -> None:
    hub = page(built[0], "pt-br/topics/aaa")
    assert hub.html["lang"] == "pt-BR"
    assert (hub.find("h1").get_text(), hub.find("h1")["lang"]) == ("Artigo A | Centro", "pt-BR")
    table = hub.find("table", class_="matrix")
    assert [th.get_text() for th in table.find("thead").find_all("th")] == [
        "Idioma",
        "Global",
        "21Vianet (China)",
    ]
    rows = []
    for tr in table.find("tbody").find_all("tr"):
        cells = [" ".join(td.get_text(" ", strip=True).split()) for td in tr.find_all("td")]
        rows.append((tr.find("th").get_text(strip=True), cells))
    assert rows == [
        (
            "Português (Brasil)",
            [
                "Artigo A | Centro Data: 4 de mar. de 2019 Tradução: Automática (MT) Atualidade: mais recente",
                "Artigo A (21Vianet) Data: — Tradução: — Atualidade: sem data",
            ],
        ),
        (
            "Русский",
            [
                "Статья A Data: 10 de jan. de 2019 Tradução: Humana (HT) "
                "Atualidade: 81 dias mais antiga que a mais recente",
                "ausente",
            ],
        ),
    ]
    assert [a["href"] for a in hub.find("section").find_all("a")] == [
        "/pt-br/compare/aaa/pt-br..pt-br-21vianet/",
        "/pt-br/compare/aaa/pt-br..ru-ru/",
    ]
    ru = page(built[0], "ru-ru/topics/bbb")  # a topic without Russian: titled in its own language
    assert (ru.html["lang"], ru.find("h1").get_text(), ru.find("h1")["lang"]) == ("ru-RU", "Artigo B", "pt-BR")


def test_locale_home_has_toc_navigation_other_articles_and_untranslated_topics(built) -> None:
    home = page(built[0], "pt-br")
    toc = home.find("nav", class_="toc")
    assert toc.find("h2").get_text(strip=True) == "Guia"
    assert toc.find("h2").find("a")["href"] == "/pt-br/artigo-a/"
    assert [(a.get_text(), a["href"]) for a in toc.find_all("a")][1:] == [("Artigo B", "/pt-br/artigo-b/")]
    assert "Fora" not in toc.get_text()  # an entry whose article is not in the corpus is left out
    others = home.find("section", class_="others")
    assert [(a.get_text(), a["href"]) for a in others.find_all("a")] == [
        ("Artigo A (21Vianet)", "/pt-br/artigo-a-21vianet/")
    ]
    untranslated = home.find("section", class_="untranslated")
    assert [(a.get_text(), a["href"], a["lang"]) for a in untranslated.find_all("a")] == [
        ("Artículo C", "/pt-br/topics/ccc/", "es-ES")
    ]
    ru = page(built[0], "ru-ru")
    assert ru.html["lang"] == "ru-RU"
    assert ru.find("nav", class_="toc") is None  # no TOC.md in Russian: articles by title
    assert [a.get_text() for a in ru.find("section", class_="others").find_all("a")] == ["Статья A"]
    assert [a.get_text() for a in ru.find("section", class_="untranslated").find_all("a")] == [
        "Artículo C",
        "Artigo B",
    ]


def test_breadcrumbs_follow_the_toc(built) -> None:
    crumbs = page(built[0], "pt-br/artigo-b").find("nav", class_="breadcrumbs")
    assert [
        (li.get_text(strip=True), li.find("a")["href"] if li.find("a") else None)
        for li in crumbs.find_all("li")
    ] == [
        ("Início", "/"),
        ("Português (Brasil)", "/pt-br/"),
        ("Guia", "/pt-br/artigo-a/"),
        ("Artigo B", None),
    ]


def test_site_home_lists_locales_with_their_own_names(built) -> None:
    home = page(built[0], "")
    cards = home.find("ul", class_="locale-cards").find_all("a")
    assert [
        (a["href"], a.find(class_="locale-name").get_text(), a.find(class_="locale-name")["lang"])
        for a in cards
    ] == [
        ("/es-es/", "Español", "es-ES"),
        ("/pt-br/", "Português (Brasil)", "pt-BR"),
        ("/ru-ru/", "Русский", "ru-RU"),
    ]
    assert [a.find(class_="locale-count").get_text() for a in cards] == [
        "1 article",
        "3 articles",
        "1 article",
    ]


# --- compare, search and special files ------------------------------------------------------------


def test_compare_page_shows_aligned_segments_side_by_side_and_marks_unmatched_ones(built) -> None:
    pytest.importorskip("kb.align.segments")
    doc = page(built[0], "pt-br/compare/aaa/pt-br..pt-br-21vianet")
    assert doc.html["lang"] == "pt-BR"
    table = doc.find("table", class_="compare")
    rows = table.find("tbody").find_all("tr")
    assert rows, "no aligned rows"
    statuses = {tr["class"][0] for tr in rows}
    assert statuses <= {"row-matched", "row-only-a", "row-only-b"}
    assert "row-matched" in statuses and statuses & {"row-only-a", "row-only-b"}
    for tr in rows:
        a, b, score = tr.find_all("td")
        assert (a["lang"], b["lang"]) == ("pt-BR", "pt-BR")
        if "row-only-a" in tr["class"]:
            assert b.get_text(strip=True) == "somente em A" and score.get_text() == "—"
        if "row-only-b" in tr["class"]:
            assert a.get_text(strip=True) == "somente em B"
    first = rows[0].find_all("td")
    assert first[0].find(class_="seg-path").get_text() == "heading[0]"
    assert "Artigo A" in first[0].get_text() and "Artigo A na China" in first[1].get_text()
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_search_page_calls_the_api_and_explains_static_hosting(built) -> None:
    doc = page(built[0], "pt-br/search")
    form = doc.find("form", id="search-form")
    assert (form["data-api"], form["data-health"], form["data-base"]) == ("/api/search", "/api/health", "/")
    assert [o["value"] for o in form.find("select", id="locale").find_all("option")] == [
        "",
        "es-ES",
        "pt-BR",
        "ru-RU",
    ]
    assert form.find("select", id="locale").find("option", selected=True)["value"] == "pt-BR"
    assert [o["value"] for o in form.find("select", id="edition").find_all("option")] == [
        "",
        "global",
        "21vianet",
    ]
    for field in ("q", "locale", "edition"):
        assert form.find("label", attrs={"for": field}) is not None
    notice = doc.find(id="api-missing")
    assert notice.has_attr("hidden") and "kb serve --build OUT" in notice.get_text()
    strings = json.loads(doc.find("script", id="search-strings").string)
    assert strings["locale_names"]["ru-RU"] == "Русский"
    assert doc.find("script", src=re.compile(r"^/assets/search\.js\?v=[0-9a-f]{10}$")) is not None


def test_sitemap_lists_pages_with_xhtml_alternates(built) -> None:
    xml = BeautifulSoup((built[0] / "sitemap.xml").read_text(encoding="utf-8"), "xml")
    entries = {
        u.find("loc").get_text(): [(x["hreflang"], x["href"]) for x in u.find_all("link")]
        for u in xml.find_all("url")
    }
    assert entries["/pt-br/artigo-a/"] == [
        ("pt-BR", "/pt-br/artigo-a/"),
        ("ru-RU", "/ru-ru/artigo-a/"),
        ("x-default", "/pt-br/topics/aaa/"),
    ]
    assert entries["/ru-ru/topics/aaa/"] == [
        ("es-ES", "/es-es/topics/aaa/"),
        ("pt-BR", "/pt-br/topics/aaa/"),
        ("ru-RU", "/ru-ru/topics/aaa/"),
        ("x-default", "/pt-br/topics/aaa/"),
    ]
    assert "/pt-br/compare/aaa/pt-br..ru-ru/" not in entries and "/pt-br/search/" not in entries
    assert not {e for e in entries if e.startswith(("/topics/", "/compare/", "/search/"))}  # stubs are not listed
    assert set(entries) >= {"/", "/pt-br/", "/pt-br/topics/aaa/", "/es-es/artigo-c/"}


def sitemap_locs(path: Path) -> list[str]:
    return [u.find("loc").get_text() for u in BeautifulSoup(path.read_text(encoding="utf-8"), "xml").find_all("url")]


def test_a_sitemap_over_the_protocol_limit_is_split_under_an_index(
    tmp_path: Path, built, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, corpus, alignment = built
    whole = sitemap_locs(built[0] / "sitemap.xml")
    assert len(whole) == 18
    monkeypatch.setattr(sitemaps, "SITEMAP_URLS", 6)
    dest = tmp_path / "site"

    site.render_site(dest, corpus, alignment, BuildOptions(jobs=1, base_url="https://docs.example.com/kb/"))

    index = ElementTree.parse(dest / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        f"https://docs.example.com/kb/sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    parts = [sitemap_locs(dest / f"sitemap-{n}.xml") for n in (1, 2, 3)]
    assert [len(p) for p in parts] == [6, 6, 6]
    assert [loc for p in parts for loc in p] == ["https://docs.example.com/kb" + loc for loc in whole]
    robots = (dest / "robots.txt").read_text(encoding="utf-8")
    assert robots.endswith("Sitemap: https://docs.example.com/kb/sitemap.xml\n")


@pytest.mark.parametrize(
    ("urls", "bytes_", "sizes"),
    [
        (50_000, 50 * 1024 * 1024, [5]),  # the protocol's limits: one file
        (2, 50 * 1024 * 1024, [2, 2, 1]),  # by number of URLs
        (50_000, 4096 + 2 * (4 * 20 + 40), [2, 2, 1]),  # by size: two 20-character URLs a file
        (50_000, 4096 + 1, [1, 1, 1, 1, 1]),  # a URL larger than a file still gets one of its own
    ],
)
def test_sitemap_parts_keep_each_file_within_the_limits(
    monkeypatch: pytest.MonkeyPatch, urls: int, bytes_: int, sizes: list[int]
) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_URLS", urls)
    monkeypatch.setattr(sitemaps, "SITEMAP_BYTES", bytes_)
    entries = [views.SitemapEntry(f"https://x.example/{n}/") for n in range(5)]
    assert all(len(e.loc) == 20 for e in entries)

    parts = sitemaps.sitemap_parts(entries)

    assert [len(p) for p in parts] == sizes
    assert [e for p in parts for e in p] == entries


def test_robots_and_404(built) -> None:
    assert (built[0] / "robots.txt").read_text(
        encoding="utf-8"
    ) == "User-agent: *\nDisallow: /compare/\nDisallow: /es-es/compare/\nDisallow: /pt-br/compare/\n" + (
        "Disallow: /ru-ru/compare/\nAllow: /\n"
    )
    nf = page(built[0], "404.html")  # the site's: in its main language, the text in every other too
    assert (nf.html["lang"], nf.find("h1").get_text()) == ("pt-BR", "Página não encontrada")
    assert [p["lang"] for p in nf.find_all("p", lang=True)] == ["es-ES", "ru-RU"]
    ru = page(built[0], "ru-ru/404.html")
    assert (ru.html["lang"], ru.find("h1").get_text()) == ("ru-RU", "Страница не найдена")
    assert [a["href"] for a in nf.find("ul", class_="locale-cards").find_all("a")] == [
        "/es-es/",
        "/pt-br/",
        "/ru-ru/",
    ]
    assert nf.find("link", rel="stylesheet")["href"].startswith(
        "/assets/site.css?v="
    )  # absolute: works at any depth


def test_every_internal_link_of_the_site_resolves(built) -> None:
    _, problems = check_site(built[0], "/")
    assert problems == []


def test_a_base_url_puts_every_link_under_the_sub_path(tmp_path: Path, built) -> None:
    _, corpus, alignment = built
    dest = tmp_path / "site"
    site.render_site(dest, corpus, alignment, BuildOptions(jobs=1, base_url="https://docs.example.com/kb/"))
    doc = page(dest, "pt-br/artigo-a")
    assert alternates(doc)[0] == ("pt-BR", "https://docs.example.com/kb/pt-br/artigo-a/")
    robots = (dest / "robots.txt").read_text(encoding="utf-8")
    assert robots == (
        "User-agent: *\nDisallow: /kb/compare/\nDisallow: /kb/es-es/compare/\nDisallow: /kb/pt-br/compare/\n"
        "Disallow: /kb/ru-ru/compare/\nAllow: /kb/\nSitemap: https://docs.example.com/kb/sitemap.xml\n"
    )
    sub = tmp_path / "sub"
    site.render_site(sub, corpus, alignment, BuildOptions(jobs=1, base_url="/docs"))
    pages, problems = check_site(sub, "/docs/")
    assert problems == []
    assert len(pages) == 54  # with each locale's status page in each locale


@pytest.mark.parametrize("bad", ["docs/", "javascript:alert(1)", "/a b/", '/"x/'])
def test_a_bad_base_url_is_refused_naming_the_parameter(tmp_path: Path, built, bad: str) -> None:
    with pytest.raises(InvalidParameter, match="--base-url"):
        site.render_site(tmp_path / "s", built[1], built[2], BuildOptions(jobs=1, base_url=bad))


# --- rendering and writing ------------------------------------------------------------------------


def test_pages_are_data_and_rendering_is_pure_and_poolable(built) -> None:
    _, corpus, alignment = built
    data = sitedata.SiteData.gather(corpus, alignment, "/")
    pages = sitewide.collect_pages(data)
    info = views.SiteInfo("/", "/", site.asset_urls("/"), len(corpus.documents), len(data.locales))
    serial = dict(templates.render_pages(pages, info, jobs=1))
    pooled = dict(templates.render_pages(pickle.loads(pickle.dumps(pages)), info, jobs=2, min_pool=1))
    assert serial == pooled
    assert len(serial) == len(pages) == 56  # with each locale's status page in each locale


@pytest.mark.slow
def test_a_rebuild_writes_only_pages_whose_content_changed(tmp_path: Path, built) -> None:
    _, corpus, alignment = built
    dest = tmp_path / "site"
    site.render_site(dest, corpus, alignment, BuildOptions(jobs=1))
    before = {p: p.stat().st_mtime_ns for p in dest.rglob("*.html")}
    for p in before:
        os.utime(p, ns=(1, 1))
    docs = tuple(
        _retitle(d, "Artigo B (revisto)") if d.path == "pt-br/guide/b.md" else d for d in corpus.documents
    )
    new_corpus = Corpus(corpus.root, docs, corpus.navigation, corpus.problems)
    new_alignment = hand_alignment(new_corpus)
    site.render_site(dest, new_corpus, new_alignment, BuildOptions(jobs=1))
    rewritten = sorted(p.relative_to(dest).as_posix() for p in before if p.stat().st_mtime_ns != 1)
    # B's page, the pages whose links carry B's title, the homes listing B as not yet translated, its
    # hub; not the Portuguese home (its TOC names B as TOC.md does) nor anything else.
    assert rewritten == [
        "es-es/index.html",
        "es-es/topics/bbb/index.html",  # titled with B's title: the topic has no Spanish version
        # each locale's status list, in every interface, names B (the overviews count only: unchanged)
        "es-es/translation-status/es-es/index.html",
        "es-es/translation-status/pt-br/index.html",
        "es-es/translation-status/ru-ru/index.html",
        "pt-br/artigo-a-21vianet/index.html",
        "pt-br/artigo-a/index.html",
        "pt-br/artigo-b/index.html",
        "pt-br/topics/bbb/index.html",
        "pt-br/translation-status/es-es/index.html",
        "pt-br/translation-status/pt-br/index.html",
        "pt-br/translation-status/ru-ru/index.html",
        "ru-ru/index.html",
        "ru-ru/topics/bbb/index.html",
        "ru-ru/translation-status/es-es/index.html",
        "ru-ru/translation-status/pt-br/index.html",
        "ru-ru/translation-status/ru-ru/index.html",
    ]


def _retitle(doc: Document, title: str) -> Document:
    from dataclasses import replace

    return replace(doc, title=title)


def _placeholders(value: object) -> list[str]:
    if isinstance(value, dict):
        return sorted(p for v in value.values() for p in _placeholders(v))
    return sorted(re.findall(r"\{\w+\}", str(value)))


def test_interface_strings_exist_in_every_language() -> None:
    data = json.loads((sitedata.TEMPLATES / "strings.json").read_text(encoding="utf-8"))
    english = data["en"]
    languages = [key for key in data if key not in ("en", "locale_names")]
    assert {"pt", "ru", "es", "it"} <= set(languages)
    for lang in languages:
        assert set(data[lang]) == set(english), lang
        for key, value in english.items():
            if isinstance(value, dict):
                assert set(data[lang][key]) == set(value), (lang, key)
            assert _placeholders(data[lang][key]) == _placeholders(value), (lang, key)


def test_document_urls_come_from_kb_urls(built) -> None:
    _, _, alignment = built
    for topic in alignment.topics:
        for m in topic.members:
            assert (built[0] / urls.document_path(m.document.locale, m.slug) / "index.html").is_file()
