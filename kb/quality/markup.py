"""``malformed_markup``: DocFX markup the parser could not read, found in the document's own text and
reported in the locale where it is — an alert whose marker a translation mangled (``>[! Nota]``,
``[! NOTE SULLA]``, ``> [!NOTE:]``, ``>! Observação``), a link left without its words (``[](#id)``), a
``:::`` directive never closed, an include written wrong, a character reference a space broke (``& #40;``),
a tag whose closing quote a translation wrote ``&quot;`` (``<a name="x&quot;></a>``),
a translation tool's placeholder (``{1&gt;…&lt;1}``), a reference link whose label names no definition
(``[обработчика файлов][]`` beside ``[обработчик файлов]: …``: machine translation inflected one of the
two) — and, found in the parsed text, bold marks a reader
sees as written (``**segurança &amp; **``, ``Vá para ****``: machine translation moves a space inside the
marks or empties them), DocFX syntax a translation broke past reading (``':::image …::': null``) and
links and images shown as written (a space in the address, quotes a translation put inside the title's
quotes: ``![значок "Параметры"](a.png "значок "Параметры"")``).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator
from dataclasses import replace

from kb.ingest import exl, markdown, verbatim
from kb.ingest.detection import without_code
from kb.ingest.docfx import VIDEO_MARKER
from kb.ingest.htmlblocks import blank_comments
from kb.ingest.markdown import ALERT_KINDS, BANG_LABEL, INCLUDE, bang_alert_kind
from kb.model import Document, Finding, Segment, SegmentKind
from kb.quality.context import Context, doc_finding, quote
from kb.quality.numbers import BROKEN_REFERENCE

_ALERT = re.compile(r"^[ \t]*(?:>[ \t]*)+\[!([^\]\n]*)\]", re.MULTILINE)
_BANG_ALERT = re.compile(r"^[ \t]*(?:>[ \t]*)+" + BANG_LABEL.pattern[1:], re.MULTILINE)
_BARE_ALERT = re.compile(r"^[ \t]*(?:>[ \t]*)+\[(?P<label>[^\W\d_]{2,20})\](?![(\[:])", re.MULTILINE)
"""A quote opened by a bracketed alert word without its ``!`` (machine translation's ``> [СОВЕТ]``)."""
CODE_SPAN = re.compile(r"`[^`\n]*`")
"""An inline code span on one line."""


def _blank(m: re.Match[str]) -> str:
    """The match as spaces, its newlines kept (so positions and line numbers hold)."""
    return verbatim.spaces(m.group(0))


_CODE_INCLUDE = re.compile(r"\[!code-[\w+#.-]{0,40}\[[^\]\n]{0,500}\]\([^)\n]{0,1000}\)\]", re.IGNORECASE)
_BLOCK_START = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)?")
"""What may stand before a code include on its line: quote marks, a list item's marker."""
_EMPTY_LINK = re.compile(r"(?<![\]\\!`])\[\]\((?!\))[^()\s`]{1,500}\)")
"""``[](#card-layout)``: a link whose words machine translation dropped (the site shows the heading or
page it leads to, :func:`kb.ingest.html_rules.rule_link_open`; the source should say it)."""
_INCLUDE_START = re.compile(r"\[!\s*include\b", re.IGNORECASE)
_QUOTED_AT_MOST = 500
"""What of a line a finding keeps to quote (it shows the first 60 characters)."""
_DIRECTIVE = re.compile(r"^[ \t]*:::[ \t]*([\w-]*)(.*)$|:::[ \t]?(image-end)[ \t]?:::", re.MULTILINE)
"""A directive opening a line, or a complex image's end anywhere (``Núcleo de WPF :::image-end:::``: the
long description and its end on one line, which Learn reads)."""
_IMAGE_END_IN = re.compile(r":::[ \t]?image-end[ \t]?:::")
_CONTAINERS = frozenset({"row", "column"})
"""Directives written ``:::row:::`` … ``:::row-end:::``: their opening line ends with colons too; so does a
complex image's (``:::image type="complex" …:::`` … ``:::image-end:::``)."""
_OPEN_TAG, _CLOSE_TAG = r"\{\d{1,2}(?:&gt;|>)", r"(?:&lt;|<)\d{1,2}\}"
_PLACEHOLDER = re.compile(rf"{_OPEN_TAG}(?:[^{{}}\n]|{_OPEN_TAG}[^{{}}\n]*?{_CLOSE_TAG})*?{_CLOSE_TAG}")
"""``{1>{2>Próximas etapas<2}<1}``: the inline tags of a translation tool's segment, left in the text
(written ``{1&gt;…&lt;1}`` once escaped)."""
_REFERENCE_PLACEHOLDER = re.compile(r"\[\|::ref\d{1,3}::\|[^\]\n]{0,200}\]")
"""``[https://www.microsoft.com][|::ref1::|Main]``: a reference link's label the tool replaced (Edge's
WebView2 articles, three locales), so the link shows as written."""
_CODE_PLACEHOLDER = re.compile(r"@[ \t]?no__t[ \t]?-?[ \t]?\d{1,3}|(?<=[ \t])no__t-\d{1,3}\b", re.IGNORECASE)
"""What machine translation left for a code span it did not put back (``@No__t-0 컬렉션``, ``@no__t 0``, in
many Microsoft docsets), also with a space after its ``@`` or without it (``@ no__t-1``, ``de no__t-1``:
Windows Server's es-ES failover clustering pages): the reader sees it instead of the code."""
_ATTRIBUTE = r"""\s+[\w:.-]+(?:\s*=\s*(?:"[^"\n]*"|'[^'\n]*'|[^\s"'=<>`]+))?"""
_QUOTE_LOST_TAG = re.compile(rf"""<[a-zA-Z][\w-]*(?:{_ATTRIBUTE})*\s+[\w:.-]+\s*=\s*"[^"<>\n]*&quot;[^"<>\n]*>""")
"""A tag whose closing quote machine translation wrote as ``&quot;`` (``<a name="next&quot;></a>``): its
value never closes, so it is no tag and shows as written (localized Azure, .NET and Dynamics pages)."""
_REFERENCE = re.compile(r"(?<![\\\]`\w])!?\[([^\[\]\n]{1,300})\]\[([^\[\]\n]{0,300})\](?![(:])")
"""A full or collapsed reference link, ``[text][label]`` or ``[text][]`` (whose label is its text)."""
_DEFINITION = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?\[([^\[\]\n]{1,999})\]:", re.MULTILINE)
"""A link reference definition's label (``[label]: url``), in a quote or a list item too."""
MAX_LABELS_COMPARED = 500
"""A label no definition names is compared with at most this many defined ones, for the nearest (a document
of thousands of both would compare every pair)."""
_GOOD_ALERT = re.compile(r"^(?:" + "|".join(sorted(ALERT_KINDS | exl.ALERTS.keys() | exl.HIDDEN))
                         + rf"|NOTES|div\b.*|{VIDEO_MARKER})$", re.IGNORECASE)
