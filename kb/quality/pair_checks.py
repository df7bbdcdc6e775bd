"""The checks of a compared pair as a whole, which replace its segment-by-segment comparison when that
would only make noise: two editions of one locale (``edition_difference``: they are expected to
differ, so one summary per pair), and an alignment too uncertain to trust (``alignment_uncertain``).
Two translations of different source versions get one ``stale`` (:mod:`kb.quality.document_checks`).
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.align.blocks import confidence
from kb.model import Finding, SegmentPair
from kb.quality.context import (
    UNCERTAIN_BELOW,
    Comparison,
    Context,
    aligned_segments,
    anchor_share,
    comparable,
    pair_finding,
)
from kb.quality.pairs import edition_of


def alone(pairs: list[SegmentPair]) -> tuple[int, int]:
    """How many segments of a, and of b, have no counterpart."""
    return sum(len(p.a) for p in pairs if not p.b), sum(len(p.b) for p in pairs if not p.a)


def check_editions(ctx: Context) -> Iterator[Finding]:
    """Two editions of one locale that differ: one ``edition_difference`` about the edition, with how
    many blocks only each has (the compare page lists them)."""
    for pair in ctx.pairs:
        if comparable(ctx, pair) is not Comparison.EDITIONS:
            continue
        # the aligner's own steps: a block of one edition rewritten in the other counts on both sides
        only_a, only_b = alone(aligned_segments(pair.a, pair.b))
        if not (only_a or only_b):
            continue
        ea, eb = edition_of(pair.a), edition_of(pair.b)
        yield pair_finding(
            "edition_difference",
            pair,
            f"the {eb} edition has {only_b} block(s) the {ea} edition ({pair.a.path}) lacks, "
            f"and lacks {only_a} of its block(s): editions may differ, see the compare page",
        )


def check_alignment(ctx: Context) -> Iterator[Finding]:
    """A translation whose segments could not be paired confidently with its reference's, or that
    shares too few of its links, numbers and code with it to be the same text: its content is not
    compared, and it gets one ``alignment_uncertain`` saying which."""
    for pair in ctx.pairs:
        if comparable(ctx, pair) is not Comparison.UNCERTAIN:
            continue
        share = confidence(ctx.segment_pairs(pair))
        anchors = anchor_share(pair.a, pair.b)
        if share >= UNCERTAIN_BELOW and anchors is not None:
            why = (f"it shares only {anchors:.0%} of what translations write alike (links, numbers, code, names) "
                   f"with {pair.a.locale} ({pair.a.path}), so it may not be a translation of the same text")
        else:
            why = f"only {share:.0%} of the text could be paired confidently with {pair.a.locale} ({pair.a.path})"
        yield pair_finding(
            "alignment_uncertain",
            pair,
            f"{why}: its content was not compared, review it against the reference by hand",
        )
