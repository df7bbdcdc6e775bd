"""The translators' checks on the site: the translation status page and the findings on compare pages,
rendered by kb.site.writer from a small corpus written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import write_files
from linkcheck import check_site

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.site import writer as site


def front(locale: str, assetid: str, handoff: str, source_hash: str, kind: str = "HT") -> str:
    return (
        f"---\ntitle: T {locale}\nms.contentlocale: {locale}\nms.assetid: {assetid}\n"
        f"ms.openlocfilehash: {source_hash}\nms.lasthandoff: {handoff}\nms.translationtype: {kind}\n---\n"
    )


FILES = {
    "pt-br/a.md": front("pt-BR", "AAA", "04/23/2019", "new")
    + "# Renovação\n\nVocê tem 30 dias para renovar a sua assinatura depois do aniversário.\n\n"
    "- Abra o painel de controle.\n- Selecione a assinatura.\n",
    "es-es/a.md": front("es-ES", "AAA", "04/23/2019", "new")
    + "# Renovación\n\nTienes 30 días para renovar tu suscripción después del aniversario.\n\n"
    "- Abre el panel de control.\n- Selecciona la suscripción.\n",
    # Russian: translated by a machine, with another number
    "ru-ru/a.md": front("ru-RU", "AAA", "03/05/2019", "new", "MT")
    + "# Продление\n\nУ вас есть 60 дней, чтобы продлить подписку после годовщины.\n\n"
    "- Откройте панель управления.\n- Выберите подписку.\n",
    # Italian: translated from an older source (so only stale: its content is not compared)
    "it-it/a.md": front("it-IT", "AAA", "03/05/2019", "old")
    + "# Rinnovo\n\nHai 45 giorni per rinnovare l'abbonamento dopo l'anniversario.\n\n"
    "- Apri il pannello di controllo.\n- Seleziona l'abbonamento.\n",
    # an article only in Portuguese
    "pt-br/b.md": front("pt-BR", "BBB", "04/23/2019", "b") + "# Somente em português\n\nTexto do artigo.\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content")
    write_files(root, FILES)
    corpus = ingest(root)
    assert corpus.problems == ()
    dest = tmp_path_factory.mktemp("out") / "site"
    site.render_site(dest, corpus, align(corpus.documents), BuildOptions(jobs=1, base_url="/"))
    return dest


def page(dest: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((dest / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def title_of(dest: Path, href: str) -> tuple[str, str]:
    """(lang, title) of the site page at ``href``."""
    doc = page(dest, href.strip("/"))
    return doc.html["lang"], doc.title.get_text()


def table(doc: BeautifulSoup, cls: str) -> Tag:
    found = doc.find("table", class_=cls)
    assert isinstance(found, Tag)
    return found


def test_status_summary_counts_each_locale(built):
    doc = page(built, "pt-br/translation-status")
    assert doc.html["lang"] == "pt-BR" and doc.find("h1").get_text() == "Status da tradução"
    ru = page(built, "ru-ru/translation-status")  # every locale has it, in its language
    assert ru.html["lang"] == "ru-RU" and ru.find("h1").get_text() != doc.find("h1").get_text()
    rows = table(doc, "status-summary").find("tbody").find_all("tr")
    got = {tr["data-locale"]: [td.get_text() for td in tr.find_all("td")] for tr in rows}
    # documents, topics missing, stale, machine-translated, error findings
    assert got == {
        "es-ES": ["1", "1", "0", "0", "0"],
        "it-IT": ["1", "1", "1", "0", "0"],
        "pt-BR": ["2", "0", "0", "0", "0"],
        "ru-RU": ["1", "1", "0", "1", "1"],
    }
    # each language links its own status page
    links = [a["href"] for a in table(doc, "status-summary").find_all("a")]
    assert links == [f"/pt-br/translation-status/{loc}/" for loc in ("es-es", "it-it", "pt-br", "ru-ru")]


def rows(doc: BeautifulSoup) -> dict[str, Tag]:
    """Topic title → its row on a locale's status page."""
    return {tr.find("th").get_text(strip=True): tr for tr in table(doc, "status-locale").find("tbody").find_all("tr")}