"""What :func:`kb.ingest.markdown.alerts` reads: a kind in any case (NOTES for NOTE; Experience League's
kinds, :mod:`kb.ingest.exl`), or a div; and a video (:mod:`kb.ingest.docfx`, or ``[!VIDEO](url)``)."""


_ALERT_LINE = re.compile(r"^[ \t]*>[ \t]*\[!(?:" + "|".join(sorted(ALERT_KINDS)) + r")\]", re.MULTILINE | re.IGNORECASE)
_ALERT_UNDER_TAG = re.compile(r"^[ \t]*<[^\n]*\n" + _ALERT_LINE.pattern[1:], re.MULTILINE | re.IGNORECASE)


_ALERT_IN_HTML = "an alert right under HTML is read as part of it and shows as written (leave a blank line above it)"


def _alerts_in_html(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line, text) of each alert written on the line right under HTML (``<td><p>…</p>`` then
    ``> [!NOTE]``, Exchange's ru-RU tables): an HTML block runs to a blank line, so Markdig, and Learn, show
    the alert as written inside it. The body is parsed only when such a line exists."""
    if not _ALERT_UNDER_TAG.search(body):
        return
    for tok in markdown.parse(body):
        if tok.type == "html_block" and tok.map and "[!" in tok.content:
            for m in _ALERT_LINE.finditer(tok.content):
                end = tok.content.find("\n", m.start())
                yield tok.map[0] + tok.content.count("\n", 0, m.start()), tok.content[m.start() : end]




def reference_label(label: str) -> str:
    """A reference label as CommonMark matches it: case folded, its runs of white space one space."""
    return " ".join(label.split()).casefold()


def _unresolved_references(text: str) -> Iterator[tuple[int, str]]:
    """(position, message) of each ``[text][label]`` whose label no ``[label]: url`` of ``text`` defines:
    Markdown, and Learn with it, shows it as written, brackets and all."""
    defined = {reference_label(m.group(1)) for m in _DEFINITION.finditer(text)}
    for m in _REFERENCE.finditer(text):
        label = m.group(2) if m.group(2).strip() else m.group(1)
        if reference_label(label) in defined or "::ref" in label:  # (a tool's placeholder: reported as one)
            continue
        if any(part.lstrip().startswith("-") or "<" in part for part in m.groups()):
            continue  # command syntax written in brackets on purpose: [-Confirm <SwitchParameter>][-WhatIf]
        what = f"the reference link's label [{label}] names no definition ([{label}]: …), so it shows as written"
        near = difflib.get_close_matches(reference_label(label), defined, n=1, cutoff=0.6) if len(defined) <= \
            MAX_LABELS_COMPARED else []
        yield m.start(), what + (f"; the document defines [{near[0]}]" if near else "")


def outside_code(body: str) -> str:
    """``body`` with its code (fenced blocks and code spans, as :mod:`kb.ingest.verbatim` finds them) and
    its HTML comments blanked out, newlines kept (so positions and line numbers hold): a reader sees
    neither as markup (a page documenting DocFX's syntax shows it in code; EF Core's translations keep a
    code include commented out)."""
    text = verbatim.blank(body, verbatim.verbatim_spans(body)) if "`" in body or "~~~" in body else body
    return blank_comments(text)


def problems(body: str) -> Iterator[tuple[int, str, str]]:
    """(0-based line, what is wrong, the text) of every piece of markup the parser could not read."""
    text = outside_code(body)
    newlines: list[int] = []

    def line_of(pos: int) -> int:
        # (by bisection: counted from the start for each, a document of 30,000 broken includes took minutes)
        if not newlines:
            newlines.extend(m.start() for m in re.finditer("\n", text))
            newlines.append(len(text))
        return bisect.bisect_left(newlines, pos)

    for m in _ALERT.finditer(text):
        marker = m.group(1)
        if marker.upper().startswith(("INCLUDE", "CODE-", *exl.UI_MARKS)) or _GOOD_ALERT.match(marker):
            continue
        if marker.upper() == "VIDEO" and text.startswith("(", m.end()):  # (Experience League's [!VIDEO](url))
            continue
        yield line_of(m.start()), f"the alert marker [!{m.group(1)}] is not one the parser reads", m.group(0)
    for m in _BANG_ALERT.finditer(text) if "!" in text else ():
        if (kind := bang_alert_kind(m.group("label"))) is not None:
            yield line_of(m.start()), f"the alert marker lost its brackets (write > [!{kind}])", m.group(0)
    for m in _BARE_ALERT.finditer(text) if ">" in text else ():
        if (kind := bang_alert_kind(m.group("label"))) is not None:
            yield line_of(m.start()), f"the alert marker lost its '!' (write > [!{kind}])", m.group(0)
    for m in _CODE_INCLUDE.finditer(text) if "[!code-" in text.lower() else ():
        start = text.rfind("\n", 0, m.start()) + 1
        if _BLOCK_START.fullmatch(text[start : m.start()]) is None:
            what = "a code include after text on its line shows as written (it must start a line)"
            yield line_of(m.start()), what, m.group(0)
    spans_blank = CODE_SPAN.sub(_blank, text) if "[](" in text or "&quot;" in text else text
    for m in _EMPTY_LINK.finditer(_CODE_INCLUDE.sub(_blank, spans_blank)) if "[](" in text else ():
        yield line_of(m.start()), "a link has no text: the reader has nothing to follow", m.group(0)
    for m in _INCLUDE_START.finditer(text):
        if not INCLUDE.match(text, m.start()):
            end = text.find("\n", m.start(), m.start() + _QUOTED_AT_MOST)
            written = text[m.start() : end if end != -1 else m.start() + _QUOTED_AT_MOST]
            yield line_of(m.start()), "the include is not written [!INCLUDE [title](file.md)]", written
    for m in _PLACEHOLDER.finditer(text) if "{" in text else ():
        yield line_of(m.start()), "a translation tool's placeholder is left in the text", m.group(0)
    for pos, what in _unresolved_references(CODE_SPAN.sub(_blank, text)) if "][" in text else ():
        yield line_of(pos), what, text[pos : text.find("]", text.find("][", pos) + 2) + 1]
    for m in _REFERENCE_PLACEHOLDER.finditer(text) if "::ref" in text else ():
        yield line_of(m.start()), "a translation tool's placeholder is left in the text", m.group(0)
    for m in _CODE_PLACEHOLDER.finditer(text) if "__t" in text else ():
        yield line_of(m.start()), "a translation tool's placeholder is left in the text", m.group(0)
    for m in _QUOTE_LOST_TAG.finditer(spans_blank) if "&quot;" in text else ():
        yield line_of(m.start()), "this tag's closing quote is written &quot;, so the tag shows as written", m.group(0)
    for m in BROKEN_REFERENCE.finditer(text) if "&" in text else ():
        lost_hash = "#" not in m.group(0) and m.group(0)[1:].lstrip()[:1].isdigit()
        what = "this character reference lost its '#'" if lost_hash else "a space breaks this character reference"
        yield line_of(m.start()), f"{what}, which shows as written", m.group(0)
    for line, written in _alerts_in_html(text) if "[!" in text else ():
        yield line, _ALERT_IN_HTML, written
    opened: list[int] = []
    for m in _DIRECTIVE.finditer(text):
        name, rest = (m.group(3) or m.group(1) or "").lower(), m.group(2) or ""
        if name.endswith("-end"):
            if opened:
                opened.pop()
            else:
                yield line_of(m.start()), "a ::: directive is closed that was never opened", m.group(0)
        elif name == "image" and "complex" in rest:
            if not _IMAGE_END_IN.search(rest):  # (its description may end on its own line)
                opened.append(m.start())
        elif ":::" not in rest or name in _CONTAINERS:
            opened.append(m.start())  # (":::image … :::" and ":::no-loc … :::" close themselves)
    for start in opened:
        yield line_of(start), "a ::: directive is never closed", text[start : text.find("\n", start)]


_LITERAL_BOLD = re.compile(r"(?<!\*)(?:\*\*|\*\*\*\*)(?!\*)")
"""Two or four asterisks left in a segment's parsed text: bold marks Markdown did not read (runs of
three, or of five and more, are rules and decorations written on purpose)."""


def literal_bold(doc: Document) -> Iterator[Segment]:
    """The segments of ``doc`` whose text shows bold marks as written: a space just inside them, nothing
    between them, or closing marks after punctuation right before a letter (``**R:**Se``), which
    CommonMark, and Markdig with it, does not read as bold."""
    written: set[str] | None = None
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE or "**" not in seg.text:
            continue
        text = without_code(seg)
        if written is None:
            written = {w for m in _LITERAL_BOLD.finditer(doc.body) for w in _around(doc.body, m)}
        if any(w in written for m in _LITERAL_BOLD.finditer(text) for w in _around(text, m)):
            yield seg


_LITERAL_UNDERSCORES = re.compile(
    r"(?<![\w\\])_(?=[^\W_])[^_\n]{0,300}?(?<=[^\W_])(?P<closing>_[^\W_]{1,3})"  # _Columns_seletor: closed by a letter
    r"|(?P<opening>[^\W_]{1,3}_)(?=[^\W_])[^_\n]{0,300}?(?<=[^\W_])_(?!\w)")     # No_Columns_ seletor: opened after one
"""Underscores around words in a segment's parsed text, glued to a letter on one side: emphasis Markdown did
not read (machine translation joins the next word to the closing mark: ``_[!UICONTROL Action]_clique``)."""
_GLUED_UNDERSCORE = re.compile(r"(?<=[\])`*])(_[^\W_]{1,3})|([^\W_]{1,3}_)(?=[\[`*])")
"""An underscore of a source glued to letters on one side and to a link's, a mark's, code's or bold's bracket or
mark on the other (``]_clique``): where the emphasis a translation meant fails. Between two letters it is a
name's (``MSRS10_50``, ``<имя_домена>``, ``_sipinternaltls._tcp``), and no emphasis was meant."""


