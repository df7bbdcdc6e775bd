"""Segment alignment: the seeds' acceptance cases, split and merged paragraphs, and the invariants."""

from __future__ import annotations

import itertools

import pytest

from kb.align.segments import align_segments, pair_kind, unmatched
from kb.ingest.reader import parse_document
from kb.model import SegmentKind, SegmentPair
from tests.conftest import SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU

SEEDS = [SEED_PT, SEED_PT_21V, SEED_RU, SEED_ES, SEED_IT]


def steps(pairs: list[SegmentPair]) -> list[tuple[str, list[str], list[str]]]:
    return [(pair_kind(p), [r.segment for r in p.a], [r.segment for r in p.b]) for p in pairs]


def test_pt_vs_ru_aligns_the_three_table_rows_and_each_list_item_one_to_one(seeds):
    pt, ru = seeds[SEED_PT], seeds[SEED_RU]
    pairs = align_segments(pt, ru)
    structural = {SegmentKind.TABLE_CELL, SegmentKind.LIST_ITEM}
    wanted = [s.path for s in pt.segments if s.kind in structural]
    assert len(wanted) == 4 + 10  # four cells with text (the other two hold lists), ten list items
    got = {p.a[0].segment: p for p in pairs if p.a and p.a[0].segment in wanted}
    for path in wanted:
        pair = got[path]
        assert (pair_kind(pair), pair.b[0].segment) == ("1-1", path)
        assert pair.score >= 0.5
    rows = {path.split("/cell")[0] for path in wanted if path.startswith("table")}
    assert rows == {"table[0]/row[0]", "table[0]/row[1]", "table[0]/row[2]"}
    # Nothing is left over: same structure, every segment paired in order.
    assert steps(pairs) == [("1-1", [s.path], [s.path]) for s in pt.segments]


def test_pt_global_vs_pt_21vianet_aligns_the_licence_row_and_leaves_the_usage_row_unmatched(seeds):
    glob, vianet = seeds[SEED_PT], seeds[SEED_PT_21V]
    pairs = align_segments(glob, vianet)
    by_a = {r.segment: p for p in pairs for r in p.a}
    for cell in ("table[0]/row[0]/cell[0]", "table[0]/row[0]/cell[1]"):
        pair = by_a[cell]
        assert (pair_kind(pair), [r.segment for r in pair.b]) == ("1-1", [cell])
        assert pair.score == 1.0  # the licence-based row is word for word the same in both editions
    usage = [s.path for s in glob.segments if s.path.startswith("table[0]/row[1]/")]
    assert usage == [
        "table[0]/row[1]/cell[0]",
        "table[0]/row[1]/cell[1]/list[0]/item[0]",
        "table[0]/row[1]/cell[1]/list[0]/item[1]",
    ]
    for path in usage:
        assert (pair_kind(by_a[path]), by_a[path].score) == ("1-0", 0.0)
    only_a, only_b = unmatched(pairs)
    assert set(usage) <= {r.segment for r in only_a}
    # The 21Vianet edition's own "see also" list has no counterpart in the global edition.
    assert {"p[3]", "list[2]/item[0]", "list[2]/item[1]"} <= {r.segment for r in only_b}


def check_alignment(da, db) -> None:
    """The alignment of ``da`` with ``db`` holds every segment of each once, in order, in allowed steps."""
    pairs = align_segments(da, db)
    assert [r.index for p in pairs for r in p.a] == list(range(len(da.segments)))
    assert [r.index for p in pairs for r in p.b] == list(range(len(db.segments)))
    for p in pairs:
        assert pair_kind(p) in {"1-1", "1-0", "0-1", "2-1", "1-2"}
        assert (p.score == 0.0) if not (p.a and p.b) else (0.0 < p.score <= 1.0)
        assert all(r.path == da.path for r in p.a) and all(r.path == db.path for r in p.b)
        assert all(r.text == da.segments[r.index].text for r in p.a)


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(SEEDS, 2)))
def test_every_segment_appears_once_in_order(seeds, a, b):
    check_alignment(seeds[a], seeds[b])


def doc(path: str, locale: str, body: str):
    document, problems = parse_document(
        path, f"---\ntitle: t\nms.contentlocale: {locale}\n---\n{body}".encode()
    )
    assert document is not None and not problems
    return document


