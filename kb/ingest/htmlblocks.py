"""HTML tables and lists kept one HTML block each, as a browser sees Learn's pages.

CommonMark (so markdown-it, and Markdig) ends a raw HTML block at a blank line. DocFX pages put blank
lines inside ``<table>``, ``<ul>`` and ``<ol>``, often around an alert in a cell or a list item: Markdig
writes the alert's HTML there and the browser shows it inside the still-open cell or item. Parsed alone,
each piece of the HTML would be closed early instead. So, before parsing, blank lines inside such a
container become empty comments (line numbers stay right), and a Markdown quote after one (an alert) is
kept in a :data:`MARKDOWN_COMMENT` comment that the segments and the renderer read as Markdown.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterator

from bs4 import Tag

from kb.ingest import verbatim
from kb.ingest.verbatim import fenced_code, inside

_CONTAINER_START = re.compile(r"<(/?)(table|ul|ol)\b", re.I)
_LINE_PREFIX = re.compile(r"[ \t>]*")
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")


MARKDOWN_COMMENT = "kb-markdown:"
"""Starts an HTML comment that holds Markdown blocks found inside an HTML table or list (base64 of UTF-8)."""
# After an empty comment (a blank line), the quote runs to a blank line or to a line that starts HTML
# again ('</td>': it ends the quote, as an HTML block interrupts a paragraph).
_QUOTE_CHUNK = re.compile(r"(\n[ \t]*<!---->)(\n[ \t]*>[^\n]*(?:\n(?![ \t]*(?:<|$))[^\n]*)*)")


def _encode_chunk(chunk: str, indent: str) -> str:
    data = base64.b64encode(chunk.encode("utf-8")).decode("ascii")
    # One line, then empty comments for the chunk's other lines: no blank line may end the HTML block.
    return f"\n{indent}<!--{MARKDOWN_COMMENT}{data}-->" + f"\n{indent}<!---->" * (chunk.count("\n") - 1)


def markdown_comment(text: str) -> str | None:
    """The Markdown a :data:`MARKDOWN_COMMENT` comment holds, or None for any other comment."""
    if not text.startswith(MARKDOWN_COMMENT):
        return None
    try:
        found = base64.b64decode(text[len(MARKDOWN_COMMENT) :]).decode("utf-8")
    except ValueError:
        return None
    # The chunk is a blockquote indented with the table (tabs and spaces mixed): '>' starts each line.
    return _INDENT.sub("", found.strip("\n"))


_INDENT = re.compile(r"^[ \t]+", re.M)


def _join_container(html: str, indent: str) -> str:
    """``html`` without blank lines; ``indent`` (what precedes its opening tag on its line: a list item's
    indentation) starts each line put in their place, which so stays inside the list item."""
    filler = f"\n{indent}<!---->"
    joined = _BLANK_LINE.sub(filler, html)
    if filler + "\n" not in joined:
        return joined
    # After a blank line, a '>' line is Markdown for DocFX (an alert in a cell or a list item): kept
    # whole in a comment that the segments and the renderer read as Markdown.
    return _QUOTE_CHUNK.sub(lambda m: m.group(1) + _encode_chunk(m.group(2), indent), joined)


def container_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost HTML ``<table>``, ``<ul>`` or ``<ol>`` with its closing tag,
    nested ones inside it; one never closed is none. Linear however the tags are nested or unbalanced."""
    spans: list[tuple[int, int]] = []
    tags = _OpenTags()
    start = 0
    fenced = fenced_code(body)
    lines = _LineStarts(body)
    for at, end, closing, name in _tags(body, _CONTAINER_START):
        if not closing:
            if not tags.stack:
                # An HTML block starts a line (in a quote or list item too); '<ul>' in a sentence or in
                # a code block is text, whose blank lines must stay.
                if not lines.starts_line(at) or inside(fenced, at):
                    continue
                start = at
            tags.open(name)
        elif tags.close(name) and not tags.stack:
            spans.append((start, end))
    return spans


class _OpenTags:
    """The containers open at a point of HTML, as a browser keeps them: a closing tag also closes what
    was left open inside it; one whose name is not open is stray. Linear: whether a name is open is a
    count, not a walk down the stack."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self._open: Counter[str] = Counter()

    def open(self, name: str) -> None:
        self.stack.append(name)
        self._open[name] += 1

    def close(self, name: str) -> bool:
        """Close ``name`` and what it holds; False (and nothing closed) for a stray closing tag."""
        if not self._open[name]:
            return False
        while (top := self.stack.pop()) != name:
            self._open[top] -= 1
        self._open[name] -= 1
        return True


def _tags(body: str, start: re.Pattern[str]) -> Iterator[tuple[int, int, bool, str]]:
    """(start, end, closing, name) of each tag ``start`` opens (``<(/?)(name)\\b``), to its ``>``, in one
    pass: a pattern reading on to the ``>`` reads to the end of the text from every ``<table`` that no
    ``>`` follows (minutes for a few MB of them)."""
    pos = 0
    while m := start.search(body, pos):
        gt = body.find(">", m.end())
        if gt < 0:
            return
        yield m.start(), gt + 1, bool(m.group(1)), m.group(2).lower()
        pos = gt + 1


class _LineStarts:
    """Whether a position starts its line, but for spaces, tabs and quote marks (``>``): asked at
    increasing positions, each line is read once (a look back from each tag of a long line of them was
    quadratic)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.line_start = 0
        self.read_to = 0
        self.prefix_end = _LINE_PREFIX.match(body, 0).end()  # type: ignore[union-attr]

    def starts_line(self, at: int) -> bool:
        newline = self.body.rfind("\n", self.read_to, at)
        self.read_to = at
        if newline >= 0:
            self.line_start = newline + 1
            self.prefix_end = _LINE_PREFIX.match(self.body, self.line_start).end()  # type: ignore[union-attr]
        return self.prefix_end >= at


