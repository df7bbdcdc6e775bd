"""The DocFX-flavoured Markdown dialect, shared by ingest (segments) and the site (HTML).

Text-level rewrites run first, each keeping line numbers where it can (``PREPROCESSORS``); then
markdown-it-py parses, and small core rules (``CORE_RULES``, in order) turn DocFX constructs into
ordinary tokens with metadata: alerts, ``[!div]`` blocks, heading anchors and tab headings.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin

from kb.ingest import docfx, exl, htmlblocks, verbatim

# --- text-level rewrites -------------------------------------------------------------------------

# Every scan below stops at the next directive or after a bounded length: an unbounded lazy scan
# per occurrence would make text with thousands of unclosed directives take hours (quadratic).
_NO_LOC = re.compile(r""":::no-loc\s+text\s*=\s*(["'])(?P<text>.{0,200}?)\1\s*:::""")
_ATTR = re.compile(r"""(?<![\w-])([\w-]+)\s*=\s*(["'])(.*?)\2""")  # (a name from its start: one pass)
_NBSP_LINE = re.compile(r"^[ \t\u00a0\u2000-\u200b\u202f\u3000]+$", re.M)
INCLUDE = re.compile(
    r"\[!INCLUDE\s*\[(?P<title>[^\]\n]{0,1000})\]\((?P<target>[^)\s]{1,1000})\)\s*\]"
    r"|\{\{\$include[ \t]+(?P<exl>[^}\s]{1,1000})[ \t]*\}\}",  # Experience League's, from the repository's root
    re.I)
"""An include: DocFX's ``[!INCLUDE[title](file)]``, or Experience League's ``{{$include /help/_includes/x.md}}``
(group ``exl``: its ``target``, no ``title``)."""


_LINE_LEAD = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?")


def indent_included(text: str, body: str, start: int) -> str:
    """Included text as it must read at ``start`` of ``body``: an include in a list item or a quote
    continues that item or quote on every line (a list marker's width becomes spaces), so the list
    goes on after it instead of being cut off."""
    lead = body[body.rfind("\n", 0, start) + 1 : start]
    if "\n" not in text or not lead or _LINE_LEAD.fullmatch(lead) is None:
        return text
    prefix = re.sub(r"[^\s>]", " ", lead).replace("\t", "    ")
    lines = text.split("\n")
    return "\n".join([lines[0], *((prefix + line).rstrip() if line.strip() else prefix.rstrip() for line in lines[1:])])


def normalize_text(text: str) -> str:
    """Line endings to ``\\n``; lines of only (non-breaking) spaces become empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NBSP_LINE.sub("", text)


_BILINGUAL_HEADING = re.compile(r"^(?P<lead>[ \t]{0,3}#{1,6}[ \t]+)(?P<rest>[^\n]*sxs-lookup[^\n]*)$", re.M)


def _source_anchor(m: re.Match[str]) -> str:
    rest = m.group("rest")
    if _A_NAME.search(rest):
        return m.group(0)
    source = " ".join(found.group("source") for found in docfx.BILINGUAL.finditer(rest))
    slug = slugify(html.unescape(re.sub(r"<[^>]*>", "", source)))
    return f'{m.group("lead")}<a name="{slug}"></a>{rest}' if slug else m.group(0)


def bilingual_heading_anchors(text: str) -> str:
    """A heading of a "hover over" page (each sentence with its source beside it, :data:`docfx.BILINGUAL`)
    that has no anchor of its own is named after its source too: the translation keeps the source's links
    (``[Evergreen](#evergreen-distribution-mode)``, Edge's es-ES and ru-RU pages), which name the source
    heading's id; named after the translation alone, every such link opened the page at its top."""
    return verbatim.sub(_BILINGUAL_HEADING, _source_anchor, text) if "sxs-lookup" in text else text


PREPROCESSORS: list[tuple[str, Callable[[str], str]]] = [
    ("bilingual_headings", bilingual_heading_anchors),
    ("exl_video", exl.video),
    ("exl_expand", exl.expand),
    *docfx.PREPROCESSORS,
    ("no_loc", lambda s: verbatim.sub(_NO_LOC, lambda m: m.group("text"), s) if ":::" in s else s),
]


PREPROCESSORS.append(("html_blocks", htmlblocks.join_html_blocks))


def preprocess(body: str) -> str:
    for _name, rule in PREPROCESSORS:
        body = rule(body)
    return body


# --- core rules on the token stream --------------------------------------------------------------

_ALERT_MARK = re.compile(r"^\s*\[!(?P<kind>[A-Za-z]+)\]\s*")
_DIV_MARK = re.compile(r"^\s*\[!div(?P<attrs>[^\]]*)\]\s*", re.I)
_A_NAME = re.compile(r"""<a\s+(?:name|id)\s*=\s*["']([^"']*)["'][^>]*>""", re.I)

# Bold labels that open an alert in older DocFX content (``>**Importante**<br>``), per language.
ALERT_LABELS: dict[str, str] = {
    "note": "NOTE", "notes": "NOTE", "nota": "NOTE", "observação": "NOTE", "observacao": "NOTE",
    "примечание": "NOTE", "заметка": "NOTE", "notas": "NOTE",
    "important": "IMPORTANT", "importante": "IMPORTANT", "важно": "IMPORTANT",
    "tip": "TIP", "dica": "TIP", "sugerencia": "TIP", "suggerimento": "TIP", "совет": "TIP",
    "warning": "WARNING", "aviso": "WARNING", "advertencia": "WARNING", "avviso": "WARNING",
    "attenzione": "WARNING", "предупреждение": "WARNING", "caution": "CAUTION", "cuidado": "CAUTION",
    "precaución": "CAUTION", "внимание": "CAUTION",
}
ALERT_KINDS = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"}


def _first_inline(tokens: list[Token], start: int) -> Token | None:
    for tok in tokens[start + 1 :]:
        if tok.type == "inline":
            return tok
        if tok.type in ("blockquote_close", "html_block", "fence", "code_block"):
            return None
    return None


def _strip_marker(inline: Token, pattern: re.Pattern[str]) -> re.Match[str] | None:
    children = inline.children or []
    if not children or children[0].type != "text":
        return None
    m = pattern.match(children[0].content)
    if m:
        children[0].content = children[0].content[m.end() :]
        inline.content = inline.content[m.end() :] if inline.content.startswith(m.group(0)) else inline.content
        while children and children[0].type in ("softbreak", "hardbreak") or (
            children and children[0].type == "text" and not children[0].content
        ):
            children.pop(0)
    return m


def _strip_bold_label(inline: Token) -> str | None:
    """``**Importante**<br>`` at the start of a blockquote → ``IMPORTANT`` (label removed)."""
    ch = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
    if len(ch) < 3 or ch[0].type != "strong_open" or ch[1].type != "text" or ch[2].type != "strong_close":
        return None
    label = ch[1].content.strip().rstrip(".:!").strip().lower()
    kind = ALERT_LABELS.get(label)
    if kind is None:
        return None
    rest = ch[3:]
    while rest and (
        rest[0].type in ("softbreak", "hardbreak")
        or (rest[0].type == "html_inline" and rest[0].content.lower().startswith("<br"))
        or (rest[0].type == "text" and not rest[0].content.strip())
    ):
        rest.pop(0)
    if rest and rest[0].type == "text":
        rest[0].content = rest[0].content.lstrip()
    inline.children = rest
    return kind


BANG_LABEL = re.compile(r"^[ \t]*!(?:[ \t]*(?P<label>[^\W\d_]{2,20})[.:!]?)(?=\s|$)[ \t]*")
"""``>! Observação O valor…``: machine translation dropped the brackets of ``> [!NOTE]`` and translated the
kind. Read as the alert it was (and reported by :mod:`kb.quality.markup`); any other word stays text."""


def bang_alert_kind(label: str) -> str | None:
    """The alert kind a :data:`BANG_LABEL` label names: a capitalised label (as translations write them;
    ``!important`` is CSS)."""
    return ALERT_LABELS.get(label.lower()) if label[:1].isupper() else None


def _strip_bang_label(inline: Token) -> str | None:
    children = inline.children or []
    m = BANG_LABEL.match(children[0].content) if children and children[0].type == "text" else None
    kind = bang_alert_kind(m.group("label")) if m else None
    if kind is None:
        return None
    _strip_marker(inline, BANG_LABEL)
    return kind


_CODE_ALERT = re.compile(r"\A\s*>\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", re.I)


def indented_alerts(state: StateCore) -> None:
    """An indented code block that starts with an alert marker (``-     > [!IMPORTANT]``: a converter's
    extra spaces after a list marker) is the alert it was meant to be, not code."""
    if not any(t.type == "code_block" and _CODE_ALERT.match(t.content) for t in state.tokens):
        return
    out: list[Token] = []
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "code_block" or not (m := _CODE_ALERT.match(tok.content)):
            out.append(tok)
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        alone = not tok.content[m.end() :].strip()
        if alone and after and after.type == "blockquote_open" and after.level == tok.level:
            # Only the marker was indented: the quote below it is the alert's text.
            after.meta = {**(after.meta or {}), "alert": m.group(1).upper()}
            continue
        for inner in state.md.parse(tok.content, state.env):
            inner.level += tok.level
            if inner.map and tok.map:
                inner.map = [inner.map[0] + tok.map[0], inner.map[1] + tok.map[0]]
            out.append(inner)
    state.tokens = out


def alerts(state: StateCore) -> None:
    """Mark blockquotes that are DocFX alerts or ``[!div]`` blocks, removing their marker."""
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type != "blockquote_open":
            continue
        inline = _first_inline(tokens, i)
        if inline is None:
            continue
        div = _strip_marker(inline, _DIV_MARK)
        if div:
            attrs = {k: v for k, _, v in _ATTR.findall(div.group("attrs"))}
            tok.meta = {**(tok.meta or {}), "div": attrs.get("class", "")}
            continue
        first = (inline.children or [Token("text", "", 0)])[0]
        m = _ALERT_MARK.match(first.content) if first.type == "text" else None
        kind = m.group("kind").upper() if m else ""
        kind = "NOTE" if kind == "NOTES" else exl.ALERTS.get(kind, kind)
        if kind in exl.HIDDEN:  # (gone whole, or for a shaded box's mark, gone when nothing else is there)
            _strip_marker(inline, _ALERT_MARK)
            tok.meta = {**(tok.meta or {}), "hidden": "always" if kind == "CONTEXTUALHELP" else "empty"}
            continue
        if kind in ALERT_KINDS:
            _strip_marker(inline, _ALERT_MARK)
            tok.meta = {**(tok.meta or {}), "alert": kind}
            continue
        label = _strip_bold_label(inline) or _strip_bang_label(inline)
        if label:
            tok.meta = {**(tok.meta or {}), "alert": label}


def empty_paragraphs(state: StateCore) -> None:
    """Drop the paragraphs an alert's marker was all of (``> [!NOTE]``, ``>``, ``> Text.``): Learn shows
    the title, then the text, and no empty paragraph between them."""
    tokens = state.tokens
    empty = {i for i in range(1, len(tokens) - 1) if tokens[i].type == "inline" and not tokens[i].children
             and tokens[i - 1].type == "paragraph_open" and tokens[i + 1].type == "paragraph_close"}
    if empty:
        state.tokens = [t for i, t in enumerate(tokens) if not ({i - 1, i, i + 1} & empty)]


def _alert_start(children: list[Token]) -> int | None:
    """Index of the text child that starts a further alert after a line break (``> [!NOTE]`` lines
    with no blank line between them: Learn shows one alert each)."""
    for j in range(1, len(children)):
        prev, child = children[j - 1], children[j]
        if prev.type in ("softbreak", "hardbreak") and child.type == "text":
            m = _ALERT_MARK.match(child.content)
            if m and m.group("kind").upper() in ALERT_KINDS:
                return j
    return None


def split_alerts(state: StateCore) -> None:
    """Split an alert whose paragraph holds a further ``[!KIND]`` line into one alert per marker."""
    tokens = state.tokens
    out: list[Token] = []
    quotes: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        out.append(tok)
        if tok.type == "blockquote_open":
            quotes.append(tok)
        elif tok.type == "blockquote_close" and quotes:
            quotes.pop()
        elif (tok.type == "paragraph_open" and quotes and (quotes[-1].meta or {}).get("alert")
              and tok.level == quotes[-1].level + 1 and i + 1 < len(tokens)):
            inline = tokens[i + 1]
            while (j := _alert_start(inline.children or [])) is not None:
                children = inline.children or []
                m = _ALERT_MARK.match(children[j].content)
                assert m is not None
                kind = m.group("kind").upper()
                head, tail = children[: j - 1], children[j:]
                tail[0].content = tail[0].content[m.end() :]
                inline.children = head
                quote = Token("blockquote_open", "blockquote", 1)
                quote.block, quote.level, quote.map, quote.meta = True, quotes[-1].level, tok.map, {"alert": kind}
                closing = Token("blockquote_close", "blockquote", -1)
                closing.block, closing.level = True, quote.level
                para_close = Token("paragraph_close", "p", -1)
                para_close.block, para_close.level = True, tok.level
                para_open = Token("paragraph_open", "p", 1)
                para_open.block, para_open.level, para_open.map = True, tok.level, tok.map
                out.extend([inline, para_close, closing, quote, para_open])
                quotes[-1] = quote
                inline = Token("inline", "", 0)
                inline.level, inline.map = tok.level + 1, tok.map
                inline.children = [c for c in tail if not (c.type == "text" and not c.content)]
                while inline.children and inline.children[0].type in ("softbreak", "hardbreak"):
                    inline.children.pop(0)
                inline.content = "".join(c.content for c in inline.children)
            out.append(inline)
            i += 2
            continue
        i += 1
    state.tokens = out


_INLINE_ALERT = re.compile(r"(?:>[ \t]*)?\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*>?[ \t]*", re.I)


def inline_alerts(state: StateCore) -> None:
    """An alert marker inside a line (``<br/> > [!IMPORTANT]>`` in a pipe table's cell, where no block can
    start) becomes an ``alert_label`` token: the alert's title, in the page's language."""
    for tok in state.tokens:
        if tok.type != "inline" or "[!" not in tok.content:
            continue
        children: list[Token] = []
        for child in tok.children or []:
            if child.type != "text" or "[!" not in child.content:
                children.append(child)
                continue
            rest = child.content
            while m := _INLINE_ALERT.search(rest):
                if m.start():
                    children.append(_text(rest[: m.start()]))
                label = Token("alert_label", "strong", 0)
                label.meta = {"alert": m.group(1).upper()}
                children.append(label)
                rest = rest[m.end() :]
            if rest:
                children.append(_text(rest))
        tok.children = children


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def slugify(text: str) -> str:
    """A GitHub/DocFX-style anchor id: lower case, words joined by ``-``, accents kept as letters."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def heading_anchors(state: StateCore) -> None:
    """Give every heading an ``id``: the ``<a name>`` inside or before it, else a slug of its text."""
    pending: str | None = None
    seen: dict[str, int] = {}
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type in ("html_block", "inline") and tok.content.lstrip().startswith("<a"):
            # A bare ``<a name="x"></a>`` line names the heading right after it (nothing in between: Azure's
            # tabs put ``<a id="cli"></a>`` at the top of a panel, whose text follows).
            m = _A_NAME.fullmatch(tok.content.strip().replace("</a>", "").strip())
            pending = m.group(1) if m else None
            continue
        if tok.type != "heading_open":
            if tok.type not in ("paragraph_open", "paragraph_close"):
                pending = None
            continue
        inline = tokens[i + 1]
        anchor = pending
        pending = None
        kept: list[Token] = []
        dropped = False  # the '</a>' after the anchor taken as the heading's id goes with it
        for child in inline.children or []:
            if child.type == "html_inline":
                m = _A_NAME.match(child.content)
                if m and not anchor:
                    anchor, dropped = m.group(1), True
                    continue
                if child.content.lower() == "</a>" and dropped:
                    dropped = False
                    continue
                # Further anchors stay, and render as empty elements with their ids (links to them land).
            kept.append(child)
        inline.children = kept
        anchor = exl.heading_id(kept) or anchor  # (Experience League's '## Title {#anchor}')
        _tab_heading(inline, tok)
        if not anchor:
            # (An empty heading, '## ' above a table in Skype's articles, is a "section", as Markdig names it.)
            anchor = slugify("".join(c.content for c in kept if c.type in ("text", "code_inline"))) or "section"
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 0
        tok.attrSet("id", anchor)


def _tab_heading(inline: Token, heading: Token) -> None:
    """``# [Linux](#tab/linux)`` is a DocFX tab label: keep its text, drop the pseudo-link."""
    ch = inline.children or []
    first = next((k for k, c in enumerate(ch) if c.type != "html_inline"), len(ch))  # (after anchors kept)
    if len(ch) - first >= 3 and ch[first].type == "link_open" and str(ch[first].attrGet("href") or "").startswith(
        "#tab/"
    ):
        heading.meta = {**(heading.meta or {}), "tab": str(ch[first].attrGet("href"))[5:]}
        inline.children = [c for c in ch if c.type not in ("link_open", "link_close")]


CORE_RULES: list[tuple[str, Callable[[StateCore], None]]] = [
    ("docfx_indented_alerts", indented_alerts),
    ("docfx_alerts", alerts),
    ("exl_hidden_quotes", exl.hidden_quotes),
    ("exl_ui_text", exl.ui_text),
    ("exl_badges", exl.badges),
    ("empty_paragraphs", empty_paragraphs),
    ("docfx_split_alerts", split_alerts),
    ("docfx_inline_alerts", inline_alerts),
    ("docfx_heading_anchors", heading_anchors),
    *docfx.CORE_RULES,
]


def make_parser() -> MarkdownIt:
    """A markdown-it parser for the DocFX dialect (CommonMark + tables + strikethrough + raw HTML)."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["maxNesting"] = 50
    # ':::image' becomes an image with its classes and lightbox (kb.ingest.docfx); Experience League writes
    # '{target="_blank"}' after links (kb.ingest.exl): attributes in braces are read after images and links
    # only, the others dropped, so '{…}' anywhere else stays text.
    attrs_plugin(md, after=("image", "link_close"), allowed=("class", "lightbox"))
    container_plugin(md, "docfx-zone")  # '::: zone pivot' fences, renamed by kb.ingest.docfx
    for layout in ("docfx-row", "docfx-column"):  # ':::row:::', ':::column:::', likewise
        container_plugin(md, layout, marker=docfx.LAYOUT_MARKER)
    for name, rule in CORE_RULES:
        md.core.ruler.push(name, rule)
    return md


_PARSER: MarkdownIt | None = None


def parser() -> MarkdownIt:
    """The shared parser (building one costs more than parsing a typical article)."""
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    return _PARSER


def parse(body: str, pivot_titles: dict[str, str] | None = None) -> list[Token]:
    """Tokens of a document body, after the text-level rewrites. ``pivot_titles``: zone pivot id → the
    title its tab shows (:mod:`kb.ingest.pivots`)."""
    return parser().parse(preprocess(body), {"pivot_titles": pivot_titles} if pivot_titles else None)


def nesting_overflow(tokens: list[Token]) -> int | None:
    """The 0-based body line where content nested deeper than the parser's limit was left out.

    markdown-it silently drops whatever lies deeper than ``maxNesting`` (our guard against stack
    and time blow-ups); ingest reports it instead. An opening token at the last allowed level is
    the sign: anything inside it would be one level too deep."""
    limit = int(parser().options["maxNesting"]) - 1
    for tok in tokens:
        if tok.nesting == 1 and tok.level >= limit:
            return tok.map[0] if tok.map else 0
    return None
