"""Adobe Experience League's Markdown, read beside DocFX's. Adobe's localized docsets (``AdobeDocs/…``
repositories, one per locale, with ``TOC.md`` and ``>[!NOTE]`` alerts as DocFX's) write a dialect of it
that Learn's parser does not read; without these rules their pages showed ``[!UICONTROL Save]`` 14,000
times in one section, and every link to a ``{#anchor}`` led nowhere.

* ``[!UICONTROL Save]`` (a label of the product's interface) and ``[!DNL Adobe Analytics]`` (a name kept
  untranslated) are their text, in a link's words too (``[[!DNL Real-Time CDP]](overview.md)``), and
  code keeps them as written (:func:`ui_text`);
* ``## Title {#anchor}``: the heading's id (:func:`heading_id`);
* ``>[!INFO]``, ``>[!SUCCESS]``, ``>[!ERROR]``, ``>[!AVAILABILITY]``, ``>[!PREREQUISITES]``,
  ``>[!ADMINISTRATION]`` are alerts of DocFX's kinds (:data:`ALERTS`); ``>[!CONTEXTUALHELP]`` (the text of
  the product's in-app help, which the page does not show) and the ``>[!BEGINSHADEBOX]`` /
  ``>[!ENDSHADEBOX]`` marks around a shaded box leave nothing (:data:`HIDDEN`, :func:`hidden_quotes`);
* ``>[!VIDEO](url)`` is DocFX's ``[!VIDEO url]`` (:data:`VIDEO`);
* ``+++ Title`` … ``+++`` is a section the reader expands: ``<details>`` with the title as its ``<summary>``
  (:func:`expand`; Workfront opens thousands of articles' access requirements so);
* ``[!BADGE Beta]{type=Positive url="/help/x.md" tooltip="…"}`` is a badge: a coloured label of its type, a
  link when it has a ``url``, its tooltip a title (:func:`badges`); a front matter's ``badgeBeta: label="Beta"
  type="Positive"`` one shown above the page (:func:`metadata_badges`);
* ``{target="_blank"}`` after a link, ``{width="…" zoomable="yes"}`` after an image: read and dropped,
  by the parser's attribute rule (:func:`kb.ingest.markdown.make_parser`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from kb.ingest import verbatim
from kb.model import Badge

ALERTS: dict[str, str] = {
    "INFO": "NOTE", "AVAILABILITY": "NOTE", "PREREQUISITES": "NOTE", "ADMINISTRATION": "NOTE",
    "SUCCESS": "TIP", "ERROR": "CAUTION",
}
"""Experience League's alert kinds → the DocFX kind shown in their place."""
HIDDEN = frozenset({"CONTEXTUALHELP", "BEGINSHADEBOX", "ENDSHADEBOX"})
"""Quotes whose marker says the page shows nothing of them."""
VIDEO = re.compile(r"^(?P<lead>[ \t]*(?:>[ \t]*)+)\[!VIDEO\]\((?P<url>[^)\s]{1,2000})\)[ \t]*$", re.M | re.I)
"""``>[!VIDEO](url)``: rewritten as DocFX's ``[!VIDEO url]`` (:mod:`kb.ingest.docfx`'s link card)."""

UI_MARKS = ("UICONTROL ", "DNL ")
"""How the marks read as their text begin, after ``[!`` (a line may start with one: it is no alert)."""
_UI_MARK = re.compile(r"\[!(?:UICONTROL|DNL)[ \t]+(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]{0,200}\]){0,1000})\]", re.I)
"""A mark and its text, which may hold brackets one deep (``[!DNL [AI assistant]]``, a mark nested in it)."""
_BADGE = re.compile(r"\[!BADGE[ \t]+(?P<label>[^\[\]\n]{1,200})\](?:\{(?P<attrs>[^{}\n]{0,1000})\})?", re.I)
_BADGE_ATTR = re.compile(
    r"""(?P<key>[A-Za-z]{1,20})[ \t]*=[ \t]*(?:"(?P<quoted>[^"\n]*)"|'(?P<single>[^'\n]*)'|(?P<bare>[^\s"']+))""")
BADGE_TYPES = frozenset({"informative", "positive", "negative", "neutral", "caution"})
"""Experience League's badge colours (Adobe Spectrum's); ``informative`` when a badge names none or another."""
_HEADING_ID = re.compile(r"\{#(?P<id>[^\s{}#]{1,200})\}[ \t]*$")  # (no leading blanks: searched, they are
# tried from every position of a heading of a hundred thousand spaces)


