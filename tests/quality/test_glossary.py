"""The glossary's name scanner: which renderings a text uses, exactly as their patterns say."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.ingest.reader import ingest
from kb.quality import glossary, term_scan
from kb.quality.term_check import inconsistencies, usage
from kb.quality.term_scan import NameScanner, variant_pattern

NAMES = (
    "Partner Center",
    "Centro de partners",
    "Centro per i partner",
    "Центр партнеров",
    "Microsoft Partner Network",
    "Azure",
    "Wi-Fi",
    "C#",
)


def by_pattern(names: tuple[str, ...], lowered: str) -> frozenset[str]:
    return frozenset(n for n in names if variant_pattern(n).search(lowered))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the partner center dashboard", {"Partner Center"}),
        ("no centro de partners.", {"Centro de partners"}),
        ("через центре партнеров", {"Центр партнеров"}),  # an inflection: up to three more letters
        ("partnership center", set()),  # "partnership" is "partner" and four more letters
        ("partner, center", set()),  # words apart by more than white space
        ("repartner center", set()),  # a rendering starts a word
        ("partner\n  center", {"Partner Center"}),
        ("microsoft partner centers", {"Partner Center"}),  # a three-word rendering's start is not it
        ("microsoft partner network", {"Microsoft Partner Network"}),
        ("centro per il partner; azures", {"Centro per i partner", "Azure"}),
        ("wi-fi and c# code", {"Wi-Fi", "C#"}),
        ("", set()),
    ],
)
def test_names_used(text, expected):
    assert NameScanner(NAMES).used_in(text) == expected
    assert by_pattern(NAMES, text) == expected


ENDINGS = ["", "s", "es", "ers", "e"]
WORDS = ["centro", "de", "partner", "partners", "per", "i", "il", "center", "azure", "rede", "x"]
SEPARATORS = [" ", "  ", "\n", ", ", "-", ". ", ""]


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join), min_size=1, max_size=8),
    text=st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(ENDINGS), st.sampled_from(SEPARATORS)), max_size=30
    ),
)
def test_scanner_agrees_with_the_patterns(names, text):
    lowered = "".join(w + suffix + sep for w, suffix, sep in text)
    names_t = tuple(dict.fromkeys(names))
    assert NameScanner(names_t).used_in(lowered) == by_pattern(names_t, lowered)


def test_scanner_forgets_words_past_its_bound_and_still_answers(monkeypatch):
    monkeypatch.setattr(term_scan, "_KNOWN_MAX", 3)
    scanner = NameScanner(NAMES)
    texts = ["the partner center", "centro de partners", "azure and wi-fi", "partner center again"]
    assert [scanner.used_in(t) for t in texts] == [by_pattern(NAMES, t) for t in texts]
    assert len(scanner.known) <= 3


TERMS = """\
terms:
  - term: Partner Center
    locales:
      es-ES: [Centro de partners, Centro, Partner Center]
  - term: Azure
    locales:
      es-ES: [Azure, Microsoft Azure]
"""
DOCS = {
    "a.md": "El Centro de partners y el centro de partners.\n\nMicrosoft Azure.",
    "b.md": "El Centro de partners.\n\nAzure.",
    "c.md": "El Partner Center.\n\nEl Centro.\n\nAzure y Azure.",
}


def test_inconsistencies_count_each_rendering_once_where_a_longer_one_holds_it(tmp_path):
    for name, body in DOCS.items():
        text = f"---\ntitle: {name}\nms.contentlocale: es-ES\n---\n# {name}\n\n{body}\n"
        (tmp_path / name).write_text(text, encoding="utf-8")
    documents = ingest(tmp_path).documents
    found = inconsistencies(glossary.parse(TERMS), documents)
    assert [(u.term, u.document.path, u.variant, u.count, u.expected) for u in found] == [
        ("Partner Center", "c.md", "Centro", 1, "Centro de partners"),
        ("Partner Center", "c.md", "Partner Center", 1, "Centro de partners"),
        ("Azure", "a.md", "Microsoft Azure", 1, "Azure"),
    ]
    assert found[0].example is not None and found[0].example.path == "a.md"
    term = glossary.parse(TERMS).terms[0].locales[0]
    assert {p: dict(u.counts) for p, u in usage(term, documents).items()} == {
        "a.md": {"Centro de partners": 2},
        "b.md": {"Centro de partners": 1},
        "c.md": {"Partner Center": 1, "Centro": 1},
    }
