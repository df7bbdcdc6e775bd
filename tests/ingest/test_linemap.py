"""kb.ingest.linemap: the file line of every line of a body whose includes and code files were taken in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import write_files

from kb.align.topics import align
from kb.ingest.linemap import Origins
from kb.ingest.reader import ingest
from kb.quality.checks import check_corpus

DIRECTIVE = re.compile(r"\[!X\]")

CASES = [
    # (body, what each directive becomes, the file line of each line of the result; the body starts at line 10)
    ("a\nb", "1\n2", [10, 11]),
    ("a\n[!X]\nb", "1\n2\n3", [10, 11, 11, 11, 12]),
    ("a [!X] b [!X] c\nd", "1\n2", [10, 10, 10, 11]),  # two on one line
    ("[!X]\n[!X]", "1\n2", [10, 10, 11, 11]),
    ("a\n[!X]\nb", "", [10, 11, 12]),  # the same number of lines: nothing to map
]


@pytest.mark.parametrize(("body", "brought", "lines"), CASES)
def test_each_line_is_named_by_the_file_line_it_comes_from(body: str, brought: str, lines: list[int]) -> None:
    origins = Origins(10)
    edits = origins.step(body)
    out = DIRECTIVE.sub(lambda m: edits.record(m, brought), body)
    assert [origins.line(n) for n in range(out.count("\n") + 1)] == lines


def test_two_steps_compose_and_the_runs_a_document_keeps_agree() -> None:
    from kb.model import EMPTY_TEXT, Document, LocaleSource, Translation

    body = "a\n[!X]\nb\n[!Y]\nc"
    origins = Origins(5)
    first = origins.step(body)
    body = DIRECTIVE.sub(lambda m: first.record(m, "x1\nx2\n[!Y]"), body)  # an include that holds code
    second = origins.step(body)
    body = re.sub(r"\[!Y\]", lambda m: second.record(m, "```\ny\n```"), body)
    expected = [5, 6, 6, 6, 6, 6, 7, 8, 8, 8, 9]
    assert [origins.line(n) for n in range(body.count("\n") + 1)] == expected
    runs = origins.body_lines(body)
    doc = Document(path="a.md", locale="pt-BR", locale_source=LocaleSource.PATH, locale_confidence=1.0, title="a",
                   description="", assetid=None, editions=("global",), applies_to=(), translation=Translation(),
                   packed=EMPTY_TEXT, body_line=5, content_hash="", body_lines=runs)
    assert [doc.file_line(n) for n in range(len(expected))] == expected


FRONT = "---\ntitle: Pagamentos\n---\n"  # the body's first line is line 4
INCLUDE = "> [!IMPORTANT]\n> Texto incluído, em duas linhas.\n"


def test_segments_and_findings_after_a_multi_line_include_name_their_own_line(tmp_path: Path) -> None:
    # Dynamics 365's articles open with a two-line banner include: every line after it was named one too far.
    body = ("# Pagamentos\n\n[!INCLUDE [banner](../includes/banner.md)]\n\nPrimeiro parágrafo.\n\n"
            "[!code-csharp[X](../snippets/app.cs#L1-L2)]\n\nSegundo parágrafo.\n\n"
            "Veja @No__t-0 aqui.\n")
    root = write_files(tmp_path, {"pt-br/guide/a.md": FRONT + body, "pt-br/includes/banner.md": INCLUDE,
                                  "pt-br/snippets/app.cs": "int a = 1;\nint b = 2;\n"})
    corpus = ingest(root, jobs=1)
    (doc,) = corpus.documents
    lines = {s.text[:8]: s.line for s in doc.segments}
    assert lines == {"Pagament": 4, "Texto in": 6, "Primeiro": 8, "int a = ": 10, "Segundo ": 12, "Veja @No": 14}
    found = [(f.kind, f.line) for f in check_corpus(corpus, align(corpus.documents)) if f.path == doc.path]
    assert ("malformed_markup", 14) in found
