"""kb.ingest.detection: which language a segment's prose is in, and the memo of detections."""

from __future__ import annotations

import pytest

from kb import memos
from kb.ingest import detection
from kb.ingest.detection import detected_language
from kb.model import Segment, SegmentKind

RU = "Это длинный абзац на русском языке о центре партнеров, его программах и преимуществах."
PT = "Você pode gerenciar as assinaturas dos seus clientes no Partner Center e também ver as faturas."
EN = "You can manage the subscriptions of your customers in Partner Center and see their invoices there."


@pytest.fixture(autouse=True)
def empty_memo():
    memo = memos.mapping("language-detections")
    kept = dict(memo)
    memo.clear()
    yield memo
    memo.clear()
    memo.update(kept)


@pytest.mark.parametrize(
    ("text", "own", "expected"),
    [
        (RU, "ru", ("ru", 1.0)),  # plainly Russian by its script: no statistical detection
        (PT, "pt", ("pt", 1.0)),  # plainly Portuguese by its function words
        (EN, "pt", "en"),  # English left in a Portuguese document: detected
        ("Partner Center, Azure", "pt", None),  # too few letters to trust a detection
        ("See https://partner.microsoft.com/pt-br/dashboard/account/v3/organization/legalinfo", None, None),
    ],
)
def test_detected_language(text, own, expected):
    found = detected_language(Segment(SegmentKind.PARAGRAPH, "p[1]", text), own)
    if isinstance(expected, str):
        assert found is not None and found[0] == expected and found[1] >= detection.MIN_DETECT_CONFIDENCE
    else:
        assert found == expected


def test_a_detection_is_remembered_by_a_digest_of_its_text_and_language(empty_memo):
    seg = Segment(SegmentKind.PARAGRAPH, "p[1]", EN)
    found = detected_language(seg, "pt")
    assert list(empty_memo.values()) == [found]
    ((digest, own),) = empty_memo
    assert (len(digest), own) == (12, "pt")
    empty_memo[(digest, own)] = ("it", 0.5)  # the memo answers without detecting again
    assert detected_language(seg, "pt") == ("it", 0.5)
