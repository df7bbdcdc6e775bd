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


class Always:
    """A lexicon that finds every pair of word lists equally similar, and counts its calls."""

    def __init__(self, value: float) -> None:
        self.value, self.calls = value, 0

    def similarity(self, tokens_a, lang_a, tokens_b, lang_b) -> float:  # type: ignore[no-untyped-def]
        self.calls += 1
        assert lang_a != lang_b and isinstance(tokens_a, frozenset)
        return self.value


def test_a_lexicon_plugs_into_the_score_across_languages(seeds) -> None:
    from kb.align.segments import align_segments
    from tests.align.test_segalign import IT_WITHOUT_ANNOUNCEMENT, PT_ANNOUNCED, doc
    from tests.conftest import SEED_PT, SEED_RU

    # two documents of one structure take the diagonal: the structure decides, no lexicon is asked
    same, pt, ru = Always(1.0), seeds[SEED_PT], seeds[SEED_RU]
    assert align_segments(pt, ru, lexicon=same) == align_segments(pt, ru)
    assert same.calls == 0
    # where the structure leaves a gap open, it is: evidence for a pair, never against
    a = doc("pt-br/a.md", "pt-BR", PT_ANNOUNCED)
    b = doc("it-it/a.md", "it-IT", IT_WITHOUT_ANNOUNCEMENT)
    plain = align_segments(a, b)
    high, low = Always(1.0), Always(0.0)
    with_high, with_low = align_segments(a, b, lexicon=high), align_segments(a, b, lexicon=low)
    assert high.calls and low.calls
    assert with_low == plain
    assert [(p.a, p.b) for p in with_high] == [(p.a, p.b) for p in plain]
    paired = [(h.score, p.score) for h, p in zip(with_high, plain, strict=True) if p.a and p.b]
    assert paired and all(h > p for h, p in paired)
