"""Code is shown as written: no text-level rewrite before parsing reaches into a fenced code block or a
code span (kb.ingest.verbatim), as DocFX's parser reads a directive there as the code's text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kb.ingest import verbatim
from kb.ingest.html_rules import BodyText
from kb.ingest.reader import parse_document
from kb.ingest.render import render_body


@pytest.mark.parametrize(("text", "spans"), [
    ("a `b` c", ["b"]),
    ("a ``b`c`` d `e`", ["b`c", "e"]),
    ("a `b c", []),  # (never closed: a literal backtick)
    ("a ``b` c `d``", ["b` c `d"]),
    ("a \\`b` c `d`", [" c "]),  # (an escaped backtick opens nothing; the next run does)
    ("`a\nb` c", ["a\nb"]),  # (a code span may run over lines of its paragraph)
])
def test_code_spans_as_commonmark_finds_them(text: str, spans: list[str]) -> None:
    assert [text[s:e] for s, e in verbatim.code_spans(text)] == spans


def test_a_code_span_ends_with_its_paragraph_and_a_fence_is_one_span() -> None:
    body = "Uma `aberta.\n\nOutra, `x`.\n\n```md\n`y` [!INCLUDE [a](b.md)]\n```\nDepois `z`.\n"
    shown = [body[s:e] for s, e in verbatim.verbatim_spans(body)]
    assert shown == ["x", "```md\n`y` [!INCLUDE [a](b.md)]\n```", "z"]
    assert verbatim.fenced_lines(body) == {4, 5, 6}
    assert verbatim.fenced_lines("> ~~~\n> a") == {0, 1}  # (never closed: to the end, in a quote too)


def test_a_fence_ends_with_the_list_item_or_quote_that_holds_it() -> None:
    # Azure App Configuration's ru-RU quickstart: the translation lost a fence's closing line inside a
    # list item; the next item ends the fence, and what follows is text again, its include read.
    body = "1. Один.\n\n    ```csharp\n    Code();\n\n1. Два.\n\n[!INCLUDE [x](x.md)]\n\n> ```\n> a\n\nB ```\n"
    assert verbatim.fences(body) == [(2, 5), (9, 11)]
    assert [body[s:e] for s, e in verbatim.fenced_code(body)] == ["    ```csharp\n    Code();\n", "> ```\n> a"]
    assert verbatim.sub(re.compile(r"\[!INCLUDE[^\n]*"), lambda m: "X", body).count("X") == 1


def test_html_comments_are_found_as_commonmark_reads_them() -> None:
    body = ("a <!-- b\n\nc --> d\n\n<!--\nx\n\ny\n-->\n"  # (a paragraph's never closed; a block's runs on)
            "e <!-- f --> g `<!--` h <!-- i `j` k -->")  # (one in a code span is code; a span in one is the comment's)
    assert [body[s:e] for s, e in verbatim.verbatim_spans(body)] == [
        "<!--\nx\n\ny\n-->", "<!-- f -->", "<!--", "<!-- i `j` k -->"]


def test_sub_leaves_the_matches_in_code_as_written() -> None:
    marker = re.compile(r"\[!X\]")
    body = "[!X] `[!X]` [!X]\n\n```\n[!X]\n```\n[!X]"
    assert verbatim.sub(marker, lambda m: "Y", body) == "Y `[!X]` Y\n\n```\n[!X]\n```\nY"


def test_code_is_found_in_one_pass_however_hostile() -> None:
    # Unmatched runs of every length, and thousands of paragraphs: linear in the runs and the lines.
    hostile = "".join("`" * n + " a " for n in range(1, 3000)) + "\n\n" * 50_000 + "```\n" * 20_001
    assert len(verbatim.verbatim_spans(hostile)) == 10_001
    # Many comments opened and never closed in their paragraph, one closing mark at the end.
    assert verbatim.verbatim_spans("x <!-- a\n\n" * 100_000 + "-->") == []
    assert len(verbatim.verbatim_spans("<!--" * 200_000 + "-->" * 200_000)) == 1


CODE_SAMPLE = """---
title: Sintaxe
---
# Sintaxe

Escreva `[!INCLUDE [nome](includes/x.md)]`, `{{$include /includes/x.md}}`, `[!code-csharp[Main](x.cs)]`,
`:::image type="content" source="a.png" alt-text="Texto":::` ou `:::no-loc text="Azure":::`.

```md
[!INCLUDE [nome](includes/x.md)]

[!code-csharp[Main](x.cs)]

:::code language="csharp" source="x.cs":::

:::image type="content" source="a.png" alt-text="Texto":::

> [!VIDEO https://www.youtube.com/embed/abc]

>[!VIDEO](https://video.tv.adobe.com/v/1)

::: zone pivot="windows"
:::row:::
:::column:::
Coluna
:::column-end:::
:::row-end:::
::: zone-end
```

[!INCLUDE [nome](includes/x.md)]

<!--
[!INCLUDE [comentado](includes/ausente.md)]

[!code-csharp[Main](ausente.cs)]
-->
"""


def test_directives_inside_code_are_its_text_in_a_comment_nothing_and_elsewhere_read(tmp_path: Path) -> None:
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "x.md").write_text("Texto incluído.\n", encoding="utf-8")
    (tmp_path / "x.cs").write_text("class X {}\n", encoding="utf-8")
    doc, problems = parse_document("a.md", CODE_SAMPLE.encode(), tmp_path)
    assert problems == [] and doc is not None
    fence = CODE_SAMPLE.split("```md\n")[1].split("```")[0]
    assert [(s.kind.value, s.text) for s in doc.segments] == [
        ("heading", "Sintaxe"),
        ("paragraph", 'Escreva [!INCLUDE [nome](includes/x.md)], {{$include /includes/x.md}}, '
                      '[!code-csharp[Main](x.cs)], :::image type="content" source="a.png" alt-text="Texto"::: '
                      'ou :::no-loc text="Azure":::.'),
        ("code", " ".join(fence.split())),
        ("paragraph", "Texto incluído."),  # (the include outside code is read)
    ]
    assert [(link.target, link.kind) for link in doc.links] == [("includes/x.md", "include")]
    page = render_body(doc.body, {}, {}, BodyText({})).html
    shown = re.sub(r"<(?!/?code\b)[^>]*>", "", page)  # (the sample's highlighting: its words as written)
    assert "<code>[!INCLUDE [nome](includes/x.md)]</code>" in shown
    assert "<code>{{$include /includes/x.md}}</code>" in shown
    assert html.unescape(shown).count(fence) == 1
    assert "class X" not in page and "video-card" not in page and "<img" not in page and "tab-panel" not in page
