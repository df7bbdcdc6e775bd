"""kb.align.segments, property-based: whatever two documents hold, their alignment keeps every segment of
each exactly once, in order, in steps of the allowed kinds. The documents are drawn from what fixes pairs
before the search (headings' anchors, names both documents share, numbers, links, table cells), in
orders that disagree: a segment fixed to two counterparts stopped the build (Customer Insights' cards)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.ingest.reader import parse_document
from tests.align.test_segalign import check_alignment

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ANCHORS = ("install", "configure", "prices", None)
NAMES = ("Complemento", "Suplemento", "Azure", "Partner Center", "complemento")
WORDS = ("o", "cartão", "texto", "configurar", "instalar", "cliente", "15", "2019", "[fatura](bill.md)",
         "[preços](prices.md#ok)", "`Get-Item`")


def _line(words: list[str]) -> str:
    return " ".join(words) or "texto"


heading = st.builds(
    lambda level, anchor, words: "#" * level + " " + (f'<a name="{anchor}"></a>' if anchor else "") + _line(words),
    st.integers(1, 3), st.sampled_from(ANCHORS), st.lists(st.sampled_from(NAMES + WORDS), max_size=4))
paragraph = st.lists(st.sampled_from(NAMES + WORDS), min_size=1, max_size=12).map(_line)
items = st.lists(paragraph, min_size=1, max_size=3).map(lambda ps: "\n".join(f"- {p}" for p in ps))
table = st.lists(st.tuples(paragraph, paragraph), min_size=1, max_size=3).map(
    lambda rows: "| A | B |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows))
alert = paragraph.map(lambda p: f"> [!NOTE]\n> {p}")
body = st.lists(st.one_of(heading, paragraph, items, table, alert), min_size=1, max_size=10).map("\n\n".join)
# Headings of few anchors and names, where one heading's anchor and its name point to different
# counterparts far more often than in the wider documents above.
close_heading = st.builds(
    lambda anchor, verb, name: "## " + (f'<a name="{anchor}"></a>' if anchor else "") + f"{verb} o {name} do cartão",
    st.sampled_from(ANCHORS[:2] + (None,)), st.sampled_from(("Instalar", "Configurar")), st.sampled_from(NAMES[:2]))
close_body = st.lists(st.one_of(close_heading, close_heading, st.sampled_from(("Texto um.", "Outro texto aqui."))),
                      min_size=1, max_size=6).map("\n\n".join)


def _doc(path: str, locale: str, text: str):
    doc, problems = parse_document(path, f"---\ntitle: t\nms.contentlocale: {locale}\n---\n{text}\n".encode())
    assert doc is not None, problems
    return doc


@SETTINGS
@given(st.one_of(st.tuples(body, body), st.tuples(close_body, close_body)),
       st.sampled_from([("pt-br/a.md", "pt-BR"), ("es-es/a.md", "es-ES")]))
def test_every_segment_of_both_documents_is_aligned_once_in_order(texts: tuple[str, str],
                                                                   other: tuple[str, str]) -> None:
    text_a, text_b = texts
    a = _doc("pt-br/x/a.md", "pt-BR", text_a)
    b = _doc(*other, text_b)
    check_alignment(a, b)
    check_alignment(b, a)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.tuples(body, body, body), st.tuples(close_body, close_body, close_body)))
def test_every_check_runs_to_its_end_on_a_topic_of_such_documents(texts: tuple[str, str, str]) -> None:
    # The checks read these alignments (and more): none may stop on any topic (check_failed).
    from kb.align.topics import align
    from kb.model import Corpus
    from kb.quality.checks import check_corpus

    docs = []
    for (path, locale), text in zip((("pt-br/a.md", "pt-BR"), ("es-es/a.md", "es-ES"), ("ru-ru/a.md", "ru-RU")),
                                    texts, strict=True):
        data = (f"---\ntitle: t\nms.assetid: x1\nms.openlocfilehash: 5a1c\nms.contentlocale: {locale}\n---\n"
                f"{text}\n").encode()  # (one source version: the checks compare their content)
        doc, problems = parse_document(path, data)
        assert doc is not None, problems
        docs.append(doc)
    corpus = Corpus("content", tuple(sorted(docs, key=lambda d: d.path)), (), ())
    failed = [f.message for f in check_corpus(corpus, align(corpus.documents)) if f.kind == "check_failed"]
    assert failed == []
