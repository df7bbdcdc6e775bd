"""Precision measured honestly: error findings labelled by reading both files (tests/data/qa-labels.jsonl,
true or false and why). A finding labelled false and fixed must not come back (those still reported are
marked ``"open": true``), and of the labelled findings the checks still report, at least 90% must be
true — on each development corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Corpus, Severity
from kb.quality.checks import check_corpus
from kb.quality.context import KINDS
from tests.conftest import CORPUS

LABELS = Path(__file__).resolve().parents[1] / "data" / "qa-labels.jsonl"
SKYPE = CORPUS.parent / "skype-2024"
Key = tuple[str, str | None, str | None, str | None]


def labels() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


def key(x: dict) -> Key:
    """What names a finding across runs: its kind, document and the two segments."""
    return x["kind"], x["path"], x["segment"], x["other_segment"]


def test_the_labels_are_a_sample_of_both_corpora_each_with_a_reason() -> None:
    found = labels()
    assert len(found) >= 50
    assert {x["corpus"] for x in found} == {"partner-center-2019", "skype-2024"}
    for x in found:
        assert x["kind"] in KINDS and isinstance(x["label"], bool) and len(x["why"]) > 20, x
    assert len({(x["corpus"], *key(x)) for x in found}) == len(found)
    assert all(not x["label"] for x in found if x.get("open"))  # only a false finding is an open one


def precision(corpus: Corpus, name: str) -> tuple[float, int, list[dict]]:
    """(precision of the labelled findings reported, how many are, the labelled-false ones reported)."""
    reported = {
        (f.kind, f.path, f.segment, f.other_segment)
        for f in check_corpus(corpus, align(corpus.documents))
        if f.severity is Severity.ERROR
    }
    mine = [x for x in labels() if x["corpus"] == name]
    now = [x for x in mine if key(x) in reported]
    back = [x for x in now if not x["label"] and not x.get("open")]
    return (sum(x["label"] for x in now) / len(now) if now else 1.0), len(now), back


def test_dev_corpus_precision(dev_corpus: Corpus) -> None:
    share, n, back = precision(dev_corpus, "partner-center-2019")
    assert back == []
    assert n >= 2 and share >= 0.9


@pytest.mark.slow
def test_skype_corpus_precision() -> None:
    if not SKYPE.is_dir():
        pytest.skip("the corpus ../shared/corpus/skype-2024 is not present")
    share, n, back = precision(ingest(SKYPE, jobs=2), "skype-2024")
    assert back == []
    assert n >= 40 and share >= 0.9