def literal_underscores(doc: Document) -> Iterator[Segment]:
    """The segments of ``doc`` whose text shows emphasis underscores as written: CommonMark, and Markdig with it,
    reads ``_`` as emphasis only where the marks are not inside a word (``_Columns_seletor`` is not). The mark
    glued to a word must be in the source beside the same letters and a bracket or mark (:data:`_GLUED_UNDERSCORE`)."""
    written: set[str] | None = None
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE or seg.text.count("_") < 2:
            continue
        text = without_code(seg)
        for m in _LITERAL_UNDERSCORES.finditer(text):
            if written is None:
                written = {w for pair in _GLUED_UNDERSCORE.findall(doc.body) for w in pair if w}
            if (m.group("closing") or m.group("opening")) in written:
                yield seg
                break


def _around(text: str, m: re.Match[str]) -> tuple[str, str]:
    """The marks ``m`` of ``text`` with the three letters before them, and with the three after. A
    segment's marks are written so in the source when the source has them beside the same letters on
    one side (escaped ones, ``\\*\\*``, are asterisks the author meant to show: the source has no two side
    by side). The source's are gathered once: a search of the whole source for each mark was quadratic."""
    return "<" + text[max(0, m.start() - 3) : m.end()], text[m.start() : m.end() + 3] + ">"


