"""kb.ingest.segments: a body's tokens as ordered segments with structural paths, links, inline code
and source lines."""

from __future__ import annotations

from kb.ingest import markdown
from kb.ingest.segments import build_segments, clean, inline_markdown
from kb.model import Link, Segment, SegmentKind

BODY = """# Título <a name="top"></a>

Texto com [link](b.md) e `código`.

> [!NOTE]
> Uma nota.

- Item **um**
- Item dois

<table><tr><td>Célula <a href="c.md">C</a></td></tr></table>

```powershell
Get-Thing
```
"""


def test_every_block_is_one_segment_in_order_with_its_path_and_line() -> None:
    K = SegmentKind
    assert build_segments(markdown.parse(BODY), 3) == [
        Segment(K.HEADING, "heading[0]", "Título", anchor="top", level=1, line=3),
        Segment(K.PARAGRAPH, "p[0]", "Texto com link e código.", links=(Link("b.md", "link", line=5),),
                code=("código",), line=5),
        Segment(K.ALERT, "alert[0]", "Uma nota.", alert="NOTE", line=7),
        Segment(K.LIST_ITEM, "list[0]/item[0]", "Item um", line=10),
        Segment(K.LIST_ITEM, "list[0]/item[1]", "Item dois", line=11),
        Segment(K.TABLE_CELL, "table[0]/row[0]/cell[0]", "Célula C", links=(Link("c.md", "C", line=13),), line=13),
        Segment(K.CODE, "code[0]", "Get-Thing", line=15),
    ]


def test_text_is_cleaned_of_layout_whitespace() -> None:
    assert clean("  a \u00a0 b\n c ") == "a b c"


def test_inline_markdown_keeps_its_links_and_code() -> None:
    inline = inline_markdown("Veja [A](a.md) e `x`", 7)
    assert ("".join(inline.parts), inline.links, inline.code) == ("Veja A e x", [Link("a.md", "A", line=7)], ["x"])