PT = """# <a name="billing"></a>Cobrança

Você recebe uma fatura mensal do Azure no dia 15 de cada mês, com todos os encargos do programa CSP e dos \
serviços que os seus clientes usaram no período. Consulte [Ler sua fatura](read-your-bill.md) para \
entender cada linha da fatura.

Os pagamentos vencem em 30 dias.

## <a name="tax"></a>Impostos

Os impostos dependem do país.
"""

IT_SPLIT = """# <a name="billing"></a>Fatturazione

Ricevi una fattura mensile di Azure il giorno 15 di ogni mese, con tutti gli addebiti del programma CSP.

I servizi che i tuoi clienti hanno usato nel periodo sono inclusi. Vedi [Leggere la \
fattura](read-your-bill.md) per capire ogni riga della fattura.

I pagamenti scadono entro 30 giorni.

## <a name="tax"></a>Imposte

Le imposte dipendono dal paese.
"""

IT_DROPPED = """# <a name="billing"></a>Fatturazione

Ricevi una fattura mensile di Azure il giorno 15 di ogni mese, con tutti gli addebiti del programma CSP e \
dei servizi che i tuoi clienti hanno usato nel periodo. Vedi [Leggere la fattura](read-your-bill.md) per \
capire ogni riga della fattura.

## <a name="tax"></a>Imposte

Le imposte dipendono dal paese.
"""


def test_a_paragraph_split_in_translation_is_one_to_two_and_merged_back_is_two_to_one():
    pt, it = doc("pt-br/billing.md", "pt-BR", PT), doc("it-it/billing.md", "it-IT", IT_SPLIT)
    expected = [
        ("1-1", ["heading[0]"], ["heading[0]"]),
        ("1-2", ["p[0]"], ["p[0]", "p[1]"]),
        ("1-1", ["p[1]"], ["p[2]"]),
        ("1-1", ["heading[1]"], ["heading[1]"]),
        ("1-1", ["p[2]"], ["p[3]"]),
    ]
    assert steps(align_segments(pt, it)) == expected
    assert steps(align_segments(it, pt)) == [(f"{k[2]}-{k[0]}", b, a) for k, a, b in expected]


def test_a_paragraph_missing_from_the_translation_is_explicitly_unmatched():
    pt, it = doc("pt-br/billing.md", "pt-BR", PT), doc("it-it/billing.md", "it-IT", IT_DROPPED)
    assert steps(align_segments(pt, it)) == [
        ("1-1", ["heading[0]"], ["heading[0]"]),
        ("1-1", ["p[0]"], ["p[0]"]),
        ("1-0", ["p[1]"], []),
        ("1-1", ["heading[1]"], ["heading[1]"]),
        ("1-1", ["p[2]"], ["p[1]"]),
    ]


def test_a_segment_fixed_to_two_counterparts_is_paired_once():
    # Customer Insights' customer-card add-in: the Spanish "Configurar el Complemento…" heading has the
    # anchor of the Portuguese "Configurar o Suplemento…", and "Complemento" is a word each document has
    # once, in the Portuguese "Instalar o Complemento…". Both fixed it before the search, which then ran
    # over a negative span: IndexError, and the whole build failed. (The Portuguese has one more
    # paragraph: documents of the same structure are paired down the diagonal, without a search.)
    es = doc("es-es/card.md", "es-ES", (
        "# Tarjeta\n\n## <a name=\"install\"></a>Instalar el suplemento de tarjeta\n\nTexto uno.\n\n"
        "## <a name=\"configure\"></a>Configurar el Complemento de tarjeta\n\nTexto dos.\n"))
    pt = doc("pt-br/card.md", "pt-BR", (
        "# Cartão\n\n## <a name=\"install\"></a>Instalar o Complemento do cartão\n\nTexto um.\n\nOutro texto.\n\n"
        "## <a name=\"configure\"></a>Configurar o suplemento do cartão\n\nTexto dois.\n"))
    check_alignment(es, pt)
    check_alignment(pt, es)
    assert ("1-1", ["heading[2]"], ["heading[2]"]) in steps(align_segments(es, pt))


# --- kb compare -----------------------------------------------------------------------------------


