"""kb.align.similarity and kb.align.fingerprint: the content evidence of alignment, on the seeds (one
article in four locales, and its 21Vianet edition in Portuguese) and on small texts."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU

from kb.align.fingerprint import link_key, names, numbers, overlap, segment_anchors
from kb.align.similarity import ContentIndex, cosine, title_words
from kb.model import Link, Segment, SegmentKind


@pytest.fixture(scope="module")
def index(seeds) -> tuple[ContentIndex, list[str]]:
    docs = list(seeds.values())
    return ContentIndex(docs), [d.path for d in docs]


def test_every_translation_is_a_candidate_of_every_other(index) -> None:
    content, paths = index
    for i, path in enumerate(paths):
        assert sorted(paths[j] for j in content.candidates(i)) == sorted(p for p in paths if p != path)


def test_scores_are_symmetric_and_the_same_language_edition_is_nearest(index) -> None:
    content, paths = index
    at = paths.index
    for i in range(len(paths)):
        assert content.score(i, i) == pytest.approx(1.0)
        for j in range(len(paths)):
            assert content.score(i, j) == pytest.approx(content.score(j, i))
            assert 0.0 <= content.score(i, j) <= 1.0 + 1e-9
    # the 21Vianet edition is nearest its own language's global article, then the translations
    pt21 = at(SEED_PT_21V)
    assert max((j for j in range(len(paths)) if j != pt21), key=lambda j: content.score(pt21, j)) == at(SEED_PT)
    assert content.score(at(SEED_RU), at(SEED_ES)) > content.score(at(SEED_RU), at(SEED_PT_21V))
    assert content.score(at(SEED_IT), at(SEED_RU)) > content.score(at(SEED_IT), at(SEED_PT_21V))


def test_title_words_leave_out_the_site_and_edition_suffix(seeds) -> None:
    titles = {path: title_words(d) for path, d in seeds.items()}
    assert titles[SEED_PT] == titles[SEED_PT_21V] == ["vários", "canais"]
    assert titles[SEED_ES] == ["multicanal"]


def test_cosine_of_sparse_vectors() -> None:
    assert cosine({"a": 0.6, "b": 0.8}, {"b": 1.0}) == pytest.approx(0.8)
    assert cosine({}, {"a": 1.0}) == 0.0


@pytest.mark.parametrize(
    ("target", "kind", "key"),
    [
        ("https://www.microsoft.com/pt-br/licensing/", "link", "u:microsoft.com/licensing"),
        ("http://microsoft.com/ru-ru/licensing", "link", "u:microsoft.com/licensing"),
        ("../billing/invoice.md#taxes", "link", "l:invoice.md"),
        ("images/Shot-1.PNG", "image", "i:shot-1.png"),
        ("#section", "link", None),
        ("mailto:help@example.com", "link", None),
    ],
)
def test_a_link_is_keyed_as_every_translation_writes_it(target: str, kind: str, key: str | None) -> None:
    assert link_key(Link(target, "texto", kind)) == key


def test_numbers_names_and_segment_anchors_are_language_independent() -> None:
    assert numbers("Até 1.000 licenças, 2,500 ou 30") == ["1000", "2500", "30"]
    assert names("Use o PowerShell no Azure. Depois o CSP") == ["powershell", "azure", "csp"]
    pt = Segment(SegmentKind.PARAGRAPH, "p[1]", "Veja o Azure: 300 dias", links=(
        Link("https://docs.microsoft.com/pt-br/azure", "Azure"),))
    ru = Segment(SegmentKind.PARAGRAPH, "p[1]", "Откройте Azure: 300 дней", links=(
        Link("https://docs.microsoft.com/ru-ru/azure", "Azure"),))
    assert segment_anchors(pt) == segment_anchors(ru) == {"u:docs.microsoft.com/azure", "n:300", "w:azure"}


def test_in_german_a_capitalised_noun_is_no_name() -> None:
    # German capitalises every noun: counted as names, "Benutzer" and "Einstellungen" made a German
    # translation share 10% of its anchors with the English source (a user-management article), so it
    # was "not a translation of the same text".
    text = "Öffnen Sie die Einstellungen im Partner Center. Wählen Sie Benutzer und PowerShell, CSP oder E-Mail"
    assert names(text) == ["sie", "einstellungen", "partner", "center", "sie", "benutzer", "powershell", "csp",
                           "e-mail"]
    assert names(text, nouns_capitalised=True) == ["powershell", "csp", "e-mail"]


def test_overlap_is_a_weighted_jaccard() -> None:
    assert overlap(Counter(h2=2, p=4), Counter(h2=1, p=4, t=1)) == pytest.approx(5 / 7)
    assert overlap(Counter(), Counter()) == 1.0
