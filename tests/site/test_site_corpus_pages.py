"""The dev corpus built whole (``kb build``): every page speaks a locale of the site, no date is shown as
written in the source, the pt-BR home opens with the main Partner Center TOC, and an article links its
docset's tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

SITE_LOCALES = {"es-ES", "it-IT", "pt-BR", "ru-RU"}
RAW_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}(?:\d{2})?\b")
HTML_LANG = re.compile(r'<html lang="([^"]*)"')


@pytest.fixture(scope="module")
def site(dev_build: Path) -> Path:
    return dev_build / "site"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_no_page_but_the_root_has_a_lang_outside_the_sites_locales(site: Path) -> None:
    outside = {}
    for file in site.rglob("*.html"):
        rel = file.relative_to(site).as_posix()
        lang = HTML_LANG.search(file.read_text(encoding="utf-8")[:200])
        if rel != "index.html" and (lang is None or lang.group(1) not in SITE_LOCALES):
            outside[rel] = lang.group(1) if lang else None
    assert outside == {}
    for kind in ("topics", "compare", "translation-status", "search", "toc"):  # each kind, in every locale
        found = {p.relative_to(site).parts[0] for p in site.glob(f"*/{kind}")}
        assert found == {loc.lower() for loc in SITE_LOCALES}, kind


def test_no_date_is_shown_as_written_in_the_source(site: Path) -> None:
    """Dates kb shows (article meta, provenance, topic hubs) are ISO in ``datetime`` and the locale's
    format in text; what the articles themselves write (bodies, compared segments, findings quoting
    them) is the authors' and left as it is."""
    raw = {}
    times = 0
    for file in site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        if "/" not in text or not RAW_DATE.search(text):
            continue
        doc = BeautifulSoup(text, "html.parser")
        for content in doc.select(".doc-body, table.compare, .findings-list"):
            content.decompose()
        found = RAW_DATE.findall(doc.get_text(" "))
        if found:
            raw[file.relative_to(site).as_posix()] = found[:3]
    for file in [site / "pt-br/add-a-new-customer/index.html", site / "ru-ru/add-a-new-customer/index.html"]:
        for time in soup(site, file.relative_to(site).as_posix()).find_all("time"):
            times += 1
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", time["datetime"]), time
            assert not RAW_DATE.search(time.get_text()) and time.get_text() != time["datetime"]
    assert raw == {}
    assert times >= 2
    pt = soup(site, "pt-br/add-a-new-customer/index.html").find("time").get_text()
    assert re.fullmatch(r"\d{1,2} de [a-z]{3}\. de \d{4}", pt)  # "5 de mar. de 2019"


def test_the_pt_br_home_opens_with_the_main_partner_center_toc(site: Path) -> None:
    home = soup(site, "pt-br/index.html")
    sections = home.select("main nav.toc")
    first, second = sections[0], sections[1]
    toc = Path(__file__).resolve().parents[2].parent / "shared/corpus/partner-center-2019/pt-br/partner-center/TOC.md"
    titles = re.findall(r"^#+ \[([^\]]+)\]", toc.read_text(encoding="utf-8"), re.M)
    # the main TOC: its first entry names the section, its other entries follow in its order
    assert first.find("h2").get_text(strip=True) == titles[0] == "Sobre o Microsoft Partner Center"
    links = [a.get_text(strip=True) for a in first.select("ul a")]
    assert links[:3] == titles[1:4]
    assert len(links) > 100
    # then the 21Vianet edition, under its own name
    assert second.find("h2").get_text(strip=True) == "Partner Center operado pela 21Vianet"


def test_an_article_links_its_toc_tree(site: Path) -> None:
    page = soup(site, "pt-br/add-a-new-customer/index.html")
    nav = page.find("nav", class_="doc-nav")
    me = nav.find("a", attrs={"aria-current": "page"})
    assert me["href"] == "/pt-br/add-a-new-customer/"
    assert all("open" in li["class"] for li in me.find_parents("li"))  # its branch is open
    tree = nav.find("p", class_="doc-nav-all").find("a")["href"]
    assert tree == "/pt-br/toc/partner-center/"
    whole = soup(site, "pt-br/toc/partner-center/index.html")
    assert whole.find("a", href="/pt-br/add-a-new-customer/") is not None
    assert page.select(".prev-next a[rel=prev]") and page.select(".prev-next a[rel=next]")
    # the page carries its branch, not the whole tree of hundreds of entries
    assert len(nav.find_all("a")) < len(whole.select("nav.toc-full a")) / 4
    assert page.find("nav", class_="breadcrumbs").find_all("li")[2].get_text(strip=True) != "Add a new customer"
    # the page's own crumb is its TOC entry, not its title with the docset's name ("… | Partner Center")
    current = page.select_one(".breadcrumbs [aria-current=page]").get_text(strip=True)
    assert (current, page.title.get_text()) == (me.get_text(strip=True), "Adicionar um novo cliente | Partner Center")
    assert current == "Adicione um novo cliente"
