"""Snippets of a search hit: the paragraphs with the most query terms, the matched words marked."""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from kb import locales, memos
from kb.model import Document
from kb.search.analysis import word_index_terms
from kb.wordforms import FOLD_TABLE, fold_text, is_token, token_spans

SNIPPET_CHARS = 240

_WORD = re.compile(r"\w+(?:\.?\w+)*")
"""Words as Whoosh's RegexTokenizer finds them, so a snippet marks what the index matched."""


def snippet(doc: Document, parts: tuple[str, ...], keys: list[str], terms_by_key: dict[str, frozenset[str]]) -> str:
    """HTML: the one or two paragraphs with the most distinct query terms, cut around their first
    match, each matched word in ``<mark>``; else the document's description or opening text.

    A word can match only if a query term occurs in its folded text (a stem is a prefix of the words
    it stems from): the terms are looked for in the folded text of the whole document at once, and
    only the words they occur in are analysed (through the index's word memo)."""
    key = doc_key(doc.locale, keys)
    terms = terms_by_key.get(key, frozenset())
    ranked = []
    pattern = term_pattern(terms)
    for i, positions in term_positions(doc, parts, pattern).items():
        part = parts[i]
        spans: list[tuple[int, int]] = []
        matched: set[str] = set()
        for m in words_at(part, positions):
            hit = terms.intersection(word_index_terms(key, m.group()))
            if hit:
                spans.extend(_marked(key, m, terms))
                matched |= hit
        if spans:
            ranked.append((-len(matched), i, part, spans))
    best = sorted(_distinct(sorted(ranked))[:2], key=lambda r: r[1])
    if best:
        width = SNIPPET_CHARS // len(best)
        joined = " … ".join(fragment(part, spans, width) for _, _, part, spans in best)
        return re.sub(r"…(?: …)+", "…", joined)
    opening = doc.description or "\n".join(parts)  # the description says what the article is about
    text = re.sub(r"\s+", " ", opening[: SNIPPET_CHARS * 2]).strip()
    plain = text[:SNIPPET_CHARS]
    cut = plain.rfind(" ") if len(text) > SNIPPET_CHARS else -1
    return html.escape(plain[:cut] + " …" if cut > 0 else plain, quote=False)


def _marked(key: str, word: re.Match[str], terms: frozenset[str]) -> list[tuple[int, int]]:
    """What to mark of a word that matched: the whole word, or in a Chinese, Japanese or Korean run
    (tokens of two characters each, :func:`kb.wordforms.token_spans`) the characters of the tokens that
    matched, overlapping ones joined."""
    text, at = word.group(), word.start()
    if is_token(text):
        return [word.span()]
    spans: list[tuple[int, int]] = []
    for start, end in token_spans(text):
        if terms.intersection(word_index_terms(key, text[start:end])):
            if spans and at + start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], at + end)
            else:
                spans.append((at + start, at + end))
    return spans


def _distinct(ranked: list[Any]) -> list[Any]:
    """The ranked parts without a text already ranked above: an article's description is often its
    opening paragraph too, and a snippet said it twice."""
    seen: set[str] = set()
    out = []
    for r in ranked:
        if r[2] not in seen:
            seen.add(r[2])
            out.append(r)
    return out


