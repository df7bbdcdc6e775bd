"""The bilingual lexicon mined from aligned documents: its translations, its similarity score, and
the curated and exported files (TSV and YAML, errors naming file and line)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kb.align.lexicon import (
    BilingualLexicon,
    Row,
    cognate_edits,
    cognate_similarity,
    load,
    mine,
    read_curated,
    write_rows,
)
from kb.align.topics import align
from kb.errors import InvalidParameter
from kb.ingest.reader import ingest
from kb.wordforms import stems

DATA = Path(__file__).parent / "data" / "lexicon"


@pytest.fixture(scope="module")
def lexicon() -> BilingualLexicon:
    corpus = ingest(DATA, jobs=1)
    return mine(align(corpus.documents).topics, min_topics=1)


def one(word: str, lang: str) -> str:
    [term] = stems(word, lang)
    return term


@pytest.mark.parametrize(("word", "lang", "to", "expected"), [
    ("fattura", "it", "es", "factura"),
    ("factura", "es", "it", "fattura"),
    ("utente", "it", "es", "usuario"),
    ("password", "it", "es", "contraseña"),
    ("aggiungere", "it", "es", "agregar"),
])
def test_mined_translations(lexicon: BilingualLexicon, word: str, lang: str, to: str, expected: str) -> None:
    found = lexicon.translations(one(word, lang), lang, to)
    assert found[0] == (one(expected, to), 1.0)


def test_numbers_and_unseen_words_are_not_translated(lexicon: BilingualLexicon) -> None:
    assert lexicon.translations("365", "it", "es") == ()
    assert lexicon.translations(one("federazione", "it"), "it-IT", "es-ES") == ()


def test_product_names_translate_as_themselves(lexicon: BilingualLexicon) -> None:
    assert lexicon.translations(one("Azure", "it"), "it", "es")[0][0] == one("Azure", "es")


def test_similarity(lexicon: BilingualLexicon) -> None:
    same = lexicon.text_similarity("Leggere la fattura", "it", "Leer la factura", "es")
    half = lexicon.text_similarity("Leggere la password", "it", "Leer la factura", "es")
    none = lexicon.text_similarity("Leggere la fattura", "it", "Cambiar la contraseña", "es")
    assert (same, none) == (1.0, 0.0)
    assert 0.0 < half < 1.0  # (leggere meets leer; password finds no contraseña)
    assert lexicon.similarity([], "it", ["factur"], "es") == 0.0
    assert lexicon.similarity(["azure"], "it", ["azure"], "ru") == 1.0


def test_export_reads_back_as_the_same_lexicon(lexicon: BilingualLexicon, tmp_path: Path) -> None:
    for fmt, name in (("tsv", "lex.tsv"), ("yaml", "lex.yaml")):
        out = io.StringIO()
        count = write_rows(lexicon.rows(), out, fmt)
        assert count == len(lexicon)
        (tmp_path / name).write_text(out.getvalue(), encoding="utf-8")
        assert BilingualLexicon().merged(read_curated(tmp_path / name)).table == lexicon.table


def test_curated_rows_add_reweigh_and_remove(lexicon: BilingualLexicon, tmp_path: Path) -> None:
    path = tmp_path / "curated.tsv"
    path.write_text("term\tlanguage\ttranslation\ttranslation_language\tweight\n"
                    "# comment\n"
                    "federazione\tit-IT\tfederación\tes\t0.9\n"
                    "fattura\tit\tfactura\tes\t0\n", encoding="utf-8")
    merged = lexicon.merged(read_curated(path))
    assert merged.translations(one("federazione", "it"), "it", "es") == ((one("federación", "es"), 0.9),)
    assert merged.translations(one("federación", "es"), "es", "it") == ()  # (a row of its own)
    assert one("factura", "es") not in dict(merged.translations(one("fattura", "it"), "it", "es"))
    dumped = tmp_path / "lexicon.pickle"
    merged.dump(dumped)
    assert load(dumped) == merged
    assert load(tmp_path / "missing.pickle") == BilingualLexicon()


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad.tsv", "federazione\tit\tfederación\n", "bad.tsv, line 1: expected 5 tab-separated columns"),
    ("bad.tsv", "term\tlanguage\ttranslation\ttranslation_language\tweight\nа\tit\tb\tes\tx\n",
     "bad.tsv, line 2: the weight 'x' is not a number"),
    ("bad.tsv", "federazione\tit\tfederación\tes\t2\n", "bad.tsv, line 1: the weight 2 is not between 0 and 1"),
    ("bad.tsv", "la\tit\tfederación\tes\t1\n", "bad.tsv, line 1: 'la' must be one word of it"),
    ("bad.tsv", "fattura\tit\tfactura\tit\t1\n", "bad.tsv, line 1: the term and its translation are both in 'it'"),
    ("bad.tsv", "fattura\titaliano\tfactura\tes\t1\n", "bad.tsv, line 1: 'italiano' in language is not a language"),
    ("bad.yaml", "- term: fattura\n  language: it\n  translation: factura\n  translation_language: es\n  weight: 1\n"
                 "- term: utente\n  language: it\n  translation_language: es\n  weight: 1\n",
     "bad.yaml, line 6: missing translation"),
    ("bad.yaml", "- [unclosed\n", "bad.yaml, line 2: not valid YAML"),
    ("bad.yaml", "term: x\n", "bad.yaml, line 1: expected a list of entries"),
])
def test_curated_errors_name_file_and_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidParameter) as e:
        read_curated(tmp_path / name)
    assert str(e.value).startswith(message)
    assert str(tmp_path) not in str(e.value)


def test_languages_sharing_few_topics_get_no_translations() -> None:
    corpus = ingest(DATA, jobs=1)
    assert len(mine(align(corpus.documents).topics)) == 0  # (five topics: below MIN_TOPICS)


def test_rows_show_words_not_stems(lexicon: BilingualLexicon) -> None:
    rows = [r for r in lexicon.rows() if r.language == "it" and r.term == "fattura"]
    assert rows[0] == Row("fattura", "it", "factura", "es", 1.0)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("infrastruttur", "infraestructur", 1 - 2 / 14),  # it infrastruttura, es infraestructura: 2 edits in 13
    ("infrastruttur", "infraestrutur", 1 - 2 / 13),  # pt infraestrutura
    ("composizion", "composicion", 1 - 1 / 11),
    ("certific", "certific", 1.0),
    ("ripristin", "restablec", 0.0),  # not written alike
    ("infrastruttur", "informacion", 0.0),  # the same beginning is not enough
    ("configur", "confirm", 0.0),  # 8 letters: one edit at most
    ("fatturazion", "facturacion", 0.0),  # (cognates beginning differently are not found)
    ("prim", "prin", 0.0),  # short terms are alike by chance
])
def test_cognate_similarity(a: str, b: str, expected: float) -> None:
    assert cognate_similarity(a, b) == pytest.approx(expected)
    assert cognate_similarity(b, a) == pytest.approx(expected)


def test_cognate_edits_grow_with_the_length() -> None:
    assert [cognate_edits(n) for n in (4, 5, 6, 9, 10, 14, 15)] == [0, 0, 1, 1, 2, 2, 3]


def _write_pair(root: Path, name: str, assetid: str, italian: str, spanish: str) -> None:
    for folder, title in (("it-it", italian), ("es-es", spanish)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / f"{name}.md").write_text(f"---\ntitle: {title}\nms.assetid: {assetid}\n---\n\nTesto.\n",
                                                  encoding="utf-8")


def test_written_alike_terms_met_once_in_a_long_unit_are_translations(tmp_path: Path) -> None:
    # Each pair of words meets once, in a title of more than SHORT_UNIT terms a side: co-occurrence
    # alone keeps none of them; the cognates (infrastruttura/infraestructura, certificati/certificados)
    # are kept, "ripristinare"/"restablecer" and "aziendale"/"empresarial" (not written alike) are not.
    _write_pair(tmp_path, "plan", "b1", "Pianificare l'infrastruttura della rete aziendale prima di ripristinare "
                "i certificati", "Planear la infraestructura de la red empresarial antes de restablecer los "
                "certificados")
    _write_pair(tmp_path, "other", "b2", "Leggere la fattura", "Leer la factura")
    found = mine(align(ingest(tmp_path, jobs=1).documents).topics, min_topics=1)
    assert found.translations(one("infrastruttura", "it"), "it", "es") == ((one("infraestructura", "es"), 1.0),)
    assert found.translations(one("infraestructura", "es"), "es", "it") == ((one("infrastruttura", "it"), 1.0),)
    assert found.translations(one("certificati", "it"), "it", "es") == ((one("certificados", "es"), 1.0),)
    for word in ("ripristinare", "aziendale", "pianificare"):
        assert found.translations(one(word, "it"), "it", "es") == ()