def compare_json(capsys, *args: str) -> dict:
    import json

    from kb.cli import main
    from tests.conftest import CONTENT

    assert main(["compare", *args, "--content", str(CONTENT), "--json", "--jobs", "1"]) == 0
    return json.loads(capsys.readouterr().out)


def test_kb_compare_pt_ru_json(capsys):
    report = compare_json(capsys, "multichannel-support", "--locales", "pt-BR,ru-RU")
    assert set(report) == {"topic", "a", "b", "pairs"}
    assert report["topic"] == "c8b58255-2c7d-4338-a5b0-572bc0f54c0d"
    assert (report["a"]["path"], report["a"]["locale"], report["b"]["path"]) == (SEED_PT, "pt-BR", SEED_RU)
    assert len(report["pairs"]) == 18
    first = report["pairs"][0]
    assert first["a"] == {"path": SEED_PT, "segment": "heading[0]", "text": "Suporte a vários canais"}
    assert first["b"] == {"path": SEED_RU, "segment": "heading[0]", "text": "Поддержка нескольких каналов"}
    assert all(p["a"]["segment"] == p["b"]["segment"] and 0.5 <= p["score"] <= 1 for p in report["pairs"])


@pytest.mark.parametrize(
    "args",
    [
        ["multichannel-support", "--locales", "pt-BR,pt-BR:21vianet"],
        ["c8b58255-2c7d-4338-a5b0-572bc0f54c0d", "--locales", "pt-BR", "--edition", "global,21vianet"],
        ["multichannel-support", "--locales", "pt-BR"],
        [SEED_PT_21V, "--locales", "pt-BR:global,pt-BR:21vianet"],
    ],
)
def test_kb_compare_two_editions_of_one_locale(capsys, args):
    report = compare_json(capsys, *args)
    assert (report["a"]["path"], report["b"]["path"]) == (SEED_PT, SEED_PT_21V)
    by_a = {p["a"]["segment"]: p for p in report["pairs"] if p["a"]}
    assert by_a["table[0]/row[0]/cell[0]"]["b"]["segment"] == "table[0]/row[0]/cell[0]"
    assert by_a["table[0]/row[1]/cell[0]"]["b"] is None and by_a["table[0]/row[1]/cell[0]"]["score"] == 0.0
    only_b = [p for p in report["pairs"] if p["a"] is None]
    assert only_b and all(p["score"] == 0.0 and p["b"]["path"] == SEED_PT_21V for p in only_b)


