"""kb.ingest.snippets: code taken from files (``:::code``, ``[!code-…]``) becomes code blocks, read as
includes are; what cannot be taken is a problem at the document's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_files

from kb.ingest.reader import ingest
from kb.model import SegmentKind

APP_CS = """using System;

namespace Demo
{
    // <setup>
    var client = new Client();
    // <inner>
    client.Open();
    // </inner>
    // </setup>
    #region teardown
    client.Close();
    #endregion
}
"""
CFG_XML = ("<configuration>\n  <!-- <cfg> -->\n  <appSettings>\n    <add key=\"a\" value=\"1\" />\n  </appSettings>\n"
           "  <!-- </cfg> -->\n</configuration>\n")
FRONT = "---\ntitle: Código\nms.contentlocale: pt-BR\n---\n"  # (four lines: the body's first is line 5)


def code_of(tmp_path: Path, body: str, extra: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """The code segments of a document with ``body`` (their text, as the model keeps it: whitespace
    runs as one space), and its problems as ``line: message``."""
    files = {"pt-br/docfx.json": "{}", "pt-br/snippets/app.cs": APP_CS, "pt-br/snippets/cfg.xml": CFG_XML,
             "pt-br/guide/a.md": FRONT + body, **(extra or {})}
    corpus = ingest(write_files(tmp_path, files), jobs=1)
    doc = next(d for d in corpus.documents if d.path == "pt-br/guide/a.md")
    codes = [s.text for s in doc.segments if s.kind is SegmentKind.CODE]
    assert all(":::" not in s.text and "[!code" not in s.text for s in doc.segments)
    return codes, [f"{p.line}: {p.message}" for p in corpus.problems if p.path == "pt-br/guide/a.md"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (':::code language="csharp" source="../snippets/app.cs" range="3-4":::\n', "namespace Demo {"),
        (':::code language="csharp" source="~/snippets/app.cs" id="setup":::\n',
         "var client = new Client(); client.Open();"),  # ~ is the docset's root; inner markers left out
        ("[!code-csharp[Setup](../snippets/app.cs#L6-L6)]\n", "var client = new Client();"),
        ("[!code-csharp[Setup](../snippets/app.cs#inner)]\n", "client.Open();"),
        ("[!code-csharp[Teardown](../snippets/app.cs?name=teardown)]\n", "client.Close();"),
        ("[!code-xml[Config](../snippets/cfg.xml?range=1,7)]\n", "<configuration> </configuration>"),
        # blanks where DocFX's parser skips them (NuGet's "[!code-JSON [service-index.json](./_data/…)]")
        ("[!code-CSharp [Setup](../snippets/app.cs#L6-L6)]\n", "var client = new Client();"),
        ('[!code-csharp[Setup] ( ../snippets/app.cs#L6-L6 "Setup" ) ]\n', "var client = new Client();"),
        (':::code language="xml" source="../snippets/cfg.xml" id="cfg":::\n',  # XML tags kept, markers not
         '<appSettings> <add key="a" value="1" /> </appSettings>'),
    ],
)
def test_code_from_a_file_is_a_code_block(tmp_path: Path, body: str, code: str) -> None:
    assert code_of(tmp_path, "Texto.\n\n" + body) == ([code], [])


def test_code_in_a_list_item_stays_in_the_item_and_is_highlighted(tmp_path: Path) -> None:
    from kb.ingest.html_rules import BodyText
    from kb.ingest.render import render_body

    body = '1. Abra:\n\n   :::code language="csharp" source="../snippets/app.cs" range="8":::\n2. Feche.\n'
    files = {"pt-br/snippets/app.cs": APP_CS, "pt-br/guide/a.md": FRONT + body}
    doc = ingest(write_files(tmp_path, files), jobs=1).documents[0]
    assert [(s.kind.value, s.path, s.text) for s in doc.segments] == [
        ("list_item", "list[0]/item[0]", "Abra:"), ("code", "list[0]/item[0]/code[0]", "client.Open();"),
        ("list_item", "list[0]/item[1]", "Feche.")]
    html = render_body(doc.body, {}, {}, BodyText()).html
    assert '<span class="n">client</span><span class="p">.</span><span class="n">Open</span>' in html


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (':::code language="csharp" source="../snippets/none.cs":::\n',
         "code '../snippets/none.cs' not shown: file not found"),
        ('[!code-csharp[X](../../../../etc/passwd)]\n',
         "code '../../../../etc/passwd' not shown: it is outside the content root; not read"),
        ('[!code-csharp[X](../snippets/app.cs#nowhere)]\n',
         "code '../snippets/app.cs' not shown: the region 'nowhere' is not in the file"),
        (':::code language="csharp" source="../snippets/app.cs" range="40-50":::\n',
         "code '../snippets/app.cs' not shown: the file has no lines 40-50 (it has 14)"),
    ],
)
def test_code_that_cannot_be_taken_is_a_problem_at_its_line(tmp_path: Path, body: str, problem: str) -> None:
    assert code_of(tmp_path, "Texto.\n\n" + body) == ([], [f"7: {problem}"])


@pytest.mark.parametrize(
    ("text", "cached"),
    [(b'::: code language="csharp" source="a.cs":::', False), (b"[!code-csharp[X](a.cs#L1-L2)]", False),
     (b"[!INCLUDE[x](a.md)]", False), (b"Plain text about code, and a [link](a.md).", True)],
)
def test_a_document_taking_code_from_files_is_parsed_again_each_build(text: bytes, cached: bool) -> None:
    # (its parse depends on the files it takes code from, which the parse cache does not watch)
    from kb.ingest import snippets
    from kb.ingest.cache import cacheable

    assert cacheable(text) is cached
    assert (snippets.MARKERS.search(text) is None) is (cached or b"INCLUDE" in text)


def test_code_through_a_link_leading_outside_the_content_root_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.cs").write_text("var password = \"hunter2\";\n", encoding="utf-8")
    content = tmp_path / "content"
    (content / "pt-br" / "snippets").mkdir(parents=True)
    (content / "pt-br" / "snippets" / "leak.cs").symlink_to(tmp_path / "outside" / "secret.cs")
    found, problems = code_of(content, 'Texto.\n\n:::code language="csharp" source="../snippets/leak.cs":::\n')
    outside = "it is outside the content root; not read"
    assert (found, problems) == ([], [f"7: code '../snippets/leak.cs' not shown: {outside}"])


def test_code_directives_are_read_in_one_pass_however_hostile() -> None:
    from kb.ingest import snippets

    blanks, word = " " * 200_000, "a" * 200_000
    assert snippets.expand_code(f":::code{blanks}x\n", "a.md", None, [1, 1], 1) == (f":::code{blanks}x\n", [], [])
    assert snippets._ATTR.findall(f"{word} source='a.cs'") == [("source", "", "a.cs")]
    assert snippets._TAG_LINE.match(f"// <x>{blanks}y") is None


def test_a_file_of_many_code_directives_is_read_in_one_pass_and_reported_once(tmp_path: Path) -> None:
    # Each directive's line was counted from the start of the text (quadratic), and each one past the
    # budget was a problem of its own.
    body = "[!code-csharp[X](../snippets/app.cs#L6-L6)]\n" * 100_000  # (4.4 MB: under the 5 MB a file may be)
    found, problems = code_of(tmp_path, body)
    assert found == ["var client = new Client();"] * 100
    assert problems == ["105: code '../snippets/app.cs' and later ones not shown: too many files taken in one document"]


def test_code_that_cannot_be_taken_is_said_to_be_missing_where_it_was(tmp_path: Path) -> None:
    """ASP.NET Core's translations take their samples from files the localized repositories lack: the
    page said "in the ConfigureServices method:" and went on to the next paragraph, as if nothing were
    meant there. It now says the code is not available, naming the file; the model has nothing of it."""
    from kb.ingest.html_rules import BodyText
    from kb.ingest.render import render_body

    body = ("No método:\n\n[!code-csharp[](samples/App/Startup.cs?name=snippet)]\n\n"
            '1. Abra:\n\n   :::code language="csharp" source="../snippets/none.cs" id="a":::\n\n   Depois.\n\n'
            "> [!NOTE]\n> [!code-csharp[](../snippets/app.cs#nowhere)]\n")
    files = {"pt-br/snippets/app.cs": APP_CS, "pt-br/guide/a.md": FRONT + body}
    corpus = ingest(write_files(tmp_path, files), jobs=1)
    doc = corpus.documents[0]
    assert [(s.kind.value, s.text) for s in doc.segments] == [("paragraph", "No método:"),
                                                              ("list_item", "Abra: Depois.")]
    assert len(corpus.problems) == 3
    html = render_body(doc.body, {}, {}, BodyText(missing_code="Código não disponível")).html
    assert html.count('<p class="code-missing" role="note"') == 3
    assert ('<p class="code-missing" role="note" title="samples/App/Startup.cs">Código não disponível: '
            "<code>Startup.cs</code></p>") in html
    item = html[html.index("<li>"):html.index("</li>")]
    assert 'title="../snippets/none.cs"' in item and "Depois." in item
    alert = html[html.index('class="alert alert-note"'):]
    assert 'title="../snippets/app.cs"' in alert and "<pre" not in html
