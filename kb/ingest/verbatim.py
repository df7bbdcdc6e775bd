"""What Markdown shows as written, fenced code blocks and code spans, and what it does not show, HTML
comments.

The text-level rewrites that run before parsing (includes, code directives, ``:::image``,
``[!VIDEO]``, zone pivots, layout fences, ``:::no-loc``) must leave them alone: DocFX's parser reads a
directive inside code as the code's text, so a page that documents the syntax (``Use
`[!INCLUDE [name](file.md)]` to…``, or a fenced Markdown sample) shows it as written; and one inside a
comment (an include or a code file commented out) as nothing, so it neither reads a file nor is a
problem. :func:`sub` is ``re.sub`` for those rewrites; line scanners ask :func:`fenced_lines`.

Fences are found by CommonMark's block parser (markdown-it's, block level only: where a list item or a
quote ends, so does a fence it holds); a code span, in one linear pass, is a run of backticks closed by
the next run of as many in the same paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

Spans = list[tuple[int, int]]
"""Sorted, non-overlapping (start, end) offsets."""

_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t>]*\n")
"""Ends a paragraph (in a quote too): no code span runs past it."""
_COMMENT_START = re.compile("<!--")
_COMMENT_END = re.compile("-->")
_BLOCKS = MarkdownIt("commonmark")
"""A plain CommonMark parser, for its block level only (:func:`fences`)."""


def fences(body: str) -> list[tuple[int, int]]:
    """(first line, line after the last) of each fenced code block of ``body``, 0-based, as CommonMark's
    block parser finds them: a fence is closed by a fence of its character at least as long, or by the
    end of the list item or quote that holds it (a translation that lost a closing fence inside a list
    item leaves the next item text; pairing fences by the text alone took the rest of the page for code)."""
    if "```" not in body and "~~~" not in body:
        return []
    tokens: list[Token] = []
    _BLOCKS.block.parse(body, _BLOCKS, {}, tokens)
    return [(tok.map[0], tok.map[1]) for tok in tokens if tok.type == "fence" and tok.map]


def fenced_code(body: str) -> Spans:
    """(start, end) of each fenced code block of ``body`` (:func:`fences`): from the start of its first
    line to the end of its last."""
    found: Spans = []
    if not (blocks := fences(body)):
        return found
    starts = [0, *(m.end() for m in re.finditer("\n", body))]
    for first, after in blocks:
        end = starts[after] - 1 if after < len(starts) else len(body)
        found.append((starts[first], max(end, starts[first])))
    return found


def inside(spans: Spans, at: int) -> bool:
    """Whether offset ``at`` lies in one of ``spans``."""
    i = bisect.bisect_right(spans, at, key=lambda span: span[0]) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def code_spans(text: str, start: int = 0, end: int | None = None) -> Spans:
    """(start, end) of the content of each code span of ``text[start:end]``, one paragraph: a run of
    backticks closed by the next run of exactly as many. Linear in the runs (pairing each run with the
    next of its length, found from the end), however many unmatched runs a line holds."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text, start, len(text) if end is None else end)]
    closing: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        closing[k] = last.get(runs[k][1] - runs[k][0])
        last[runs[k][1] - runs[k][0]] = k
    found: Spans = []
    k = 0
    while k < len(runs):
        closer = closing[k]
        if closer is None or (runs[k][0] > 0 and text[runs[k][0] - 1] == "\\"):  # (an escaped run opens none)
            k += 1
            continue
        found.append((runs[k][1], runs[closer][0]))
        k = closer + 1
    return found


def verbatim_spans(body: str) -> Spans:
    """The fenced code blocks of ``body``, and between them the code spans of each paragraph and the
    HTML comments (:func:`comments`)."""
    fences = fenced_code(body)
    if "`" not in body and "<!--" not in body:
        return fences
    found: Spans = []
    at = 0
    for fence_start, fence_end in [*fences, (len(body), len(body))]:
        spans: Spans = []
        if "`" in body:
            paragraph = at
            for blank in _BLANK_LINE.finditer(body, at, fence_start):
                spans += code_spans(body, paragraph, blank.start())
                paragraph = blank.end()
            spans += code_spans(body, paragraph, fence_start)
        found += _with_comments(spans, body, at, fence_start)
        found.append((fence_start, fence_end))
        at = fence_end
    found.pop()  # (the end's empty span)
    return found


def comments(text: str, start: int = 0, end: int | None = None, code: Spans | None = None) -> Spans:
    """(start, end) of each HTML comment of ``text[start:end]`` whose ``<!--`` is not in ``code``: to the
    next ``-->``, across blank lines only where ``<!--`` starts a line (an HTML block, as CommonMark reads
    it; inside a paragraph, a blank line ends it unclosed). One pass over the marks, each looked up by
    bisection: a pattern tried at each of many ``<!--`` read to the end each time."""
    end = len(text) if end is None else end
    closers = [m.start() for m in _COMMENT_END.finditer(text, start, end)]
    if not closers:
        return []
    blanks = [m.start() for m in _BLANK_LINE.finditer(text, start, end)]
    found: Spans = []
    for m in _COMMENT_START.finditer(text, start, end):
        at = m.start()
        if (found and at < found[-1][1]) or (code and inside(code, at)):
            continue
        k = bisect.bisect_left(closers, at + 4)
        if k == len(closers):
            break
        close = closers[k]
        line = text.rfind("\n", 0, at) + 1
        if text[line:at].strip(" \t>"):  # (in a paragraph: no blank line between)
            b = bisect.bisect_left(blanks, at)
            if b < len(blanks) and blanks[b] < close:
                continue
        found.append((at, close + 3))
    return found


def _with_comments(spans: Spans, text: str, start: int, end: int) -> Spans:
    """``spans`` (code spans) with the comments of ``text[start:end]`` that do not start in one of them; a
    code span inside a comment is the comment's."""
    if text.find("<!--", start, end) == -1:
        return spans
    kept = comments(text, start, end, spans)
    merged: Spans = []
    for span in sorted(spans + kept):
        if merged and span[0] < merged[-1][1]:  # (inside the comment before it)
            continue
        merged.append(span)
    return merged


def fenced_lines(body: str) -> set[int]:
    """The 0-based numbers of the lines of ``body`` that fenced code blocks hold, fences included."""
    return {line for first, after in fences(body) for line in range(first, after)}


def spaces(text: str, keep_newlines: bool = True) -> str:
    """``text`` as spaces, its newlines kept unless told (positions, and line numbers, hold)."""
    return "\n".join(" " * len(line) for line in text.split("\n")) if keep_newlines else " " * len(text)


def blank(text: str, spans: Spans, keep_newlines: bool = True) -> str:
    """``text`` with each of ``spans`` (sorted, not overlapping) as :func:`spaces`."""
    parts: list[str] = []
    at = 0
    for start, end in spans:
        parts += [text[at:start], spaces(text[start:end], keep_newlines)]
        at = end
    return "".join([*parts, text[at:]])


def sub(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], text: str) -> str:
    """``pattern.sub(repl, text)`` but for the matches that start inside code, left as written."""
    spans: Spans | None = None

    def outside(m: re.Match[str]) -> str:
        nonlocal spans
        if spans is None:  # (only for a text where the pattern matched at all)
            spans = verbatim_spans(text)
        return m.group(0) if inside(spans, m.start()) else repl(m)

    return pattern.sub(outside, text)