def test_compare_json_joins_the_two_segments_of_a_split(capsys):
    from kb.align.topics import align
    from kb.quality.report import compare_report

    pt, it = doc("pt-br/billing.md", "pt-BR", PT), doc("it-it/billing.md", "it-IT", IT_SPLIT)
    topic = align([pt, it]).topics[0]
    report = compare_report(topic, pt, it, align_segments(pt, it))
    split = report["pairs"][1]
    assert split["a"] == {"path": "pt-br/billing.md", "segment": "p[0]", "text": pt.segments[1].text}
    assert split["b"]["segment"] == "p[0]+p[1]"
    assert split["b"]["text"] == f"{it.segments[1].text} {it.segments[2].text}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "kb compare: TOPIC: no topic 'nope'"),
        (["multichannel-support", "--locales", "pt-BR,fr-FR"], "kb compare: --locales: topic "),
        (
            ["multichannel-support", "--locales", "xx_yy_zz"],
            "kb compare: --locales: 'xx_yy_zz' is not a locale",
        ),
        (["multichannel-support", "--locales", "ru-RU"], "has one ru-RU document"),
        (["multichannel-support", "--locales", "pt-BR,pt-BR"], "both sides are 000_c9c7f4bd9cf9de1f.txt"),
        (
            ["multichannel-support", "--locales", "ru-RU:21vianet,pt-BR"],
            "no ru-RU document of edition '21vianet'",
        ),
        (["multichannel-support", "--locales", "a,b,c"], "at most two values"),
    ],
)
def test_kb_compare_errors_name_the_parameter_and_exit_2(capsys, args, message):
    from kb.cli import main
    from tests.conftest import CONTENT

    assert main(["compare", *args, "--content", str(CONTENT), "--jobs", "1"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err and captured.out == ""


def test_kb_compare_table(capsys):
    from kb.cli import main
    from tests.conftest import CONTENT

    assert (
        main(
            [
                "compare",
                "multichannel-support",
                "--content",
                str(CONTENT),
                "--locales",
                "pt-BR,pt-BR:21vianet",
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    out = " ".join(capsys.readouterr().out.split())
    assert "unmatched" in out and "licença" in out and "001_ec9c8a3814b0800e.txt (pt-BR)" in out


# --- every comparison of every topic --------------------------------------------------------------


def test_topic_pairs_of_the_seeds(seeds):
    from kb.align.segments import topic_pairs
    from kb.align.topics import align

    topic = align(list(seeds.values())).topics[0]
    got = sorted(tuple(sorted((a.path, b.path))) for a, b in topic_pairs(topic))
    glob = sorted([SEED_PT, SEED_RU, SEED_ES, SEED_IT])
    assert got == sorted([*itertools.combinations(glob, 2), (SEED_PT, SEED_PT_21V)])


def test_dev_corpus_every_comparison_keeps_every_segment_once_in_order(dev_corpus):
    from kb.align.segments import topic_pairs
    from kb.align.topics import align

    comparisons = diagonal = 0
    for topic in align(dev_corpus.documents).topics:
        for a, b in topic_pairs(topic):
            pairs = align_segments(a, b)
            comparisons += 1
            assert [r.index for p in pairs for r in p.a] == list(range(len(a.segments))), (a.path, b.path)
            assert [r.index for p in pairs for r in p.b] == list(range(len(b.segments))), (a.path, b.path)
            if [s.path for s in a.segments] == [s.path for s in b.segments] and a.locale != b.locale:
                # Translations that keep their source's structure align down the diagonal.
                assert all(pair_kind(p) == "1-1" and p.a[0].segment == p.b[0].segment for p in pairs)
                diagonal += 1
    assert comparisons == 1236 and diagonal > 1000


# --- a bilingual lexicon as evidence ----------------------------------------------------------------

PT_ANNOUNCED = """Os pagamentos vencem no fim do mês seguinte.

Os impostos dependem do país de cada cliente.

Consulte o suporte técnico para mais informações.
"""
IT_WITHOUT_ANNOUNCEMENT = """Le imposte dipendono dal paese di ogni cliente.

Consulta il supporto tecnico per altre informazioni.
"""
TRANSLATED = [("impostos", "imposte"), ("dependem", "dipendono"), ("país", "paese"), ("suporte", "supporto"),
              ("técnico", "tecnico"), ("informações", "informazioni"), ("cliente", "cliente")]


def test_a_lexicon_keeps_the_pairs_from_drifting_after_a_paragraph_only_one_side_has():
    """Nothing but the words tells these paragraphs apart (same kind, no anchors, alike lengths): without
    a lexicon every pair after the extra first paragraph drifts by one; with one, they pair as translated."""
    from kb.align.lexicon import BilingualLexicon, Row

    pt = doc("pt-br/a.md", "pt-BR", PT_ANNOUNCED)
    it = doc("it-it/a.md", "it-IT", IT_WITHOUT_ANNOUNCEMENT)
    rows = [Row(a, "pt", b, "it", 1.0) for a, b in TRANSLATED] + [Row(b, "it", a, "pt", 1.0) for a, b in TRANSLATED]
    lexicon = BilingualLexicon().merged(rows)
    assert steps(align_segments(pt, it)) == [
        ("1-1", ["p[0]"], ["p[0]"]), ("1-1", ["p[1]"], ["p[1]"]), ("1-0", ["p[2]"], []),
    ]
    assert steps(align_segments(pt, it, lexicon=lexicon)) == [
        ("1-0", ["p[0]"], []), ("1-1", ["p[1]"], ["p[0]"]), ("1-1", ["p[2]"], ["p[1]"]),
    ]
    # evidence for a pair, never against: a lexicon that finds nothing alike changes no score
    class Nothing:
        def similarity(self, terms_a, lang_a, terms_b, lang_b) -> float:  # type: ignore[no-untyped-def]
            return 0.0

    assert align_segments(pt, it, lexicon=Nothing()) == align_segments(pt, it)
