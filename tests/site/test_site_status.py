"""The translators' checks on the site: the translation status page and the findings on compare pages,
rendered by kb.site.writer from a small corpus written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
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
    # Russian: translated from an older source, by a machine, and with another number
    "ru-ru/a.md": front("ru-RU", "AAA", "03/05/2019", "old", "MT")
    + "# Продление\n\nУ вас есть 60 дней, чтобы продлить подписку после годовщины.\n\n"
    "- Откройте панель управления.\n- Выберите подписку.\n",
    # an article only in Portuguese
    "pt-br/b.md": front("pt-BR", "BBB", "04/23/2019", "b") + "# Somente em português\n\nTexto do artigo.\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
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
        "pt-BR": ["2", "0", "0", "0", "0"],
        "ru-RU": ["1", "1", "1", "1", "1"],
    }


def cells(doc: BeautifulSoup, topic_title: str) -> dict[str, Tag]:
    for tr in table(doc, "status").find("tbody").find_all("tr"):
        if tr.find("th").get_text(strip=True) == topic_title:
            return {td["data-locale"]: td for td in tr.find_all("td")}
    raise AssertionError(f"no row for {topic_title}")


def all_cells(doc: BeautifulSoup) -> list[tuple[str, dict[str, Tag]]]:
    return [
        (tr.find("th").get_text(strip=True), {td["data-locale"]: td for td in tr.find_all("td")})
        for tr in table(doc, "status").find("tbody").find_all("tr")
    ]


def test_status_table_shows_present_missing_stale_mt_and_findings(built):
    doc = page(built, "pt-br/translation-status")
    heads = [th.get_text() for th in table(doc, "status").find("thead").find_all("th")]
    assert heads == ["Tópico", "Español", "Português (Brasil)", "Русский"]
    rows = all_cells(doc)  # each topic under its title in the page's language: both are "T pt-BR"
    assert [title for title, _ in rows] == ["T pt-BR", "T pt-BR"]
    a, b = sorted((c for _, c in rows), key=lambda c: "missing-cell" in c["ru-RU"].get("class", []))
    ru = a["ru-RU"]
    assert [b.get_text() for b in ru.find_all(class_="badge")] == ["desatualizado", "MT"]
    findings = ru.find("a", class_="status-findings")
    assert findings.get_text() == "1 erros, 1 avisos"
    assert findings["href"] == "/pt-br/compare/aaa/es-es..ru-ru/"
    assert title_of(built, ru.find("a")["href"]) == ("ru-RU", "T ru-RU")
    assert a["es-ES"].find(class_="badge") is None
    assert {
        loc: td.get_text(strip=True) for loc, td in b.items() if "missing-cell" in td.get("class", [])
    } == {
        "es-ES": "ausente",
        "ru-RU": "ausente",
    }
    assert title_of(built, b["pt-BR"].find("a")["href"]) == ("pt-BR", "T pt-BR")


def test_compare_page_lists_the_findings_of_its_two_documents(built):
    doc = page(built, "pt-br/compare/aaa/es-es..ru-ru")
    section = doc.find("section", class_="findings")
    assert section.find("h2").get_text() == "Verificações de tradução"
    items = {li["data-kind"]: li for li in section.find_all("li", class_="finding")}
    assert set(items) == {"stale", "machine_translated", "number_mismatch"}
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
    assert {"/pt-br/translation-status/", "/ru-ru/translation-status/", "/translation-status/"} <= set(pages)