def words_at(part: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """The words of ``part``, as ``_WORD`` finds them scanning from its start, that one of
    ``positions`` (ascending) falls in. No word spans a space or a line break, so after one the scan
    finds the same words from there: it starts again after the last one before the next position
    instead of going through every word in between."""
    words = _WORD.finditer(part)
    scanned, i, n = 0, 0, len(positions)
    while i < n:
        at = positions[i]
        gap = max(part.rfind(" ", scanned, at), part.rfind("\n", scanned, at))
        if gap >= 0:
            words = _WORD.finditer(part, gap + 1)
        for m in words:
            if m.end() > at:
                break
        else:
            return
        start, scanned = m.span()
        i = bisect.bisect_left(positions, start, i, n)
        if i < n and positions[i] < scanned:
            yield m
        i = bisect.bisect_left(positions, scanned, i, n)


def term_positions(doc: Document, parts: tuple[str, ...], pattern: re.Pattern[str] | None) -> dict[int, list[int]]:
    """Part number → where in that part a term starts (in its folded text), for the parts that have one."""
    out: dict[int, list[int]] = {}
    if pattern is None:
        return out
    whole = folded_document(doc.path, doc.content_hash, parts)
    if whole is None:  # folding changed a length somewhere: part by part
        for i, folded in enumerate(folded_parts(doc.path, doc.content_hash, parts)):
            if pattern.search(folded):
                out[i] = [m.start() for m in pattern.finditer(folded)]
        return out
    folded, starts = whole
    for m in pattern.finditer(folded):
        i = bisect.bisect_right(starts, m.start()) - 1
        out.setdefault(i, []).append(m.start() - starts[i])
    return out


@memos.cached("folded-documents")
def folded_document(path: str, content_hash: str, parts: tuple[str, ...]) -> tuple[str, list[int]] | None:
    """The folded text of a document's parts joined by newlines, with where each part starts; None
    when folding changed the length of the text (positions would not map back)."""
    joined = "\n".join(parts)
    folded = fold_whole(joined)
    if len(folded) != len(joined):
        return None
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + 1
    return folded, starts


# analysis.fold_text over a text's code points as an array: str.translate looks each character of
# a non-ASCII text up in a dict, and str.lower is per character too; one table does both, ~6x
# faster on a Portuguese or Russian page.
_SPECIAL = 0xFFFFFFFF
"""In :func:`_fold_codes`: a character the table cannot fold alone."""


@functools.cache
def _fold_codes() -> np.ndarray[Any, Any]:
    """Per character of the Basic Multilingual Plane, the one character ``fold_text`` makes of it,
    or :data:`_SPECIAL` when it makes two or more (``İ`` → ``i̇``, ``ĳ`` → ``ij``) or depends on the
    neighbours (``Σ`` lower-cases to ``ς`` at the end of a word)."""
    table = np.full(0x10000, _SPECIAL, dtype=np.uint32)
    for code in range(0x10000):
        low = chr(code).lower()
        if len(low) == 1 and code != 0x3A3:
            folded = FOLD_TABLE.get(ord(low), low)  # (what translate does with the table)
            if len(folded) == 1:
                table[code] = ord(folded)
    return table


def fold_whole(text: str) -> str:
    """:func:`kb.search.analysis.fold_text` (lower-cased, then folded), the same string faster."""
    if text.isascii():
        return text.lower()
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # (a lone surrogate)
        return fold_text(text)
    if codes.max() > 0xFFFF:  # (beyond the table: emoji, rare scripts)
        return fold_text(text)
    folded = _fold_codes()[codes]
    if (folded == _SPECIAL).any():
        return fold_text(text)
    return folded.tobytes().decode("utf-32-le")


@memos.cached("folded-parts")
def folded_parts(path: str, content_hash: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The folded text of a document's parts (cached: the same documents come up again and again)."""
    return tuple(fold_whole(p) for p in parts)


@memos.cached("snippet-patterns")
def term_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regular expression finding any of ``terms`` in a folded text."""
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


def fragment(text: str, spans: list[tuple[int, int]], width: int) -> str:
    """About ``width`` characters of ``text`` from a little before its first span, on word
    boundaries, escaped, with the spans in ``<mark>``."""
    start, end = 0, len(text)
    if len(text) > width:
        start = max(0, spans[0][0] - width // 4)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else spans[0][0]
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > spans[0][1] else max(end, spans[0][1])
    out = ["… "] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append(" …")
    return "".join(out)


def doc_key(locale: str, keys: list[str]) -> str:
    lang = locales.language(locale)
    return lang if lang in keys else "any"