_EXPAND_OPEN = re.compile(r"^[ \t]{0,3}\+\+\+[ \t]*(?P<title>[^\s+].*)")  # (the title stripped after: a lazy
# title before trailing blanks tried every split of a line of blanks)
_EXPAND_CLOSE = re.compile(r"^[ \t]{0,3}\+\+\+[ \t]*$")


def expand(text: str) -> str:
    """Each ``+++ Title`` line closed by a later ``+++`` line as ``<details class="exl-expand"><summary>Title
    </summary>`` and ``</details>``, line for line (the HTML blocks around the Markdown between them are one
    wrapper to :mod:`kb.ingest.htmlblocks`). Not inside a code fence; an opening never closed stays text."""
    if "+++" not in text:
        return text
    fenced = verbatim.fenced_code(text)
    lines = text.split("\n")
    opening: tuple[int, str] | None = None
    at = 0
    for i, line in enumerate(lines):
        start, at = at, at + len(line) + 1
        if "+++" not in line or verbatim.inside(fenced, start):
            continue
        if opening is not None and _EXPAND_CLOSE.match(line):
            at, title = opening
            summary = html.escape(unmarked(title), quote=False)  # (raw HTML's text: its marks read here)
            lines[at] = f'<details class="exl-expand"><summary>{summary}</summary>'
            lines[i] = "</details>"
            opening = None
        elif (m := _EXPAND_OPEN.match(line)) is not None:
            opening = (i, m.group("title").rstrip())
    return "\n".join(lines)


def video(text: str) -> str:
    """``>[!VIDEO](url)`` lines as ``>[!VIDEO url]``."""
    if "[!" not in text:
        return text
    return verbatim.sub(VIDEO, lambda m: f"{m.group('lead')}[!VIDEO {m.group('url')}]", text)


def ui_text(state: StateCore) -> None:
    """``[!UICONTROL text]`` / ``[!DNL text]`` in the text of every inline token (an image's words too)
    → ``text``, innermost first. A core rule, after the inline parse: an inline rule that takes a run
    starting with ``[`` inside a link's words reads, to markdown-it, as a link inside a link, and
    ``[[!DNL Real-Time CDP]](overview.md)`` was no link at all. Code spans are tokens of their own: kept."""
    for tok in state.tokens:
        if tok.type == "inline" and "[!" in tok.content:
            _unmark(tok.children or [])


def metadata_badges(front_matter: Mapping[str, Any]) -> tuple[Badge, ...]:
    """The badges a front matter names (keys starting ``badge``, in the order of their names, as Experience
    League shows them); a value without a ``label`` is none."""
    found = []
    for key in sorted(k for k in front_matter if isinstance(k, str) and k.lower().startswith("badge")):
        value = front_matter[key]
        if isinstance(value, str) and (values := _badge_values(value)).get("label"):
            found.append(Badge(values["label"], _badge_kind(values), _badge_url(values), values.get("tooltip", "")))
    return tuple(found)


def _badge_values(attrs: str) -> dict[str, str]:
    return {m.group("key").lower(): next(v for v in m.group("quoted", "single", "bare") if v is not None)
            for m in _BADGE_ATTR.finditer(attrs)}


def _badge_kind(values: Mapping[str, str]) -> str:
    kind = values.get("type", "").lower()
    return kind if kind in BADGE_TYPES else "informative"


def _badge_url(values: Mapping[str, str]) -> str:
    """The address of a badge's ``url`` (``"https://www.adobe.com newtab=true"``: the address first)."""
    return next(iter((values.get("url") or "").split()), "")


def badges(state: StateCore) -> None:
    """``[!BADGE label]{type=… url="…" tooltip="…"}`` in the text of every inline token → a ``<span>`` of the
    badge's classes and title around its label, and inside it a link to ``url`` when there is one (an
    ordinary link token: it is resolved, checked and rewritten as every link is). After :func:`ui_text`, so
    a label written ``[!BADGE [!DNL Beta]]`` is read too."""
    for tok in state.tokens:
        if tok.type == "inline" and "[!" in tok.content and tok.children:
            tok.children = _with_badges(tok.children)