def join_html_blocks(body: str) -> str:
    """Keep an HTML table or list one HTML block: CommonMark ends a raw block at a blank line, and
    DocFX pages hold alerts between blank lines inside cells and list items, which Learn renders in place.

    Blank lines inside ``<table>…</table>`` (``<ul>``, ``<ol>``) become empty comments, so line numbers
    stay right."""
    if "\n" not in body or not re.search(r"<(?:table|ul|ol)\b", body, re.I):
        return body
    parts, last = [], 0
    for start, end in container_spans(body):
        indent = body[body.rfind("\n", 0, start) + 1 : start]
        # (in a quote, a blank line ends the quote for DocFX too: what follows is another block)
        joined = body[start:end] if ">" in indent else _join_container(body[start:end], indent)
        parts += [body[last:start], joined]
        last = end
    return "".join(parts) + body[last:]


# --- embedded players and frames ----------------------------------------------------------------

EMBED_TAGS = ("iframe", "embed", "video", "audio")
"""Elements that show another page or a media file in place. The site never frames another host
(its CSP allows no frame), so each becomes a link to what it showed, as ``[!VIDEO]`` does: the reader
keeps the way to the demo or video instead of a hole where it stood."""
INLINE_EMBED_TAGS = (*EMBED_TAGS, "source")
"""In a line of text each tag is its own token: ``<video controls><source src="a.mp4"></video>`` names
its file in the ``<source>``."""


def embed_source(tag: Tag) -> str:
    """What an embedded element shows: its ``src``, or its first ``<source src>`` (video, audio)."""
    src = str(tag.get("src") or "").strip()
    if not src:
        source = tag.find("source")
        src = str(source.get("src") or "").strip() if isinstance(source, Tag) else ""
    return src


def embed_label(tag: Tag, src: str) -> str:
    """The link text for an embedded element: its ``title`` (what accessible frames carry), else the URL."""
    return " ".join(str(tag.get("title") or "").split()) or src


# --- wrappers around Markdown: an HTML block that opens a container and another that closes it --------

WRAPPERS = ("details", "div", "section", "aside", "article", "figure", "blockquote", "center", "dl", "dt", "dd")
"""Containers a page opens in one HTML block and closes in a later one, with Markdown between them
(``<details>``, ``<summary>…</summary>``, a list, ``</details>``; the Win32 docs' related topics,
``<dl> <dt>``, a link, ``</dt> <dt>``, a link, ``</dt> </dl>``): the browser nests that Markdown inside."""
_WRAPPER_START = re.compile(r"<(/?)(" + "|".join(WRAPPERS) + r")\b", re.I)
def blank_comments(text: str, keep_newlines: bool = True) -> str:
    """``text`` with each HTML comment (``<!--`` to the next ``-->``) as spaces, its newlines kept unless
    told (positions, and line numbers, hold): what scans of tags or text read past. Found by ``str.find``
    from where the last one ended, so linear: ``<!--.*?-->`` tried at each of many ``<!--`` with no
    ``-->`` read to the end each time (40,000 of them took a minute)."""
    if "<!--" not in text:
        return text
    found: list[tuple[int, int]] = []
    at = 0
    while (start := text.find("<!--", at)) != -1 and (end := text.find("-->", start + 4)) != -1:
        at = end + 3
        found.append((start, at))
    return verbatim.blank(text, found, keep_newlines)


_CLOSER = "kb-close:"
_CLOSER_COMMENT = re.compile(r"<!--" + _CLOSER + r"(\w+)-->")


def open_ends(content: str) -> tuple[str, list[str]]:
    """A raw HTML block whose wrappers close or stay open outside it, ready to be parsed alone: each
    closing tag of a wrapper it did not open becomes a comment (the parser would drop it; :func:`left_open`
    puts it back), and the names of the wrappers it leaves open, outermost first (the parser closes them at
    its end). Teams' ``<details>`` showed an empty disclosure above the list it was meant to fold."""
    scan = blank_comments(content, keep_newlines=False)
    tags = _OpenTags()
    out: list[str] = []
    last = 0
    for at, end, closing, name in _tags(scan, _WRAPPER_START):
        if not closing:
            tags.open(name)
        elif not tags.close(name):
            out += [content[last:at], f"<!--{_CLOSER}{name}-->"]
            last = end
    return "".join(out) + content[last:], tags.stack


def left_open(rendered: str, names: list[str]) -> str:
    """``rendered`` (a block :func:`open_ends` prepared, parsed alone) with the closing tags of ``names``,
    the wrappers its source leaves open (outermost first), taken off its end, and its closing tags of
    wrappers opened before it put back."""
    end = len(rendered)
    for name in names:  # (from the end, once: thousands of wrappers left open cost one pass)
        while end and rendered[end - 1].isspace():
            end -= 1
        closer = f"</{name}>"
        if rendered[max(0, end - len(closer)) : end].lower() == closer:
            end -= len(closer)
    rendered = rendered[:end] if names else rendered
    return _CLOSER_COMMENT.sub(r"</\1>", rendered) if _CLOSER in rendered else rendered
