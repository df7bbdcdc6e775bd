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


NESTED = """1. Abra o arquivo:

   ```json
   {"a": 1}
   ```

   Depois salve.

   | Campo | Valor |
   |-------|-------|
   | Nome  | A     |

2. Feche.

> [!NOTE]
> Antes do código:
>
> ```
> x = 1
> ```
>
> Depois do código.
"""


def test_blocks_inside_an_item_or_alert_keep_the_order_of_the_page() -> None:
    """The item's (or alert's) own text comes before its code block or table, and the text after them
    is a paragraph of its own, not joined to the text before."""
    K = SegmentKind
    got = [(s.kind, s.path, s.text, s.line) for s in build_segments(markdown.parse(NESTED), 1)]
    assert got == [
        (K.LIST_ITEM, "list[0]/item[0]", "Abra o arquivo:", 1),
        (K.CODE, "list[0]/item[0]/code[0]", '{"a": 1}', 3),
        (K.PARAGRAPH, "list[0]/item[0]/p[0]", "Depois salve.", 7),
        (K.TABLE_CELL, "list[0]/item[0]/table[0]/row[0]/cell[0]", "Campo", 9),
        (K.TABLE_CELL, "list[0]/item[0]/table[0]/row[0]/cell[1]", "Valor", 9),
        (K.TABLE_CELL, "list[0]/item[0]/table[0]/row[1]/cell[0]", "Nome", 11),
        (K.TABLE_CELL, "list[0]/item[0]/table[0]/row[1]/cell[1]", "A", 11),
        (K.LIST_ITEM, "list[0]/item[1]", "Feche.", 13),
        (K.ALERT, "alert[0]", "Antes do código:", 15),
        (K.CODE, "alert[0]/code[0]", "x = 1", 18),
        (K.ALERT, "alert[0]/p[0]", "Depois do código.", 22),
    ]
