"""The status page's data (kb.quality.status): topics × locales, each document's findings counted and
what it is compared with, and the findings a compare page of two documents lists."""

from __future__ import annotations

import pytest

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Finding, FindingCounts, Severity
from kb.quality.checks import check_corpus
from kb.quality.status import count_findings, findings_about, translation_status
from tests.conftest import CONTENT, SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU


@pytest.fixture(scope="module")
def checked():
    corpus = ingest(CONTENT)
    alignment = align(corpus.documents)
    return corpus, alignment, check_corpus(corpus, alignment)


def test_every_locale_of_the_corpus_is_a_cell_and_each_document_says_what_it_is_compared_with(checked):
    corpus, alignment, findings = checked
    (row,) = translation_status(corpus, alignment, count_findings(findings))
    assert row.topic == alignment.topics[0].id
    assert [loc for loc, _ in row.cells] == ["es-ES", "it-IT", "pt-BR", "ru-RU"]
    cells = dict(row.cells)
    pt_global, pt_21v = cells["pt-BR"]
    assert (pt_global.path, pt_global.edition) == (SEED_PT, "global")
    # the only 21vianet document is compared with its locale's main edition
    assert (pt_21v.path, pt_21v.edition, pt_21v.compare_with) == (SEED_PT_21V, "21vianet", SEED_PT)
    # the global ones with the edition's reference, or (the reference itself) with the next locale
    others = {e.path: e.compare_with for loc in ("es-ES", "it-IT", "ru-RU") for e in cells[loc]}
    assert set(others) == {SEED_ES, SEED_IT, SEED_RU}
    assert {pt_global.compare_with, *others.values()} <= {SEED_ES, SEED_IT, SEED_PT, SEED_RU}
    counts = count_findings(findings)
    assert pt_21v.counts == counts[SEED_PT_21V].severities() and not pt_21v.stale and not pt_21v.machine_translated


def test_a_document_without_findings_counts_nothing(checked):
    corpus, alignment, _ = checked
    (row,) = translation_status(corpus, alignment, {})
    assert all(e.counts == (0, 0, 0) and not e.stale for _, entries in row.cells for e in entries)


def finding(path: str | None, severity: Severity, kind: str = "broken_link") -> Finding:
    return Finding(kind, severity, "t", "pt-BR", None, path, None, None, None, None, "m")


def test_count_findings_and_findings_about():
    found = [finding("a.md", Severity.ERROR), finding("a.md", Severity.WARNING, "stale"), finding(None, Severity.INFO),
             finding("b.md", Severity.INFO)]
    assert count_findings(found) == {
        "a.md": FindingCounts(1, 1, 0, True, ("broken_link", "stale")),
        "b.md": FindingCounts(0, 0, 1, False, ("broken_link",)),
    }
    assert findings_about(found, ["b.md", "c.md"]) == (found[3],)
    assert findings_about(found, ["a.md", "b.md"]) == (found[0], found[1], found[3])
