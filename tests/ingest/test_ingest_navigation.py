"""kb.ingest.navigation: DocFX navigation files (``TOC.md`` headings, ``toc.yml`` items) as trees."""

from __future__ import annotations

import pytest
import yaml

from kb.ingest.navigation import is_navigation, parse_navigation, parse_toc_md, parse_toc_yml
from kb.model import NavNode

TOC_MD = """# [Visão geral](overview.md)
## Cobrança
### [Faturas](invoice.md "Faturas e extratos")
### [Preços](pricing.md) (novo)
## [Suporte](support/index.md)
# Arquivo
"""

TOC_YML = """items:
- name: Visão geral
  href: overview.md
  items:
  - name: Faturas
    topicHref: invoice.md
  - name: Rótulo
- not an item
- name: Referência
  tocHref: ref/toc.yml
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [("pt-br/TOC.md", True), ("toc.yml", True), ("a/Toc.YAML", True), ("toc.md.bak", False),
     ("pt-br/aspnetcore/breadcrumb/toc.yml", False), ("breadcrumb/toc.yml", False), ("breadcrumbs/toc.yml", True)],
)
def test_navigation_files_are_known_by_name(path: str, expected: bool) -> None:
    assert is_navigation(path) is expected


def test_toc_md_nests_headings_and_keeps_link_titles() -> None:
    assert parse_toc_md(TOC_MD) == (
        NavNode("Visão geral", "overview.md", (
            NavNode("Cobrança", None, (
                NavNode("Faturas", "invoice.md"),
                NavNode("Preços (novo)", "pricing.md"),
            )),
            NavNode("Suporte", "support/index.md"),
        )),
        NavNode("Arquivo", None),
    )


def test_toc_yml_reads_items_with_every_kind_of_href_and_skips_what_is_not_an_item() -> None:
    assert parse_toc_yml(TOC_YML) == (
        NavNode("Visão geral", "overview.md", (NavNode("Faturas", "invoice.md"), NavNode("Rótulo", None))),
        NavNode("Referência", "ref/toc.yml"),
    )
    assert parse_toc_yml("") == ()
    # an article named by its uid (ASP.NET Core's trees), which the site resolves as an xref
    assert parse_toc_yml("- name: A\n  uid: sec/a\n- name: B\n  topicUid: ' sec/b '\n- name: C\n  uid: 3\n") == (
        NavNode("A", "xref:sec/a"), NavNode("B", "xref:sec/b"), NavNode("C", None))


def test_a_navigation_file_knows_its_locale_from_its_folder() -> None:
    nav = parse_navigation("ru-ru/TOC.md", "# [Обзор](overview.md)\n")
    assert (nav.path, nav.locale, nav.items) == ("ru-ru/TOC.md", "ru-RU", (NavNode("Обзор", "overview.md"),))


def test_malformed_yaml_raises_for_ingest_to_report() -> None:
    with pytest.raises(yaml.YAMLError):
        parse_navigation("toc.yml", "items: [unclosed")


def test_a_folder_with_both_tocs_is_navigated_by_its_yaml_one(tmp_path) -> None:
    # Microsoft 365's admin folder keeps an old TOC.md beside the TOC.yml Learn builds: both were
    # shown, one after the other, on every locale home.
    from kb.ingest.reader import ingest

    files = {"pt-br/admin/TOC.md": "# [Antigo](a.md)\n", "pt-br/admin/TOC.yml": "- name: Novo\n  href: a.md\n",
             "pt-br/other/TOC.md": "# [Outro](../admin/a.md)\n",
             "pt-br/admin/a.md": "---\ntitle: A\n---\n# A\n\nTexto.\n"}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    corpus = ingest(tmp_path, jobs=1)
    assert [(n.path, n.items[0].title) for n in corpus.navigation] == [
        ("pt-br/admin/TOC.yml", "Novo"), ("pt-br/other/TOC.md", "Outro")]
    assert corpus.problems == ()


def test_an_experience_league_toc_md_nests_its_list_under_its_heading() -> None:
    # Adobe's TOC.md: front matter, one heading, a bulleted tree indented by two, three or four spaces.
    text = (
        "---\nuser-guide-title: Ajuda\n---\n\n# Controle de acesso {#access-control}\n\n"
        "* [Visão geral](home.md)\n* Interface {#ui}\n   * [Perfis](ui/overview.md)\n"
        "      + [Criar](ui/create.md)\n   * [Retirado](ui/old.md) {hide-from-toc}\n      * [Dentro](ui/in.md)\n"
        "* [Referência](https://example.com/api)\n"
    )
    assert parse_toc_md(text) == (
        NavNode("Controle de acesso", None, (
            NavNode("Visão geral", "home.md"),
            NavNode("Interface", None, (NavNode("Perfis", "ui/overview.md", (NavNode("Criar", "ui/create.md"),)),)),
            NavNode("Referência", "https://example.com/api"),
        )),
    )


def test_a_toc_md_entrys_title_is_what_a_reader_sees() -> None:
    # Adobe's TOCs name products with [!DNL …] and their Italian writes apostrophes as &#39;: the navigation
    # tree and the breadcrumbs showed "Guia do [!DNL Adobe Commerce B2B]" and "dell&#39;elenco".
    text = ("# Guia do [!DNL Adobe Commerce B2B] {#b2b}\n\n+ [Guia do [!DNL Adobe Commerce B2B]](guide.md)\n"
            "+ [Numero massimo dell&#39;elenco](max.md)\n"
            "+ [[!UICONTROL My Purchase Orders] &amp; &lt;mais&gt;](s.md)\n")
    assert parse_toc_md(text) == (
        NavNode("Guia do Adobe Commerce B2B", None, (
            NavNode("Guia do Adobe Commerce B2B", "guide.md"),
            NavNode("Numero massimo dell'elenco", "max.md"),
            NavNode("My Purchase Orders & <mais>", "s.md"),
        )),
    )


BLANKS = " " * 200_000


@pytest.mark.parametrize(("line", "title"), [
    ("# a" + BLANKS + "b", "a" + BLANKS + "b"),  # each split of the blanks was tried: 5,000 of them took 100 s
    ("- a" + BLANKS + "b", "a" + BLANKS + "b"),
    ("* a" + BLANKS + "{#", "a" + BLANKS + "{#"),
])
def test_a_toc_line_of_many_blanks_is_read_in_one_pass(line: str, title: str) -> None:
    assert parse_toc_md(line) == (NavNode(title, None),)


@pytest.mark.parametrize(("heading", "title"), [
    ("## Cobrança ##", "Cobrança"), ("# C#", "C#"), ("### Sobre o C# ", "Sobre o C#"), ("# #", ""),
    ("## [Contas](a.md) #", "Contas"),
])
def test_a_toc_headings_closing_marks_are_not_its_text(heading: str, title: str) -> None:
    assert parse_toc_md(heading)[0].title == title
