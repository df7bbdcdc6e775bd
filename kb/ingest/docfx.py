"""The Learn (DocFX) constructs beyond alerts and anchors: images, videos, zones, tabs, table pipes, links,
and the bilingual markup of localized repositories.

Text-level rewrites (``PREPROCESSORS``) keep the translation of bilingual sentences and turn
``:::image``, ``[!VIDEO]``, ``::: zone`` fences and layout fences into Markdown that the parser's
plugins read (attributes on images, containers), keeping line numbers where they can; core rules
(``CORE_RULES``) then group zones and ``# [Tab](#tab/id)`` sections into tab groups (plain
``div``/``section`` tokens that any renderer writes, and that the site's ``docfx.js`` turns into tabs;
without it every panel shows under its title) and make backslash link paths ordinary ones. Every scan
is bounded, as in :mod:`kb.ingest.markdown`.
"""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import unquote

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from kb.ingest import verbatim

# --- :::image ------------------------------------------------------------------------------------

# Attributes are quoted values that may hold anything but their quote (colons included: alt text like
# "Screenshot: the page"); the long description of a complex image runs to ``:::image-end:::`` unless
# another image starts first.
_IMAGE = re.compile(
    r""":::[ \t]?image(?P<attrs>(?:(?:\s+|(?<=["']))[\w-]+"""
    r"""(?:\s*=\s*(?:"[^"\n]{0,2000}"|'[^'\n]{0,2000}'|[^\s:"']+))?){0,20})\s*:::"""
    r"(?P<desc>(?:(?!:::[ \t]?image\b(?!-end)).){0,20000}?:::[ \t]?image-end[ \t]?:::)?",
    re.S,
)
"""(``::: image …:::``, with a blank after the colons, is written too, and Learn reads it; so is an attribute
right after a closing quote, ``alt-text="…"lightbox="…"``, which translations leave.)"""
_IMAGE_START = re.compile(r":::[ \t]?image")
_IMAGE_END = re.compile(r":::[ \t]?image-end[ \t]?:::$")
_ATTR = re.compile(r"""(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
"""``key=value`` (quoted or not); a key is tried from its first letter only (from every letter of a long
word, findall was quadratic in the word)."""


def image_attrs(text: str) -> dict[str, str]:
    """``key="value"`` pairs of a DocFX directive, keys in lower case."""
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(text)}


def _md_url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def _image(m: re.Match[str]) -> str:
    attrs = image_attrs(m.group("attrs"))
    alt = attrs.get("alt-text", "").replace("\\", "\\\\").replace("]", "\\]").replace("\n", " ")
    kind = attrs.get("type", "content").lower()
    classes = ["docfx-image", f"image-{kind}"]
    if kind != "icon" and attrs.get("border", "true").lower() != "false":
        classes.append("image-border")
    extra = " ".join(f".{c}" for c in classes)
    if attrs.get("lightbox"):
        extra += f' lightbox="{attrs["lightbox"]}"'
    out = f"![{alt}]({_md_url(attrs.get('source', ''))}){{{extra}}}"
    desc = m.group("desc")
    if desc is None:
        return out
    desc = _IMAGE_END.sub("", desc)
    if kind != "complex":  # a stray end marker: keep what lies before it
        return out + desc
    # The long description shows under the image, as Learn's does for readers who expand it.
    # Inside a list item or a quote, the description stays there: its lines take the item's indent.
    lead = _continuation(m.string, m.start())
    depth = lead.count(">")  # the description's lines carry the quote marks of the alert around it
    lines = [re.sub(rf"^(?:[ \t]*>){{0,{depth}}}[ \t]?", "", line) if depth else line for line in desc.split("\n")]
    body = textwrap.dedent("\n".join(lines).strip("\n")).rstrip()
    quoted = "\n".join(f"{lead}> {line}" if line.strip() else f"{lead}>" for line in body.split("\n"))
    # (A quote may interrupt the image's paragraph: no blank line before it, so what follows moves down
    # one line only; the blank line after it keeps the next line out of the quote.)
    return f'{out}\n{lead}> [!div class="image-long-description"]\n{quoted}\n{lead.rstrip()}'


_LINE_LEAD = re.compile(r"[ \t>]*((?:[-*+]|\d{1,9}[.)])[ \t]+)?")


def _continuation(text: str, at: int) -> str:
    """What a line continuing the block at ``at`` starts with: its quote marks and indent, a list marker
    before it (``1.  :::image``) as spaces."""
    start = text.rfind("\n", 0, at) + 1
    m = _LINE_LEAD.match(text, start, at)
    assert m is not None  # (the pattern matches the empty string)
    marker = m.group(1) or ""
    return text[start : m.end() - len(marker)] + " " * len(marker)


# --- [!VIDEO url] ----------------------------------------------------------------------------------

VIDEO_MARKER = r"VIDEO\s+(?P<url>[^\]\s]{1,2000})\s*"
"""What a video's ``[!…]`` holds (the marker :mod:`kb.quality.markup` knows is read)."""
_VIDEO = re.compile(rf"^(?P<lead>[ \t]*(?:>[ \t]*)*)\[!{VIDEO_MARKER}\]", re.M | re.I)


def _video(m: re.Match[str]) -> str:
    """A video becomes a link card: a ``[!div class="video-card"]`` block holding a link to it."""
    lead, url = m.group("lead"), m.group("url")
    if ">" not in lead:
        lead += "> "
    return f'{lead}[!div class="video-card"] [{url.replace("]", "%5D")}]({_md_url(url)})'


# --- fences: zones and moniker ranges become containers; layout fences go, their content stays -----

_ZONE_OPEN = re.compile(
    r"^([ \t]*):::[ \t]*(?:zone[ \t]+((?:pivot|target)[ \t]*=.*)|moniker[ \t]+(range[ \t]*=.*))$", re.I
)
_ZONE_END = re.compile(r"^([ \t]*):::[ \t]*(?:zone|moniker)-end[ \t]*(?::::[ \t]*)?$", re.I)
"""(Greedy, and no two runs of blanks side by side: a line of blanks is read once, not once a blank.)"""
_LAYOUT = re.compile(
    r"^[ \t]*:::[ \t]*(?:(?:row|column|moniker)(?:-end)?\b[^\n]*|zone[ \t]*)$", re.M | re.I
)


MAX_ZONE_DEPTH = 8
"""Zones and moniker ranges nest as tab groups this deep (Learn's pages nest two or three); deeper
fences go and their content stays, so that no fence is longer than ``2 + MAX_ZONE_DEPTH`` colons."""
_TARGET = re.compile(r"""target[ \t]*=[ \t]*["']?([\w-]*)""", re.I)
_FORM = re.compile(r"^[ \t]*:::[ \t]*form\b.*:::[ \t]*$", re.I)
"""A portal's button (``::: form action=… :::``): it shows only in the Azure portal's chromeless view."""


def _zones(text: str) -> str:
    """``::: zone pivot`` and ``::: moniker range`` fences as ``docfx-zone`` containers, an outer one
    fenced with more colons than any it holds (a container ends at the first fence as long as its
    own: a zone inside a moniker range would end the range). ``::: zone target="docs"`` keeps its
    content and loses its fences; a zone of another target (``chromeless``: the Azure portal's
    in-product view) goes whole, as on Learn, lines blanked so that the others keep their numbers.
    Ends with no opening are dropped."""
    if ":::" not in text:
        return text
    lines = text.split("\n")
    code = verbatim.fenced_lines(text)  # (a fence there is text)
    opens: list[list[Any]] = []  # [line, kind, height of the containers it holds], innermost last
    fences: dict[int, tuple[str, int]] = {}  # line → (opening's attributes or "" for an end, colons)
    hidden: list[range] = []
    depth = 0  # containers open
    for i, line in enumerate(lines):
        if ":::" not in line or i in code:
            continue
        if m := _ZONE_OPEN.match(line):
            attrs = (m.group(2) or m.group(3)).rstrip()
            target = _TARGET.match(attrs)
            kind = "container" if target is None else "keep" if target.group(1).lower() == "docs" else "hide"
            if kind == "container" and depth >= MAX_ZONE_DEPTH:
                kind = "keep"  # (deeper, a fence would grow with the depth: its content stays, unframed)
            depth += kind == "container"
            opens.append([i, kind, 0])
            if kind == "container":
                fences[i] = (attrs, 0)
            else:
                lines[i] = ""  # (an unclosed target zone keeps its content: better shown than lost)
        elif _ZONE_END.match(line):
            if not opens:
                lines[i] = ""
                continue
            start, kind, height = opens.pop()
            if kind == "container":
                fences[start], fences[i] = (fences[start][0], 3 + height), ("", 3 + height)
                height += 1
                depth -= 1
            else:
                lines[i] = ""
                if kind == "hide":
                    hidden.append(range(start, i + 1))
            if opens and kind != "hide":
                opens[-1][2] = max(opens[-1][2], height)
        elif _FORM.match(line):
            lines[i] = ""
    for lines_of_zone in hidden:
        for j in lines_of_zone:
            lines[j] = ""
            fences.pop(j, None)
    for i, (attrs, colons) in fences.items():
        indent = lines[i][: _lead(lines[i])]
        fence = ":" * max(colons, 3)
        lines[i] = f"{indent}{fence} docfx-zone {attrs}" if attrs else f"{indent}{fence}"
    return _layout("\n".join(lines))


_ROW_OR_COLUMN = re.compile(r"^([ \t]*):::[ \t]*(row|column)(-end)?\b(.*)$", re.I)
LAYOUT_MARKER = "%"
"""The fence of kb's row and column containers: a character of its own, so that they never close a zone's
container (``:``) nor a zone theirs, whatever each holds."""
_SPAN = re.compile(r"""span[ \t]*=[ \t]*["']?([1-9])""", re.I)
MISSING_CODE = "kb-missing-code"
"""The fence language of code that could not be taken, its target the fence's text: the page says the
code is not available (:func:`kb.ingest.html_rules.missing_code_html`); the model has no segment of it."""


def _layout(text: str) -> str:
    """Layout fences (``:::row:::``, ``:::column span="1":::``) become containers of their own marker
    (:data:`LAYOUT_MARKER`): a row's columns side by side, as on Learn. Learn reads the content between
    two fences whatever its indent (C++'s keyword columns are written eight spaces in, under a column
    four in): it moves out to its row's indent, keeping the indents of its lines relative to each other,
    or a list item, or the page, would read it as code; so do the fences. An end with no opening goes."""
    if _LAYOUT.search(text) is None:
        return text
    lines = text.split("\n")
    indents: list[int] = []  # the open row and column fences' indents, innermost last
    run: list[int] = []  # the content lines since the last fence
    opened: list[list[int]] = []  # [line, height of the containers it holds], innermost last
    fences: dict[int, int] = {}  # line → its fence's length

    def move_out() -> None:
        leads = [_lead(lines[j]) for j in run if lines[j].strip()]
        if indents and leads and (shift := min(leads) - indents[0]) > 0:
            for j in run:
                lines[j] = lines[j][min(shift, _lead(lines[j])) :]
        run.clear()

    code = verbatim.fenced_lines(text)  # (a fence there is text)
    for i, line in enumerate(lines):
        if _LAYOUT.fullmatch(line) is None or i in code:
            run.append(i)
            continue
        move_out()
        fence = _ROW_OR_COLUMN.match(line)
        if fence is None or (fence.group(3) and not opened):
            lines[i] = ""  # (a stray end, or a moniker or zone fence no container took)
            continue
        indent = " " * min([len(fence.group(1)), *indents[:1]])
        if not fence.group(3):
            indents.append(len(fence.group(1)))
            opened.append([i, 0])
            span = _SPAN.search(fence.group(4))
            kind = fence.group(2).lower()
            lines[i] = f"{indent}docfx-{kind}" + (f" span-{span.group(1)}" if span and kind == "column" else "")
            continue
        indents.pop()
        start, height = opened.pop()
        fences[start] = fences[i] = 3 + height
        lines[i] = indent
        if opened:
            opened[-1][1] = max(opened[-1][1], height + 1)
    move_out()
    for start, _height in opened:  # never closed: the content stays, unframed
        lines[start] = ""
    for i, length in fences.items():
        lead = _lead(lines[i])
        lines[i] = lines[i][:lead] + LAYOUT_MARKER * length + (" " + lines[i][lead:] if lines[i][lead:] else "")
    return "\n".join(lines)


_LAYOUT_TOKENS = frozenset(f"container_docfx-{kind}_{end}" for kind in ("row", "column") for end in ("open", "close"))


def layout(state: StateCore) -> None:
    """Row and column containers (:func:`_layout`) as ``div.docfx-row`` and ``div.docfx-column span-N``."""
    for i, tok in enumerate(state.tokens):
        if tok.type in _LAYOUT_TOKENS:
            block = _block("layout_open" if tok.nesting == 1 else "layout_close", "div", tok.nesting, tok.level)
            if tok.nesting == 1:  # info: "docfx-column span-2"
                block.attrSet("class", " ".join(tok.info.split()[:2]))
            block.map = tok.map
            state.tokens[i] = block


def _lead(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


# --- pipe tables: a '|' inside a code span does not split the cell (as in Markdig) ---------------

_DELIMITER_ROW = re.compile(  # (no two runs of blanks side by side: each split of them was tried, 3 s a row)
    r"^[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+(?:\|[ \t]*)?$|^[ \t]*\|[ \t]*:?-+:?[ \t]*\|[ \t]*$"
)
_PIPE = re.compile(r"(?<!\\)\|")


def _escape_code_pipes(line: str) -> str:
    """The line with each ``|`` inside its code spans escaped, so that a pipe table does not split a cell
    there (code spans as :func:`kb.ingest.verbatim.code_spans` finds them, in one pass over the runs of
    backticks: an expression that tried each split of a run took minutes on a row of 3,000 of them)."""
    if "`" not in line:
        return line
    out, at = [], 0
    for start, end in verbatim.code_spans(line):
        out += [line[at:start], _PIPE.sub(r"\\|", line[start:end])]
        at = end
    return "".join([*out, line[at:]])


def _table_pipes(text: str) -> str:
    if "`" not in text or "|" not in text or "-" not in text:
        return text
    lines = text.split("\n")
    i = 0
    changed = False
    while i < len(lines):
        if "|" in lines[i] and "-" in lines[i] and _DELIMITER_ROW.match(lines[i]) and i > 0:
            j = i - 1
            lines[j] = _escape_code_pipes(lines[j])
            j = i + 1
            while j < len(lines) and "|" in lines[j] and lines[j].strip():
                lines[j] = _escape_code_pipes(lines[j])
                j += 1
            changed, i = True, j
        else:
            i += 1
    return "\n".join(lines) if changed else text


# --- bilingual markup: a localized repository's "hover over" pages hold each sentence twice --------

# ``<span data-ttu-id="…">translation</span><span class="sxs-lookup"><span data-stu-id="…">source</span></span>``:
# Learn shows the translation and hides the source (English, shown on hover), so the document is the
# translation alone. The text of a span may hold inline HTML (``<a href>``) but no span and no line
# break; each scan stops at the next span tag, so a hostile run of openings is read once.
_SPAN_TEXT = r"(?:[^<\n]|<(?!/?span\b)){0,4000}"
BILINGUAL = re.compile(
    rf'<span data-ttu-id="[^"<>\n]{{0,200}}">(?P<text>{_SPAN_TEXT})</span>'
    rf'<span class="sxs-lookup"><span data-stu-id="[^"<>\n]{{0,200}}">(?P<source>{_SPAN_TEXT})</span></span>'
)


MAX_BILINGUAL_DEPTH = 4
"""How deep pairs are read inside pairs: a pair's text holds another when it includes a file whose text is
bilingual too (Business Central's ``[!INCLUDE[d365fin](includes/d365fin_md.md)]``), and each pass reads the
innermost."""


def bilingual(text: str) -> str:
    """``text`` with each pair of spans replaced by its translation (a body, a title of the front matter)."""
    for _ in range(MAX_BILINGUAL_DEPTH):
        if "sxs-lookup" not in text:
            break
        text, found = BILINGUAL.subn(lambda m: m.group("text"), text)
        if not found:
            break
    return text


PREPROCESSORS: list[tuple[str, Callable[[str], str]]] = [
    ("bilingual", bilingual),
    ("image", lambda s: verbatim.sub(_IMAGE, _image, s) if _IMAGE_START.search(s) else s),
    ("video", lambda s: verbatim.sub(_VIDEO, _video, s) if "[!" in s else s),
    ("zone", _zones),
    ("table_pipes", _table_pipes),
]


# --- core rules --------------------------------------------------------------------------------


def _block(kind: str, tag: str, nesting: Literal[-1, 0, 1], level: int, **attrs: str) -> Token:
    tok = Token(kind, tag, nesting)
    tok.block, tok.level = True, level
    for key, value in attrs.items():
        tok.attrSet(key.replace("_", "-"), value)
    return tok


def _title(label: str, level: int) -> list[Token]:
    """A zone's title: a paragraph of class ``tab-title`` (the tab's label)."""
    inline = Token("inline", "", 0)
    inline.content, inline.level, inline.children = label, level + 1, [Token("text", "", 0)]
    inline.children[0].content = label
    opening = _block("paragraph_open", "p", 1, level, **{"class": "tab-title"})
    return [opening, inline, _block("paragraph_close", "p", -1, level)]


def _pivots(info: str) -> list[str]:
    """A zone's pivots (``pivot="a,b"``: the zone is shown for either), or a moniker range as one."""
    found = image_attrs(info)
    if "range" in found:
        return [found["range"].strip()]
    return [p.strip() for p in (found.get("pivot") or found.get("target") or "").split(",") if p.strip()] or [""]


def zones(state: StateCore) -> None:
    """Each run of ``::: zone`` containers becomes one tab group, a panel per zone; so does each run
    of ``::: moniker`` ranges (a run of zones next to a run of ranges is two groups: pivots and
    versions are chosen apart). A panel's title is its pivots' titles (``env["pivot_titles"]``), else
    their ids."""
    if not any(t.type == "container_docfx-zone_open" for t in state.tokens):
        return
    out: list[Token] = []
    kinds: list[str] = []  # the open containers' kinds ("pivot" or "range"), innermost last
    titles: dict[str, str] = state.env.get("pivot_titles") or {}  # the docset's, when it has them
    for tok in state.tokens:
        if tok.type == "container_docfx-zone_open":
            kind = "range" if "range" in image_attrs(tok.info) else "pivot"
            kinds.append(kind)
            last = out[-1] if out else None
            if last is not None and last.type == "tabs_close" and last.level == tok.level and last.meta["kind"] == kind:
                out.pop()  # the zone before this one closed the group: it goes on
            else:
                out.append(_block("tabs_open", "div", 1, tok.level, **{"class": "tabs"}))
            pivots = _pivots(tok.info)
            ids = " ".join(re.sub(r"\s+", "", p) for p in pivots)  # (docfx.js reads them apart at spaces)
            out.append(_block("tabs_panel_open", "section", 1, tok.level, **{"class": "tab-panel", "data-tab": ids}))
            out.extend(_title(", ".join(titles.get(p, p) for p in pivots), tok.level))
        elif tok.type == "container_docfx-zone_close":
            out.append(_block("tabs_panel_close", "section", -1, tok.level))
            out.append(_block("tabs_close", "div", -1, tok.level))
            out[-1].meta["kind"] = kinds.pop() if kinds else "pivot"
        else:
            out.append(tok)
    state.tokens = out


def tabs(state: StateCore) -> None:
    """``# [Label](#tab/id)`` headings and what follows each, up to a ``---`` rule or a heading above
    them, become one tab group (the heading stays as the panel's title)."""
    tokens = state.tokens
    if not any(t.type == "heading_open" and (t.meta or {}).get("tab") for t in tokens):
        return
    out: list[Token] = []
    depth: int | None = None  # the tab headings' level while a group is open

    def close() -> None:
        out.append(_block("tabs_panel_close", "section", -1, 0))
        out.append(_block("tabs_close", "div", -1, 0))

    for tok in tokens:
        tab = (tok.meta or {}).get("tab") if tok.type == "heading_open" and tok.level == 0 else None
        level = int(tok.tag[1]) if tok.type == "heading_open" else None
        if depth is not None and tok.level == 0 and (
            tok.type == "hr" or (level is not None and not tab and level <= depth)
        ):
            close()
            depth = None
            if tok.type == "hr":
                continue
        if tab:
            if depth is None:
                out.append(_block("tabs_open", "div", 1, 0, **{"class": "tabs"}))
                depth = level
            else:
                out.append(_block("tabs_panel_close", "section", -1, 0))
            tab_id = str(tab).split("/")[0]
            out.append(_block("tabs_panel_open", "section", 1, 0, **{"class": "tab-panel", "data-tab": tab_id}))
            tok.attrJoin("class", "tab-title")
        out.append(tok)
    if depth is not None:
        close()
    state.tokens = out


_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


_FRAGMENT_HASHES = re.compile(r"#{2,}")


def normalize_href(href: str) -> str:
    """A relative link written with Windows separators (``..\\x.md``, percent-encoded ``%5C`` after
    markdown-it) as the ordinary path DocFX resolves it to; a fragment written ``##x`` as ``#x``."""
    if "##" in href:
        href = _FRAGMENT_HASHES.sub("#", href, count=1)
    if ("\\" in href or "%5C" in href or "%5c" in href) and not _EXTERNAL.match(href):
        return href.replace("%5C", "/").replace("%5c", "/").replace("\\", "/")
    return href


def from_docset_root(doc_path: str, written: str, exists: Callable[[str], bool]) -> str | None:
    """The path from the content root that a link written ``~/rest`` in ``doc_path`` names, or None when it
    climbs above the content folder. ``~/`` is the root of the document's docset (the folder of its
    ``docfx.json``), one of the folders above the document (Xamarin's ``~/get-started/installation/index.md``
    from ``docs/get-started/quickstarts/``): the nearest where the path ``exists``, else the content root's,
    as includes are found."""
    rest = written[2:].lstrip("/")
    folder, candidates = posixpath.dirname(doc_path), []
    while folder:
        candidates.append(posixpath.normpath(f"{folder}/{rest}"))
        folder = posixpath.dirname(folder)
    candidates.append(posixpath.normpath(rest))
    inside = [c for c in candidates if c != ".." and not c.startswith("../")]
    at_root = candidates[-1] if candidates[-1] in inside else None
    return next((c for c in inside if exists(c)), at_root)


def link_paths(state: StateCore) -> None:
    """Links' hrefs through :func:`normalize_href`."""
    for tok in state.tokens:
        for child in tok.children or ():
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                fixed = normalize_href(href)
                if fixed != href:
                    child.attrSet("href", fixed)


def xref_name(uid: str) -> str:
    """What Learn shows for an ``<xref:uid>`` autolink: the member's name (``System.String.Format*`` →
    ``Format``), its type and name with ``?displayProperty=nameWithType`` (``String.Format``), the
    whole uid with ``fullName``; an overload's ``*`` and a generic's arity (`` `1``) left out."""
    uid, _, query = uid.partition("?")
    uid = re.sub(r"`+\d+", "", unquote(uid).rstrip("*")).split("#")[0]
    shown = re.search(r"displayProperty=(\w+)", query)
    parts = uid.split(".")
    if shown and shown.group(1).lower() == "fullname":
        return uid
    if shown and shown.group(1).lower() == "namewithtype":
        return ".".join(parts[-2:])
    return parts[-1] or uid


_API_UID = re.compile(r"[A-Za-z_][\w`]*(?:\.[\w`*#@(),\[\]{}<>%-]+)+")


def xref_target(href: str) -> tuple[str, str]:
    """The uid and the fragment an ``xref:`` href names (``xref:a/b?displayProperty=x#part`` →
    ``("a/b", "part")``), the uid percent-decoded (``%2A`` is ``*``)."""
    uid, _, fragment = href[5:].partition("#")
    return unquote(uid.split("?", 1)[0]), fragment.lstrip("#")


def asset_key(href: str) -> tuple[str, str] | None:
    """``assetId:///847b571b-…#part``, a link by ``ms.assetid`` as pages converted from TechNet write them
    (Windows Server's): the key :class:`kb.align.resolve.UidIndex` files that document under, and the
    fragment; None for any other link."""
    if href[:8].lower() != "assetid:":
        return None
    guid, _, fragment = href[8:].lstrip("/").partition("#")
    return f"assetid:{unquote(guid).strip().lower()}", fragment.lstrip("#")


def is_api_uid(uid: str) -> bool:
    """``Microsoft.AspNetCore.Authentication.AuthenticationHandler`1``: a dotted name is an API member's
    uid. A conceptual article's (``fundamentals/middleware/index``, ``mvc-overview``) names a page of its
    docset: Learn shows that page's title for it, and only the corpus can say where it is. So does a uid of
    Learn's training (``learn.create-cosmos-db-for-scale.1-introduction``: a module's unit), dotted as it is."""
    if uid[:6].lower() == "learn.":
        return False
    return _API_UID.fullmatch(uid.split("?", 1)[0].split("#", 1)[0]) is not None


def xref_text(state: StateCore) -> None:
    """An autolinked ``<xref:uid>`` shows the uid's name (:func:`xref_name`), not ``xref:…``; one to an
    article is left without text, for the site to show that article's title
    (:func:`kb.ingest.html_rules.rule_link_open`)."""
    for tok in state.tokens:
        children = tok.children or []
        articles = []
        for i, child in enumerate(children[:-1]):
            if child.type == "link_open" and child.markup == "autolink":
                href = str(child.attrGet("href") or "")
                if href.lower().startswith("xref:") and children[i + 1].type == "text":
                    if is_api_uid(href[5:]):
                        children[i + 1].content = xref_name(href[5:])
                    else:
                        articles.append(i + 1)
        for i in reversed(articles):
            del children[i]


CORE_RULES: list[tuple[str, Callable[[StateCore], None]]] = [
    ("docfx_zones", zones),
    ("docfx_layout", layout),
    ("docfx_tabs", tabs),
    ("docfx_link_paths", link_paths),
    ("docfx_xref_text", xref_text),
]
