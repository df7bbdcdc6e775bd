"""Per-language analysis: stemming, stop words, accent folding, mixed-script terms, the fallback."""

from __future__ import annotations

import pickle

import pytest

from kb.analysis import FALLBACK, analysis_key, analyzer_for, fold, terms


def shared(lang: str, a: str, b: str) -> set[str]:
    """Terms two spellings have in common: non-empty means a query for one finds the other."""
    return set(terms(lang, a)) & set(terms(lang, b))


@pytest.mark.parametrize(
    ("lang", "query", "indexed"),
    [
        ("pt", "assinatura", "assinaturas"),
        ("pt", "configurações", "configuração"),
        ("pt", "cancelar", "cancelo"),
        ("ru", "подписка", "подписки"),
        ("ru", "подписка", "подпиской"),
        ("ru", "клиента", "клиентов"),
        ("es", "suscripción", "suscripciones"),
        ("es", "factura", "facturas"),
        ("it", "abbonamento", "abbonamenti"),
        ("it", "fatturazione", "fatturazioni"),
    ],
)
def test_stemming_joins_inflections(lang: str, query: str, indexed: str) -> None:
    assert shared(lang, query, indexed)


@pytest.mark.parametrize(
    ("lang", "plain", "accented"),
    [
        ("es", "suscripcion", "suscripción"),
        ("es", "facturacion", "facturación"),
        ("pt", "configuracao", "configuração"),
        ("pt", "configuracoes", "configurações"),
        ("pt", "relacao", "relação"),
        ("it", "citta", "città"),
        ("ru", "счет", "счёт"),
    ],
)
def test_accents_fold_both_ways(lang: str, plain: str, accented: str) -> None:
    assert shared(lang, plain, accented)
    assert shared(lang, accented, plain)


def test_folding_keeps_cyrillic_letters_other_than_yo() -> None:
    assert fold("новый") == "новый"  # й is a letter of its own, not и with an accent
    assert fold("ёлка") == "елка"
    assert fold("Ação") == "Acao"


@pytest.mark.parametrize("lang", ["pt", "ru", "es", "it"])
@pytest.mark.parametrize(("word", "term"), [("Azure", None), ("CSP", "csp"), ("EA", "ea")])
def test_mixed_script_terms_are_terms_in_every_language(lang: str, word: str, term: str | None) -> None:
    got = terms(lang, word)
    assert len(set(got)) == 1
    if term is not None:
        assert got == [term]


def test_latin_words_are_not_stemmed_by_the_russian_stemmer() -> None:
    assert terms("ru", "Azure EA") == ["azure", "ea"]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("pt", "como a assinatura do cliente", ["assinatur", "client"]),
        ("pt", "nao", []),  # stop words match in their unaccented spelling too
        ("ru", "как мой счёт", ["счет"]),
        ("es", "la suscripción de un cliente", ["suscripcion", "client"]),
        ("it", "perché la fattura", ["fattur"]),
    ],
)
def test_stop_words_are_dropped(lang: str, text: str, expected: list[str]) -> None:
    assert terms(lang, text, mode="query") == expected


def test_index_mode_gives_both_orders_at_one_position() -> None:
    tokens = [(t.text, t.pos) for t in analyzer_for("pt")("configurações", positions=True)]
    assert tokens == [("configuraco", 0), ("configur", 0)]
    assert terms("pt", "configurações", mode="query") == ["configuraco"]


@pytest.mark.parametrize(("tag", "key"), [("pt-BR", "pt"), ("ru", "ru"), ("de-DE", "de"), ("ja-JP", FALLBACK),
                                          ("xx", FALLBACK)])
def test_analysis_key_skips_what_whoosh_lacks(tag: str, key: str) -> None:
    assert analysis_key(tag.split("-")[0]) == key


def test_fallback_tokenizes_lowercases_and_folds_without_stemming() -> None:
    assert terms("ja", "Café Subscriptions 東京") == ["cafe", "subscriptions", "東京"]


def test_analyzers_pickle_with_the_schema() -> None:
    for lang in ("pt", "ru", "es", "it", "ja"):
        analyzer = analyzer_for(lang)
        again = pickle.loads(pickle.dumps(analyzer))
        text = "Assinaturas Подписки"
        assert [t.text for t in again(text)] == [t.text for t in analyzer(text)]
