"""Front matter quirks of real localized DocFX content."""

from __future__ import annotations

import pytest

from kb.ingest import frontmatter
from kb.ingest.reader import parse_document


def test_entities_prefixes_quoted_numbers_and_dates():
    text = (
        "---\ntitle: 'L&quot;opzione &amp; altro'\ntranslationtype: MT\nms.locfileid: \"62132326\"\n"
        "ms.date: 10/29/2018\nms.lasthandoff: 2019-04-23\nMS.Topic: article\n---\n# Corpo\n"
    )
    doc, problems = parse_document("it-it/a.md", text.encode())
    assert problems == []
    assert doc.title == 'L"opzione & altro'
    assert (doc.translation.type, doc.translation.locfileid) == ("MT", "62132326")
    assert (doc.translation.date, doc.translation.handoff) == ("2018-10-29", "2019-04-23")
    assert frontmatter.get(doc.front_matter, "topic") == "article"
    assert doc.locale == "it-IT" and doc.locale_source.value == "path"


def test_bom_crlf_and_nbsp_lines():
    text = "\ufeff---\r\ntitle: Título\r\nms.contentlocale: es-es\r\n---\r\nUno\r\n\u00a0\u00a0\r\nDos\r\n"
    doc, problems = parse_document("a.md", text.encode("utf-8"))
    assert problems == []
    assert (doc.title, doc.locale) == ("Título", "es-ES")
    assert [s.text for s in doc.segments] == ["Uno", "Dos"]
    assert [s.line for s in doc.segments] == [5, 7]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("10/29/2018", "2018-10-29"),
        ("2019-04-23", "2019-04-23"),
        ("3/5/19", "2019-03-05"),  # en-US, month first: 5 March (a Brazilian reader would say 3 May)
        ("12/31/99", "1999-12-31"),
        ("2019-04-23T10:00:00", "2019-04-23"),
        ("13/45/2018", None),
        ("soon", None),
        (None, None),
    ],
)
def test_iso_date(value, iso):
    assert frontmatter.iso_date(value) == iso


def test_an_unreadable_date_is_a_problem_naming_the_file_and_line():
    text = "---\ntitle: T\nms.date: 31/31/2019\nms.lasthandoff: 3/5/19\n---\nUm texto.\n"
    doc, problems = parse_document("pt-br/a.md", text.encode("utf-8"))
    assert (doc.translation.date, doc.translation.handoff) == (None, "2019-03-05")
    assert [(p.path, p.line) for p in problems] == [("pt-br/a.md", 3)]
    assert "ms.date '31/31/2019' is not a date" in problems[0].message