_LEFT_MARKER = re.compile(
    r":::[ \t]?(?:image|code|zone|moniker|row|column|form|no-loc|video)\b"
    r"|\[!(?:include|note|tip|important|warning|caution|video|div|code-\w+)\b",
    re.IGNORECASE,
)
"""DocFX syntax in a segment's parsed text: a directive a translation broke past reading (``':::image …::':
null``), which the reader sees as written."""


def left_markers(doc: Document, reported: set[int]) -> Iterator[Segment]:
    """The segments of ``doc`` (not code) whose text shows DocFX syntax as written, but for those on a line
    already ``reported`` (file lines) by :func:`problems`."""
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE or not ("[!" in seg.text or ":::" in seg.text):
            continue
        text = without_code(seg)
        if _LEFT_MARKER.search(text) and (seg.line is None or seg.line not in reported):
            yield seg


_WRITTEN_LINK = re.compile(
    r"!?\[[^\[\]\n]{0,300}\](?P<gap>[ \t]*)\((?P<address>[^()\s]{1,2000})(?P<rest>[^()\n]{0,500})\)")
"""``[text](address …)`` in a segment's parsed text: a link or image Markdown did not read."""
_ADDRESS = re.compile(r"[a-zA-Z][\w+.-]{0,30}:\S|[./~#]|\S*/|\S+\.[a-zA-Z]{2,5}(?:[#?]|$)")
"""What begins a link's address (a scheme, a path, a fragment, a file name): ``(posição de bit 4)`` is prose."""
_PARTED_ADDRESS = re.compile(r"[a-zA-Z][\w+.-]{0,30}://|\.{0,2}/|~/|#|\S+\.(?:md|yml|aspx|html?|png|jpe?g|gif|svg)(?:[#?]|$)",
                             re.IGNORECASE)
