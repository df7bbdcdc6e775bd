"""Token stream → ordered segments with structural paths, links and inline code.

Markdown blocks come from markdown-it tokens; raw HTML blocks (DocFX's ``<table>`` conversions) go
through BeautifulSoup, and the Markdown that writers put *inside* HTML cells is parsed too.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, ParserRejectedMarkup, Tag
from markdown_it.token import Token

from kb.ingest import docfx, htmlblocks, markdown
from kb.model import Link, Segment, SegmentKind

# Limits against hostile HTML. Python's html.parser takes time and memory per tag (5 MB of tags:
# ~40 s and ~1 GB), and rescans to the end of the block for every tag, comment or declaration that
# is never closed (quadratic: hours for a few MB). The dev corpus's largest document has ~2,000 tags
# and no unclosed ones.
MAX_HTML_TAGS = 20_000
MAX_UNCLOSED_TAGS = 100
_UNCLOSED_TAG = re.compile(r"<[a-zA-Z/!?][^<>]*(?=<|\Z)")


class TooComplex(ValueError):
    """A document whose HTML is too large or too broken to parse safely; becomes a Problem."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def _unclosed_tags(html: str) -> int:
    """Tags never closed with '>', comments after the last '-->', and marked sections ('<![')."""
    comments = html[html.rfind("-->") + 1 :].count("<!--")
    return sum(1 for _ in _UNCLOSED_TAG.finditer(html)) + comments + html.count("<![")


def clean(text: str) -> str:
    """White space runs (and zero-width spaces) become one space; ends trimmed.

    ``str.split()`` splits on exactly the white space that the old regex matched (NBSP included) and is
    several times faster than the regex substitution it replaces; this runs for every segment."""
    if "\u200b" in text:
        text = text.replace("\u200b", " ")
    return " ".join(text.split())


@dataclass
class Inline:
    """Text, links and code spans gathered from inline content."""

    parts: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    code: list[str] = field(default_factory=list)

    def extend(self, other: Inline) -> None:
        self.parts.append(" ")
        self.parts.extend(other.parts)
        self.links.extend(other.links)
        self.code.extend(other.code)

    @property
    def text(self) -> str:
        return clean("".join(self.parts))


def inline_tokens(children: list[Token], line: int | None) -> Inline:
    """Plain text, links and inline code of an inline token's children."""
    out = Inline()
    link_stack: list[tuple[str, int]] = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            out.parts.append(tok.content)
            if tok.type == "code_inline":
                out.code.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.parts.append(" ")
        elif tok.type == "link_open":
            link_stack.append((str(tok.attrGet("href") or ""), len(out.parts)))
        elif tok.type == "link_close" and link_stack:
            href, start = link_stack.pop()
            if href:
                out.links.append(Link(href, clean("".join(out.parts[start:])), "link", line))
        elif tok.type == "image":
            alt = clean("".join(c.content for c in tok.children or []))
            out.links.append(Link(str(tok.attrGet("src") or ""), alt, "image", line))
            if tok.attrGet("lightbox"):  # ':::image … lightbox': the full-size file is linked too
                out.links.append(Link(str(tok.attrGet("lightbox")), alt, "image", line))
        elif tok.type == "html_inline":
            _html_inline(tok.content, out, line, link_stack)
    return out


_A_HREF = re.compile(r"""^<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>$""", re.I | re.S)


def _html_inline(content: str, out: Inline, line: int | None, link_stack: list[tuple[str, int]]) -> None:
    low = content.lower()
    if low.startswith("<a"):
        # Raw '<a href>' in Markdown text: a link like any other ('</a>' closes it); anchors push nothing
        # but are closed too, so the stack stays paired.
        m = _A_HREF.match(content.strip())
        href = html.unescape(next((g for g in m.groups() if g is not None), "")) if m else ""
        link_stack.append((docfx.normalize_href(href) if href else "", len(out.parts)))
    elif low.startswith("</a") and link_stack:
        href, start = link_stack.pop()
        if href:
            out.links.append(Link(href, clean("".join(out.parts[start:])), "link", line))
    elif low.startswith("<br"):
        out.parts.append(" ")
    elif low.startswith("<img"):
        tag = BeautifulSoup(content, "html.parser").find("img")
        if isinstance(tag, Tag):
            out.links.append(Link(str(tag.get("src") or ""), clean(str(tag.get("alt") or "")), "image", line))
    elif low.startswith(_EMBED_OPENINGS):
        tag = BeautifulSoup(content, "html.parser").find(htmlblocks.INLINE_EMBED_TAGS)
        if isinstance(tag, Tag):
            out.extend(embed_inline(tag, line))