def _with_badges(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    for child in children:
        if child.children:
            child.children = _with_badges(child.children)
        if child.type != "text" or "[!" not in child.content:
            out.append(child)
            continue
        at = 0
        for m in _BADGE.finditer(child.content):
            out += _text(child.content[at:m.start()]) + _badge(m.group("label").strip(), m.group("attrs") or "")
            at = m.end()
        out += _text(child.content[at:]) if at else [child]
    return out


def _text(content: str) -> list[Token]:
    if not content:
        return []
    tok = Token("text", "", 0)
    tok.content = content
    return [tok]


def _badge(label: str, attrs: str) -> list[Token]:
    values = _badge_values(attrs)
    title = f' title="{html.escape(values["tooltip"])}"' if values.get("tooltip") else ""
    opening = Token("html_inline", "", 0)
    opening.content = f'<span class="exl-badge exl-badge-{_badge_kind(values)}"{title}>'
    closing = Token("html_inline", "", 0)
    closing.content = "</span>"
    url = _badge_url(values)
    if not url:
        return [opening, *_text(label), closing]
    link_open = Token("link_open", "a", 1, attrs={"href": url})
    return [opening, link_open, *_text(label), Token("link_close", "a", -1), closing]


MAX_NESTED_MARKS = 4
"""Marks nested deeper than this stay as written: each depth is one more pass over the text, and a hostile
paragraph may nest a hundred thousand."""


def _unmark(children: list[Token]) -> None:
    for i, child in enumerate(children):
        if child.type == "text" and "[!" in child.content:
            child.content = unmarked(child.content)
            if (opened := _OPEN_MARK.search(child.content)) is not None:
                _close_across(children, i, opened)
        elif child.children:
            _unmark(child.children)


_OPEN_MARK = re.compile(r"\[!(?:UICONTROL|DNL)[ \t]+(?P<text>[^\[\]\n]{0,1000})$", re.I)
"""A mark whose ``]`` a translation put past an emphasis's end (``**[!UICONTROL Implementación**]``): the text
token ends with its opening, the closing bracket starts a later one."""


def _close_across(children: list[Token], at: int, opened: re.Match[str]) -> None:
    """Read the mark opened at the end of ``children[at]`` as its text when only emphasis marks stand between
    it and a text that starts with its ``]`` (then both lose their brackets)."""
    for later in children[at + 1:]:
        if later.type == "text":
            if later.content.startswith("]"):
                children[at].content = children[at].content[:opened.start()] + opened.group("text")
                later.content = later.content[1:]
            return
        if later.type not in ("strong_close", "em_close", "s_close"):
            return


def unmarked(text: str) -> str:
    """``text`` with its ``[!UICONTROL …]`` / ``[!DNL …]`` marks read as their text, innermost first, up to
    :data:`MAX_NESTED_MARKS` deep (also a navigation entry's title, which is not parsed as Markdown)."""
    for _ in range(MAX_NESTED_MARKS):
        if "[!" not in text or (new := _UI_MARK.sub(r"\g<text>", text)) == text:
            break
        text = new
    return text


def heading_id(children: list[Token]) -> str | None:
    """The ``{#id}`` ending a heading's text, taken out of it; None when it has none."""
    last = children[-1] if children else None
    if last is None or last.type != "text" or "{#" not in last.content:
        return None
    m = _HEADING_ID.search(last.content)
    if m is None:
        return None
    last.content = last.content[: m.start()].rstrip(" \t")
    return m.group("id")


def hidden_quotes(state: StateCore) -> None:
    """Drop the quotes :func:`kb.ingest.markdown.alerts` marked ``hidden``: ``always`` whole, ``empty``
    when no text is left in them (a shaded box's mark on a line of its own; text after it stays)."""
    tokens, i = state.tokens, 0
    out: list[Token] = []
    while i < len(tokens):
        tok = tokens[i]
        hidden = (tok.meta or {}).get("hidden") if tok.type == "blockquote_open" else None
        if hidden:
            end, depth = i + 1, 1
            while end < len(tokens) and depth:
                depth += tokens[end].nesting if tokens[end].type.startswith("blockquote_") else 0
                end += 1
            if hidden == "always" or not any(t.type == "inline" and t.content.strip() for t in tokens[i:end]):
                i = end
                continue
        out.append(tok)
        i += 1
    state.tokens = out
