"""``garbled_text``: characters an encoding error replaced with U+FFFD before the file was committed
(``Par�metros``, a line of ``���� ����``). The reader sees the replacement mark and what was written there
is lost, so only a translator can put it back. Found in the document's own text, outside code; a lone mark
between spaces or punctuation is left alone, since a page may name the character itself ("replaced with
one of ï, ¿, ½, �")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from kb.model import Document, Finding
from kb.quality.context import Context, doc_finding, quote
from kb.quality.markup import CODE_SPAN, outside_code

MARK = "\ufffd"
_LOST = re.compile(rf"(?<![\w{MARK}])[\w{MARK}]*(?:\w{MARK}|{MARK}\w|{MARK}{MARK})[\w{MARK}]*")
"""A word holding the mark beside a letter, or a run of marks: characters lost, not one named. (Tried at a
word's start only: from each place inside a long word, the search went over the rest of it again.)"""
_SHOWN = 3


def lost_words(text: str) -> list[str]:
    """The words of ``text`` (one line) in which an encoding error left U+FFFD, in order."""
    return [m.group(0) for m in _LOST.finditer(text)] if MARK in text else []


def garbled_lines(doc: Document) -> Iterator[tuple[int | None, list[str]]]:
    """(0-based body line, or None for the title; the garbled words) of ``doc``, outside code."""
    if MARK not in doc.body and MARK not in doc.title:
        return
    body = outside_code(doc.body)
    title_words = lost_words(doc.title)
    if title_words and doc.title not in body:
        yield None, title_words
    for n, line in enumerate(body.split("\n")):
        if MARK in line and (words := lost_words(CODE_SPAN.sub(" ", line))):
            yield n, words


def check_garbled(ctx: Context) -> Iterator[Finding]:
    """Text an encoding error replaced, in the document and at the line where it is written."""
    for topic, doc in ctx.documents:
        for line, words in garbled_lines(doc):
            shown = ", ".join(quote(w) for w in words[:_SHOWN]) + (" …" if len(words) > _SHOWN else "")
            where = "the title" if line is None else "this line"
            found = doc_finding("garbled_text", topic, doc, f"an encoding error replaced characters of {where} "
                                f"with U+FFFD (�), so what was written there is lost: {shown}")
            yield found if line is None else replace(found, line=doc.file_line(line))