_EMBED_OPENINGS = tuple(f"<{name}" for name in htmlblocks.INLINE_EMBED_TAGS)


def inline_markdown(text: str, line: int | None) -> Inline:
    """Parse Markdown that appears inside an HTML element's text."""
    tokens = markdown.parser().parseInline(text)
    return inline_tokens(tokens[0].children or [], line) if tokens else Inline([text])


def block_markdown(text: str, line: int | None) -> Inline:
    """Text, links and code of Markdown blocks inside an HTML table (an alert in a cell, kept by
    :func:`kb.ingest.markdown.preprocess` in a comment), alert markers removed."""
    out = Inline()
    for tok in markdown.parse(text):
        if tok.type == "inline":
            out.extend(inline_tokens(tok.children or [], line))
    out.parts.append(" ")
    return out


def embed_inline(node: Tag, line: int | None) -> Inline:
    """An embedded frame or player: the link the site shows in its place (:data:`htmlblocks.EMBED_TAGS`)."""
    src = htmlblocks.embed_source(node)
    if not src:
        return Inline()
    label = htmlblocks.embed_label(node, src)
    return Inline([label, " "], [Link(docfx.normalize_href(src), label, "link", line)])


def html_inline(node: Tag, line: int | None) -> Inline:
    """Text, links and code of an HTML element, parsing Markdown inside its text nodes."""
    out = Inline()
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "Declaration"):
                found = htmlblocks.markdown_comment(str(child)) if isinstance(child, Comment) else None
                if found is not None:
                    out.extend(block_markdown(found, line))
                continue
            s = str(child)
            if "[" in s or "`" in s or "*" in s or "_" in s:
                out.extend(inline_markdown(s, line))
            else:
                out.parts.append(s)
        elif isinstance(child, Tag):
            name = child.name.lower()
            if name in ("ul", "ol", "table", "script", "style"):
                continue
            if name == "br":
                out.parts.append(" ")
            elif name == "img":
                alt = clean(str(child.get("alt") or ""))
                out.links.append(Link(str(child.get("src") or ""), alt, "image", line))
            elif name == "a" and child.get("href") is not None:
                inner = html_inline(child, line)
                out.parts.extend(inner.parts)
                out.code.extend(inner.code)
                out.links.append(Link(docfx.normalize_href(str(child.get("href"))), inner.text, "link", line))
                out.links.extend(inner.links)
            elif name in htmlblocks.EMBED_TAGS:
                out.extend(embed_inline(child, line))
            elif name == "code":
                text = child.get_text()
                out.parts.append(text)
                out.code.append(text)
            else:
                inner = html_inline(child, line)
                block = name in _SPACED
                if block:
                    out.parts.append(" ")
                out.parts.extend(inner.parts)
                out.links.extend(inner.links)
                out.code.extend(inner.code)
                if block:
                    out.parts.append(" ")
    return out


