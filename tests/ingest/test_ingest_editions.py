"""kb.ingest.editions: the editions an article applies to, read from its "Applies to" block."""

from __future__ import annotations

import pytest

from kb.ingest.editions import applies_to_entries, classify, editions_of, is_label
from kb.model import Segment, SegmentKind


def block(label: str, *entries: str, after: tuple[Segment, ...] = ()) -> tuple[Segment, ...]:
    items = tuple(Segment(SegmentKind.LIST_ITEM, f"list[0]/item[{i}]", e) for i, e in enumerate(entries))
    return (Segment(SegmentKind.HEADING, "h1[0]", "Título"), Segment(SegmentKind.PARAGRAPH, "p[1]", label),
            *items, *after)


@pytest.mark.parametrize(
    ("label", "expected"),
    [("**Applies to**", True), ("Aplica-se a:", True), ("Область применения", True), ("Si applica a.", True),
     ("Se aplica a", True), ("Applies to all partners", False), ("Nota", False)],
)
def test_the_label_opens_the_block_in_every_language(label: str, expected: bool) -> None:
    assert is_label(label) is expected


@pytest.mark.parametrize(
    ("entry", "edition"),
    [
        ("Partner Center operado pela 21Vianet", "21vianet"),
        ("Центр партнеров для Microsoft Cloud Germany", "germany"),
        ("Partner Center para o Governo dos EUA", "usgov"),
        ("Centro per i partner.", "global"),
        ("Microsoft Partner Center", "global"),
        ("Dynamics 365", None),
    ],
)
def test_an_entry_names_one_edition(entry: str, edition: str | None) -> None:
    assert classify(entry) == edition


def test_editions_are_in_canonical_order_and_unknown_entries_are_kept_verbatim() -> None:
    segs = block("Aplica-se a", "Partner Center operado pela 21Vianet", "Central de parceiros", "Dynamics 365",
                 "Central de parceiros")
    assert editions_of(segs) == (("global", "21vianet"), ("Dynamics 365",))


def test_the_block_ends_at_the_first_segment_of_another_list_or_kind() -> None:
    after = (Segment(SegmentKind.LIST_ITEM, "list[1]/item[0]", "Germany"),)
    assert applies_to_entries(block("Applies to", "Partner Center", after=after)) == ["Partner Center"]
    assert applies_to_entries((Segment(SegmentKind.PARAGRAPH, "p[0]", "Texto"),)) is None


def test_no_block_or_no_edition_named_is_the_global_edition() -> None:
    assert editions_of((Segment(SegmentKind.PARAGRAPH, "p[0]", "Texto"),)) == (("global",), ())
    assert editions_of(block("Applies to", "Dynamics 365")) == (("global",), ("Dynamics 365",))