"""…and after a space (``[x] (y)``), only an unmistakable one: ``[All] (Вход/выход)`` is a label and its
translation."""


def literal_links(doc: Document) -> Iterator[tuple[Segment, str]]:
    """(segment, why) for each link or image of ``doc`` a reader sees as written, brackets, address and all:
    CommonMark, and Markdig with it, reads no link whose address has a space, whose title holds quotes of
    its own kind, or whose ``(`` is parted from its ``]``. Written so on purpose (escaped, ``\\[a](b)``,
    or in code), the source does not have it as the page shows it. The source's are gathered once: a
    search of the whole source for each segment's was quadratic."""
    written: set[str] | None = None
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE or "](" not in seg.text and "] (" not in seg.text:
            continue
        text = without_code(seg)
        for m in _WRITTEN_LINK.finditer(text):
            if not (m.group("gap") or m.group("rest").strip()):
                continue  # (a well-formed link is read: shown as written, it was escaped)
            if written is None:  # (one whose [ is escaped, \[a](b), is syntax shown on purpose)
                written = {w.group(0) for w in _WRITTEN_LINK.finditer(doc.body) if not _escaped(doc.body, w.start())}
            address = (_PARTED_ADDRESS if m.group("gap") else _ADDRESS).match(m.group("address"))
            if address and m.group(0) in written:
                yield seg, _why_written(m)
                break