class SegmentBuilder:
    """Walks a token stream, keeping a stack of containers that number their children by kind."""

    def __init__(self, line_offset: int, line_of: Callable[[int], int] | None = None) -> None:
        self.line_offset = line_offset
        self.line_of = line_of
        self.segments: list[Segment] = []
        self.stack: list[tuple[str, dict[str, int]]] = [("", {})]
        self.html_tags = 0

    # -- paths
    def _next(self, name: str) -> str:
        prefix, counters = self.stack[-1]
        n = counters.get(name, 0)
        counters[name] = n + 1
        return sys.intern(f"{prefix}{name}[{n}]")  # the same few paths recur in every document

    def push(self, name: str) -> str:
        path = self._next(name)
        self.stack.append((path + "/", {}))
        return path

    def pop(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def line(self, tok: Token) -> int | None:
        if not tok.map:
            return None
        return tok.map[0] + self.line_offset if self.line_of is None else self.line_of(tok.map[0])

    def emit(self, kind: SegmentKind, path: str, inline: Inline, line: int | None, **extra: object) -> None:
        text = inline.text
        if not text and not inline.links:
            return
        self.segments.append(
            Segment(kind, path, text, tuple(inline.links), code=tuple(inline.code), line=line, **extra)  # type: ignore[arg-type]
        )

    # -- HTML blocks
    def soup(self, content: str, line: int | None) -> BeautifulSoup:
        """Parse an HTML block, refusing (:class:`TooComplex`) what would take hours or gigabytes."""
        tags = content.count("<")
        self.html_tags += tags
        if self.html_tags > MAX_HTML_TAGS:
            raise TooComplex(f"document has more than {MAX_HTML_TAGS:,} HTML tags; not read", line)
        if tags > MAX_UNCLOSED_TAGS and _unclosed_tags(content) > MAX_UNCLOSED_TAGS:
            raise TooComplex(f"HTML block has more than {MAX_UNCLOSED_TAGS} tags or comments that are "
                             "never closed; not read", line)
        try:
            return BeautifulSoup(content, "html.parser")
        except ParserRejectedMarkup:
            # html.parser rejects a '<![' that opens neither CDATA nor a Word conditional (found by
            # tests/ingest/test_parser_properties.py); read it as text rather than lose the document.
            return BeautifulSoup(content.replace("<![", "&lt;!["), "html.parser")

    def html_block(self, content: str, line: int | None, context_kind: SegmentKind) -> None:
        soup = self.soup(content, line)
        for node in soup.children:
            if isinstance(node, Tag):
                self._html_node(node, line, context_kind)
            elif isinstance(node, NavigableString) and type(node) is NavigableString and node.strip():
                inl = inline_markdown(str(node), line)
                self.emit(context_kind, self._next("p"), inl, line)

    def _html_node(self, node: Tag, line: int | None, context_kind: SegmentKind) -> None:
        block, line = line, _source_line(node, line)  # children are numbered from the block's line
        name = node.name.lower()
        if name == "table":
            self._html_table(node, block)
        elif name in ("ul", "ol"):
            self.push("list")
            for li in node.find_all("li", recursive=False):
                self._html_item(li, block)
            self.pop()
        elif re.fullmatch(r"h[1-6]", name):
            inl = html_inline(node, line)
            anchor = str(node.get("id") or "") or markdown.slugify(inl.text)
            level = int(name[1])
            self.emit(SegmentKind.HEADING, self._next("heading"), inl, line, anchor=anchor, level=level)
        elif name in ("script", "style"):
            return
        elif name in htmlblocks.EMBED_TAGS:
            self.emit(context_kind, self._next("p"), embed_inline(node, line), line)
        elif name in ("div", "section", "blockquote", "article", "main", "aside", "details"):
            block_children = [c for c in node.children if isinstance(c, Tag) and c.name in _BLOCK_TAGS]
            if block_children:
                for child in node.children:
                    if isinstance(child, Tag):
                        self._html_node(child, block, context_kind)
                    elif type(child) is NavigableString and child.strip():
                        self.emit(context_kind, self._next("p"), inline_markdown(str(child), line), line)
            else:
                self.emit(context_kind, self._next("p"), html_inline(node, line), line)
        else:
            self.emit(context_kind, self._next("p"), html_inline(node, line), line)

    def _html_item(self, li: Tag, block: int | None) -> None:
        line = _source_line(li, block)
        path = self.push("item")
        self.emit(SegmentKind.LIST_ITEM, path, html_inline(li, line), line)
        self._nested(li, block, SegmentKind.LIST_ITEM)
        self.pop()

    def _nested(self, node: Tag, block: int | None, kind: SegmentKind) -> None:
        """Lists and tables at any depth inside ``node`` (an item or a cell), but not inside another one
        of them: :func:`html_inline` leaves their text out of ``node``'s own."""
        for sub in node.find_all(_NESTED):
            if sub.find_parent(_CONTAINERS) is node:
                self._html_node(sub, block, kind)

    def _html_table(self, table: Tag, line: int | None) -> None:
        self.push("table")
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            self.push("row")
            cells = [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
            for cell in cells:
                cell_line = _source_line(cell, line)
                cell_path = self.push("cell")
                self.emit(SegmentKind.TABLE_CELL, cell_path, html_inline(cell, cell_line), cell_line)
                self._nested(cell, line, SegmentKind.LIST_ITEM)
                self.pop()
            self.pop()
        self.pop()


def _source_line(node: Tag, block_line: int | None) -> int | None:
    """The source line of an HTML element, from the line its HTML block starts on."""
    sourceline = getattr(node, "sourceline", None)
    if block_line is None or not sourceline:
        return block_line
    return block_line + int(sourceline) - 1


_NESTED = ["ul", "ol", "table"]
_SPACED = frozenset({"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption",
                     "figcaption", "summary", "blockquote", "section", "article", "aside", "header", "footer",
                     "figure", "details", "address", "hr"})
"""Elements a browser shows on lines of their own: their text is a word apart from the text around them
(``<dt>Term</dt><dd>Meaning</dd>`` is "Term Meaning", not "TermMeaning")."""
_CONTAINERS = ["ul", "ol", "li", "table", "td", "th"]
_BLOCK_TAGS = {"p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}


_ENDS_ITEM_TEXT = frozenset({"heading_open", "table_open", "fence", "code_block"})
"""Blocks that end the running text of an open list item or alert: what follows them is a paragraph of
its own, so that segments keep the order of the page."""


@dataclass
class _Buffer:
    """The text of the innermost open list item or alert, emitted as one segment when it closes (or
    when a nested list, alert or HTML structure starts: the item's own text then keeps its place)."""

    path: str
    kind: SegmentKind
    line: int | None
    alert: str | None = None
    inline: Inline = field(default_factory=Inline)


def build_segments(
    tokens: list[Token], line_offset: int, line_of: Callable[[int], int] | None = None
) -> list[Segment]:
    """The segments of a parsed body; ``line_offset`` maps token lines to source-file lines, unless
    ``line_of`` does (a body whose includes changed its number of lines)."""
    b = SegmentBuilder(line_offset, line_of)
    # What the innermost open container makes of a paragraph inside it.
    context: list[tuple[str, SegmentKind, str | None]] = [("root", SegmentKind.PARAGRAPH, None)]
    buffer: _Buffer | None = None
    row_line: int | None = None

    def flush() -> None:
        nonlocal buffer
        if buffer is not None:
            extra = {"alert": buffer.alert} if buffer.alert else {}
            b.emit(buffer.kind, buffer.path, buffer.inline, buffer.line, **extra)
            buffer = None

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        line = b.line(tok)
        kind, alert = context[-1][1], context[-1][2]
        if t == "fence" and tok.info.strip() == docfx.MISSING_CODE:
            i += 1  # code that could not be taken: the page says so, the model has nothing of it
            continue
        if buffer is not None and t in _ENDS_ITEM_TEXT:
            flush()  # a code block, table or heading inside an item: the item's own text comes first
        if t == "heading_open":
            inl = inline_tokens(tokens[i + 1].children or [], line)
            anchor = tok.attrGet("id")
            b.emit(SegmentKind.HEADING, b._next("heading"), inl, line, anchor=anchor, level=int(tok.tag[1]))
            i += 3
            continue
        if t == "paragraph_open":
            inl = inline_tokens(tokens[i + 1].children or [], line)
            if buffer is not None:
                buffer.inline.extend(inl)
            else:
                b.emit(kind, b._next("p"), inl, line, **({"alert": alert} if alert else {}))
            i += 3
            continue
        if t in ("bullet_list_open", "ordered_list_open"):
            if buffer is not None and context[-1][0] == "item":
                flush()
            b.push("list")
            context.append(("list", kind, alert))
        elif t == "list_item_open":
            buffer = _Buffer(b.push("item"), SegmentKind.LIST_ITEM, line)
            context.append(("item", SegmentKind.PARAGRAPH, None))
        elif t == "list_item_close":
            flush()
            b.pop()
            context.pop()
        elif t in ("bullet_list_close", "ordered_list_close"):
            b.pop()
            context.pop()
        elif t == "blockquote_open":
            meta = tok.meta or {}
            if meta.get("alert"):
                flush()  # an alert inside a list item: the item's own text stays the item's
                path = b._next("alert")
                buffer = _Buffer(path, SegmentKind.ALERT, line, str(meta["alert"]))
                context.append(("alert", SegmentKind.ALERT, str(meta["alert"])))
                b.stack.append((path + "/", {}))
            else:
                b.push("quote")
                context.append(("quote", SegmentKind.PARAGRAPH, None))
        elif t == "blockquote_close":
            ctx = context.pop()
            if ctx[0] == "alert":
                flush()
            b.pop()
        elif t == "table_open":
            b.push("table")
        elif t == "tr_open":
            b.push("row")
            row_line = line  # (markdown-it maps a pipe table's rows, not its cells)
        elif t in ("th_open", "td_open"):
            line = line if line is not None else row_line
            inl = inline_tokens(tokens[i + 1].children or [], line)
            b.emit(SegmentKind.TABLE_CELL, b._next("cell"), inl, line)
            i += 3
            continue
        elif t in ("tr_close", "table_close"):
            b.pop()
        elif t in ("fence", "code_block"):
            b.emit(SegmentKind.CODE, b._next("code"), Inline([tok.content]), line)
        elif t == "html_block":
            if buffer is not None and not _STRUCTURE.search(tok.content):
                buffer.inline.extend(html_inline(b.soup(tok.content, line), line))
            else:
                # Tables and lists in HTML inside an item or alert become segments of their own.
                flush()
                b.html_block(tok.content, line, kind)
        i += 1
    return b.segments


_STRUCTURE = re.compile(r"<(?:table|ul|ol|dl)\b", re.I)