def test_each_locale_has_a_status_page_with_filters_and_sortable_columns(built):
    ru = page(built, "pt-br/translation-status/ru-ru")
    assert ru.html["lang"] == "pt-BR" and ru.find("h1").get_text() == "Status da tradução: Русский"
    heads = [th.get_text() for th in table(ru, "status-locale").find("thead").find_all("th")]
    assert heads == ["Tópico", "Edição", "Estado", "erro", "aviso", "informação", "Tipo"]  # in the page's language
    assert all(th["data-sort"] in ("text", "number") for th in table(ru, "status-locale").find_all("th", scope="col"))
    form = ru.find("form", class_="status-filters")
    assert form["data-table"] == "status-locale" and form.has_attr("hidden")  # shown by status.js
    assert [s["name"] for s in form.find_all("select")] == ["locale", "kind", "severity"]
    kinds = [o["value"] for o in form.find("select", attrs={"name": "kind"}).find_all("option")]
    assert kinds == ["", "machine_translated", "missing_translation", "number_mismatch"]
    # the script is an asset (the CSP allows no inline script)
    scripts = ru.find_all("script")
    assert [s.get("src", "").split("?")[0] for s in scripts] == ["/assets/docfx.js", "/assets/status.js"]
    assert not any(s.string for s in scripts)
    assert (built / "assets" / "status.js").is_file()


def test_a_locale_page_shows_present_missing_stale_mt_and_findings(built):
    ru = rows(page(built, "ru-ru/translation-status/ru-ru"))  # topics titled in the page's language
    a = ru["T ru-RU"]
    assert (a["data-kinds"], a["data-error"], a["data-warning"], a["data-info"]) == (
        "machine_translated number_mismatch",
        "1",
        "0",
        "1",
    )
    assert [b.get_text() for b in a.find_all(class_="badge")] == ["MT"]
    assert a.find("a", href="/ru-ru/compare/aaa/es-es..ru-ru/").get_text() == "1"
    assert title_of(built, a.find("th").find("a")["href"]) == ("ru-RU", "T ru-RU")
    b = ru["T pt-BR"]
    assert "missing-row" in b["class"] and b["data-kinds"] == "missing_translation"
    it = rows(page(built, "it-it/translation-status/it-it"))["T it-IT"]
    assert [x.get_text() for x in it.find_all(class_="badge")] == ["obsoleto"]
    assert it["data-kinds"] == "stale"


def test_compare_page_lists_the_findings_of_its_two_documents(built):
    doc = page(built, "pt-br/compare/aaa/es-es..ru-ru")
    section = doc.find("section", class_="findings")
    assert section.find("h2").get_text() == "Verificações de tradução"
    items = {li["data-kind"]: li for li in section.find_all("li", class_="finding")}
    assert set(items) == {"machine_translated", "number_mismatch"}
    # grouped by kind, collapsed, with counts; errors first
    groups = [(d["data-kind"], d.find(class_="finding-count").get_text()) for d in section.find_all("details")]
    assert groups == [("number_mismatch", "1"), ("machine_translated", "1")]
    assert not any(d.has_attr("open") for d in section.find_all("details"))
    number = items["number_mismatch"]
    assert "finding-error" in number["class"]
    assert (number["data-path"], number["data-segment"]) == ("ru-ru/a.md", "p[0]")
    message = number.find(class_="finding-message").get_text()
    assert "60" in message and "30" in message and "es-ES" in message
    assert "linha 11" in number.get_text()
    assert "3.5" not in section.get_text()
    # the status page is one click away
    assert section.find("a", href="/pt-br/translation-status/")


def test_compare_page_without_findings_says_so(built):
    section = page(built, "pt-br/compare/aaa/es-es..pt-br").find("section", class_="findings")
    assert section.find_all("li") == []
    assert "não relatam nada" in section.get_text()


def test_home_links_the_status_page_and_every_status_link_resolves(built):
    home = page(built, "")
    assert home.find("a", href="/pt-br/translation-status/")  # in the site's main locale
    pages, problems = check_site(built, "/")
    assert problems == []
    assert {"/pt-br/translation-status/", "/ru-ru/translation-status/", "/translation-status/",
            "/pt-br/translation-status/ru-ru/", "/ru-ru/translation-status/pt-br/"} <= set(pages)