def _escaped(text: str, at: int) -> bool:
    """Whether the character at ``at`` follows an odd number of backslashes (CommonMark's escape)."""
    before = at
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (at - before) % 2 == 1


def _why_written(m: re.Match[str]) -> str:
    what = "an image" if m.group(0).startswith("!") else "a link"
    rest = m.group("rest").strip()
    if m.group("gap"):
        return f"{what} is shown as written: a space parts its ] from its ("
    if rest[:1] in ('"', "'") and rest.count(rest[0]) > 2:
        return f"{what} is shown as written: its title holds quotes of its own kind (write them \\{rest[0]})"
    return f"{what} is shown as written: its address has a space (write it %20)"


def document_problems(doc: Document) -> list[tuple[int, str, str]]:
    return list(problems(doc.body))


def check_markup(ctx: Context) -> Iterator[Finding]:
    """Markup the parser could not read, in the document where it is written."""
    for topic, doc in ctx.documents:
        reported = set()
        for line, what, written in document_problems(doc):
            reported.add(line := doc.file_line(line))  # the line in the file, where a translator fixes it
            found = doc_finding("malformed_markup", topic, doc, f"{what}: {quote(written.strip())}")
            yield replace(found, line=line)
        for seg in left_markers(doc, reported):
            yield doc_finding("malformed_markup", topic, doc, f"DocFX markup is shown as written in {quote(seg.text)}: "
                              "the parser could not read it", seg=seg)
        for seg, why in literal_links(doc):
            yield doc_finding("malformed_markup", topic, doc, f"{why}: {quote(seg.text)}", seg=seg)
        for seg in literal_bold(doc):
            yield doc_finding("malformed_markup", topic, doc, f"bold marks are shown as written in {quote(seg.text)}: "
                              "Markdown reads ** as bold around some text with no space just inside the marks, "
                              "and closing marks after punctuation only before a space or punctuation", seg=seg)
        for seg in literal_underscores(doc):
            yield doc_finding("malformed_markup", topic, doc,
                              f"emphasis marks are shown as written in {quote(seg.text)}: Markdown reads _ as emphasis "
                              "only outside a word (leave a space after the closing _, or write * instead)", seg=seg)
