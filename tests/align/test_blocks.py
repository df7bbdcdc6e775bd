"""Re-synchronising an alignment (kb.align.blocks): re-segmented text becomes one block, a segment really
missing stays alone, and how confident an alignment is as a whole."""

from __future__ import annotations

from kb.align.blocks import CONFIDENT_PAIR, confidence, is_block, resynchronise
from kb.model import SegmentPair, SegmentRef


def ref(side: str, n: int, length: int) -> SegmentRef:
    return SegmentRef(f"{side}.md", f"s[{n}]", "x" * length, n)


def pair(a: list[SegmentRef], b: list[SegmentRef], score: float = 0.95) -> SegmentPair:
    return SegmentPair(tuple(a), tuple(b), score if a and b else 0.0)


def shape(pairs: list[SegmentPair]) -> list[tuple[list[int], list[int]]]:
    return [([r.index for r in p.a], [r.index for r in p.b]) for p in pairs]


def test_a_list_item_the_translation_splits_in_three_is_one_block() -> None:
    # a: 100 | 300 (sub-steps inside the item) | 100;  b: 100 | 90 + 100 + 110 | 100
    steps = [
        pair([ref("a", 0, 100)], [ref("b", 0, 100)]),
        pair([], [ref("b", 1, 90)]),
        pair([ref("a", 1, 300)], [ref("b", 2, 100)], 0.66),
        pair([], [ref("b", 3, 110)]),
        pair([ref("a", 2, 100)], [ref("b", 4, 100)]),
    ]
    out = resynchronise(steps)
    assert shape(out) == [([0], [0]), ([1], [1, 2, 3]), ([2], [4])]
    assert is_block(out[1]) and 0.9 < out[1].score <= 1.0


def test_a_paragraph_really_missing_stays_alone() -> None:
    steps = [
        pair([ref("a", 0, 100)], [ref("b", 0, 104)]),
        pair([ref("a", 1, 200)], []),
        pair([ref("a", 2, 120)], [ref("b", 1, 118)]),
    ]
    assert shape(resynchronise(steps)) == shape(steps)


def test_two_segments_written_as_two_of_another_kind_are_one_block() -> None:
    # paragraphs "a." and "b." against list items 1. and 2.: the aligner paired one badly, left two alone
    steps = [
        pair([ref("a", 0, 100)], [ref("b", 0, 100)]),
        pair([], [ref("b", 1, 80)]),
        pair([ref("a", 1, 80)], [ref("b", 2, 120)], 0.54),
        pair([ref("a", 2, 120)], []),
        pair([ref("a", 3, 50)], [ref("b", 3, 50)]),
    ]
    assert shape(resynchronise(steps)) == [([0], [0]), ([1, 2], [1, 2]), ([3], [3])]


def test_confidence_is_the_share_of_text_paired_confidently() -> None:
    steps = [
        pair([ref("a", 0, 100)], [ref("b", 0, 100)]),
        pair([ref("a", 1, 100)], [ref("b", 1, 100)], CONFIDENT_PAIR - 0.1),
    ]
    assert confidence(steps) == 0.5
    assert confidence([]) == 1.0
