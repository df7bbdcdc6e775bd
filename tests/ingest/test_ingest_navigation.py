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
    ("path", "expected"), [("pt-br/TOC.md", True), ("toc.yml", True), ("a/Toc.YAML", True), ("toc.md.bak", False)]
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


def test_a_navigation_file_knows_its_locale_from_its_folder() -> None:
    nav = parse_navigation("ru-ru/TOC.md", "# [Обзор](overview.md)\n")
    assert (nav.path, nav.locale, nav.items) == ("ru-ru/TOC.md", "ru-RU", (NavNode("Обзор", "overview.md"),))


def test_malformed_yaml_raises_for_ingest_to_report() -> None:
    with pytest.raises(yaml.YAMLError):
        parse_navigation("toc.yml", "items: [unclosed")
