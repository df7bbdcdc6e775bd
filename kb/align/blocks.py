"""What segment alignment leaves for the translation checks to trust: blocks re-synchronised where two
documents segment the same text differently, how confident an alignment is as a whole, and the
:class:`Lexicon` protocol a word-translation similarity plugs into :func:`kb.align.segments.align_segments`.

Monotonic 1-1, 2-1 and 1-2 steps cannot pair a list item with the four segments a translation makes
of it (sub-steps written as ``a.``, ``b.`` inside the item in one, as a nested list in the other):
they pair the item with one of the four and leave three alone, which reads as three missing
paragraphs. :func:`resynchronise` joins such unpaired segments to the neighbouring pair when that
makes the two sides' lengths agree (after the documents' length ratio), and pairs a run of unpaired
segments on both sides between two pairs as one block when their lengths agree. A segment left
alone after that is one the other document really lacks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Protocol

from kb.model import SegmentPair, SegmentRef

RESYNC_FIT = math.log(1.6)
"""A re-synchronised block's sides may differ in length (after the documents' ratio) by this factor."""
RESYNC_GAIN = 0.3
"""Joining unpaired segments to a pair must improve its length fit (|log ratio|) by this much."""
CONFIDENT_PAIR = 0.6
"""A 1-1 pair scoring below this is not trusted enough to report differences in its content."""


class Lexicon(Protocol):
    """A word-translation similarity between two segments' words in two languages (for example one
    mined from confidently aligned pairs, as hunalign bootstraps its dictionary)."""

    def similarity(
        self, tokens_a: AbstractSet[str], lang_a: str, tokens_b: AbstractSet[str], lang_b: str
    ) -> float:
        """How likely two segments' analysed terms (:func:`kb.wordforms.stems`) translate each
        other, in [0, 1]."""
        ...


def _length(refs: Sequence[SegmentRef]) -> int:
    return sum(len(r.text) for r in refs) + max(0, len(refs) - 1)


def _fit(a: Sequence[SegmentRef], b: Sequence[SegmentRef], ratio: float) -> float:
    """|log| of how far the sides' lengths are from the expected ratio (0: as expected)."""
    return abs(math.log((_length(b) + 8) / (ratio * _length(a) + 8)))


def length_ratio(pairs: Sequence[SegmentPair]) -> float:
    """How much longer b's text runs than a's, over the whole alignment (within 0.5–2)."""
    la = sum(_length(p.a) for p in pairs) or 1
    lb = sum(_length(p.b) for p in pairs) or 1
    return min(2.0, max(0.5, lb / la))


def resynchronise(pairs: Sequence[SegmentPair]) -> list[SegmentPair]:
    """``pairs`` (every segment of both documents once, in order) with unpaired segments joined to
    the pair next to them, or to each other, where the lengths say they are one block of text (see
    the module docstring). A joined block's score is its length fit, in (0, 1]."""
    ratio = length_ratio(pairs)
    items: list[SegmentPair | list[SegmentPair]] = []
    for k, p in enumerate(pairs):
        if p.a and p.b and (p.score >= CONFIDENT_PAIR or not _loose(pairs, k)):
            items.append(p)
        elif items and isinstance(items[-1], list):
            items[-1].append(p)
        else:
            items.append([p])
    out: list[SegmentPair] = []
    for n, item in enumerate(items):
        if not isinstance(item, list):
            out.append(item)
            continue
        a = tuple(r for p in item for r in p.a)
        b = tuple(r for p in item for r in p.b)
        if all(p.a and p.b for p in item):  # low-scoring pairs with nothing unpaired around them
            out.extend(item)
            continue
        if a and b and _fit(a, b, ratio) <= RESYNC_FIT:
            out.append(SegmentPair(a, b, _score(a, b, ratio)))
            continue
        if not (a and b):
            joined = _join(out, item, items[n + 1] if n + 1 < len(items) else None, ratio)
            if joined is not None:
                if joined == "next":
                    nxt = items[n + 1]
                    assert isinstance(nxt, SegmentPair)
                    items[n + 1] = SegmentPair(a + nxt.a, b + nxt.b, _score(a + nxt.a, b + nxt.b, ratio))
                continue
        out.extend(item)
    return out


def _loose(pairs: Sequence[SegmentPair], k: int) -> bool:
    """Whether the pair ``pairs[k]`` (scoring below :data:`CONFIDENT_PAIR`) stands next to an
    unpaired segment: then it is part of the region to re-synchronise, not an anchor."""
    near = [pairs[j] for j in (k - 1, k + 1) if 0 <= j < len(pairs)]
    return any(not (q.a and q.b) for q in near)


def _join(
    out: list[SegmentPair], run: list[SegmentPair], following: object, ratio: float
) -> str | None:
    """Join a one-sided run to the pair before it (done here, in ``out``; "previous") or say it is to
    be joined to the pair after it ("next"), whichever fits better, when either improves the fit."""
    a = tuple(r for p in run for r in p.a)
    b = tuple(r for p in run for r in p.b)
    options: list[tuple[float, str]] = []
    before = out[-1] if out and out[-1].a and out[-1].b else None
    # next to a block already re-synchronised, the re-segmented text goes on: any gain will do
    if before is not None:
        gain = _fit(before.a, before.b, ratio) - _fit(before.a + a, before.b + b, ratio)
        options.append((gain + (RESYNC_GAIN if is_block(before) else 0.0), "previous"))
    if isinstance(following, SegmentPair):
        gain = _fit(following.a, following.b, ratio) - _fit(a + following.a, b + following.b, ratio)
        options.append((gain + (RESYNC_GAIN if is_block(following) else 0.0), "next"))
    if not options:
        return None
    gain, where = max(options)
    if gain <= RESYNC_GAIN:
        return None
    if where == "previous":
        assert before is not None
        na, nb = before.a + a, before.b + b
        if _fit(na, nb, ratio) > RESYNC_FIT:
            return None
        out[-1] = SegmentPair(na, nb, _score(na, nb, ratio))
        return where
    assert isinstance(following, SegmentPair)
    return where if _fit(a + following.a, b + following.b, ratio) <= RESYNC_FIT else None


def _score(a: Sequence[SegmentRef], b: Sequence[SegmentRef], ratio: float) -> float:
    """A joined block's score: how well its lengths fit, in (0, 1] (a block is less sure than a pair
    the aligner scored, so the fit alone says how much)."""
    r = _fit(a, b, ratio)
    return round(math.exp(-r * r / (2 * 0.4 * 0.4)), 4)


def is_block(pair: SegmentPair) -> bool:
    """A pair of more than two segments on a side, or several on both: made by :func:`resynchronise`."""
    return len(pair.a) + len(pair.b) > 3 or (len(pair.a) > 1 and len(pair.b) > 1)


def confidence(pairs: Sequence[SegmentPair]) -> float:
    """How much of two documents' text the alignment pairs confidently: the share of characters (both
    sides) in pairs scoring at least :data:`CONFIDENT_PAIR` or in re-synchronised blocks."""
    total = sure = 0
    for p in pairs:
        n = _length(p.a) + _length(p.b)
        total += n
        if p.a and p.b and (p.score >= CONFIDENT_PAIR or is_block(p)):
            sure += n
    return sure / total if total else 1.0
