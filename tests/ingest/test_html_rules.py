"""kb.ingest.html_rules: the site's rules for links and raw HTML, and what both rendering paths do to the tokens.

Whole bodies rendered with these rules: tests/ingest/test_render.py; filled into skeletons:
tests/ingest/test_render_skeleton.py.
"""

from __future__ import annotations

import pytest

from kb.ingest import markdown
from kb.ingest.html_rules import (
    BodyText,
    LinkStatus,
    LinkTarget,
    RenderState,
    heading_ids,
    headings_of,
    join_html_lists,
    leading_h1,
    rule_html_inline,
    rule_link_close,
    rule_link_open,
    target_of,
)

PAGE = LinkTarget(LinkStatus.PAGE, "/pt-br/a/", "A")


@pytest.mark.parametrize(
    ("href", "status"),
    [
        ("a.md", LinkStatus.PAGE),
        ("#fragmento", LinkStatus.ANCHOR),
        ("https://example.com/x", LinkStatus.EXTERNAL),
        ("mailto:a@example.com", LinkStatus.EXTERNAL),
        ("javascript:alert(1)", LinkStatus.MISSING),
        ("b.md", LinkStatus.MISSING),
    ],
)
def test_an_href_the_site_did_not_decide_on_is_a_fragment_external_or_missing(href: str, status: LinkStatus) -> None:
    assert target_of(href, {"a.md": PAGE}).status is status


def test_a_link_closes_with_what_its_opening_needs() -> None:
    st = RenderState({"a.md": PAGE}, {}, BodyText(missing_link="não está aqui"))
    assert rule_link_open(st, "a.md") == '<a href="/pt-br/a/" title="A">'
    assert rule_link_open(st, "b.md") == '<span class="link-missing" title="b.md">'
    assert rule_link_close(st) == '<span class="visually-hidden"> (não está aqui)</span></span>'
    assert rule_link_close(st) == "</a>"
    assert rule_link_close(st) == "</a>"  # (an unbalanced close)


def test_an_html_anchor_becomes_an_id_once() -> None:
    st = RenderState({}, {}, BodyText(), ids={"titulo"})
    assert rule_html_inline('<a name="x">', st) == '<span id="x"></span>'
    assert rule_html_inline('<a name="x">', st) == ""  # the id is taken
    assert rule_html_inline('<a name="titulo">', st) == ""  # a heading has it


def test_an_html_list_cut_by_blank_lines_is_joined() -> None:
    tokens = join_html_lists(markdown.parse("<ol>\n\n<li>um</li>\n\n</ol>\n\nTexto.\n"))
    assert [t.type for t in tokens][:1] == ["html_block"]
    assert tokens[0].content.count("<li>") == 1 and "</ol>" in tokens[0].content


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Título\n\nTexto.\n", 0),
        ('<div id="top"></div>\n\n# Título\n', 1),  # (HTML without text before it)
        ("Texto.\n\n# Título\n", None),
        ("## Seção\n", None),
    ],
)
def test_the_leading_h1(body: str, expected: int | None) -> None:
    assert leading_h1(markdown.parse(body)) == expected


def test_headings_keep_their_ids_and_text() -> None:
    tokens = markdown.parse("# Título\n\n## Seção `código`\n")
    found = headings_of(tokens)
    assert [(h.level, h.text) for h in found] == [(1, "Título"), (2, "Seção código")]
    assert heading_ids(tokens) == tuple(h.id for h in found if h.id)
