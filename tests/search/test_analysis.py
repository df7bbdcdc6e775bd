"""Per-language analysis: stemming, stop words, accent folding, mixed-script terms, the fallback."""

from __future__ import annotations

import pickle

import pytest

from kb.search.analysis import FALLBACK, analysis_key, analyzer_for, fold, index_positions, terms


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


def test_chinese_japanese_and_korean_runs_are_pairs_of_characters_in_a_row() -> None:
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in analyzer_for("ja")("Azureの設定", positions=True, chars=True)]
    assert tokens == [("azure", 0, 0, 5), ("の設", 1, 5, 7), ("設定", 2, 6, 8)]
    # a query word is its pairs, in a row: a phrase of them in the index
    assert terms("ja", "パスワード", mode="query") == ["パス", "スワ", "ワー", "ード"]


def test_analyzers_pickle_with_the_schema() -> None:
    for lang in ("pt", "ru", "es", "it", "ja"):
        analyzer = analyzer_for(lang)
        again = pickle.loads(pickle.dumps(analyzer))
        text = "Assinaturas Подписки"
        assert [t.text for t in again(text)] == [t.text for t in analyzer(text)]


def analyzer_positions(key: str, text: str) -> dict[str, list[int]]:
    """What Whoosh's own Positions format collects from the analyzer, token by token."""
    out: dict[str, list[int]] = {}
    for t in analyzer_for(key)(text, positions=True, mode="index"):
        if not t.stopped:
            out.setdefault(t.text, []).append(t.pos)
    return out


TRICKY = [
    "",
    "a o e de da 1 2 x",  # stop words and one-letter words only
    "O cancelamento da assinatura não é configurações Azure CSP do Partner Center.",
    "Как отменить подписку Azure в Центре партнеров? Счёт, ЁЛКА, ёлка; EA и CSP.",
    "¿Cómo cancelo la suscripción? La SUSCRIPCIÓN de Microsoft 365, v1.2.3 e 3.141",
    "L'abbonamento è già scaduto: rinnovare l'abbonamento dell'utente_admin di Office 365.",
    "Ünïcödé İstanbul straße ǅemal ﬁnance x\u0301y",
    "パートナー センターでパスワードをリセットします。Azure の設定 v2.0",
    "合作伙伴中心 重置密码 日 Office 365",
    "비밀번호를 재설정합니다 a 한",
]


@pytest.mark.parametrize("key", ["pt", "ru", "es", "it", FALLBACK])
@pytest.mark.parametrize("text", TRICKY)
def test_fast_index_positions_are_the_analyzers(key: str, text: str) -> None:
    assert index_positions(key, text) == analyzer_positions(key, text)


def test_fast_index_positions_on_the_seed_documents(seeds) -> None:
    from kb.locales import language
    from kb.search.layout import body_text, headings_text

    for doc in seeds.values():
        for text in (doc.title, headings_text(doc), body_text(doc)):
            for key in {analysis_key(language(doc.locale)), FALLBACK}:
                assert index_positions(key, text) == analyzer_positions(key, text), doc.path


@pytest.mark.parametrize("key", ["pt", "ru", "es", "it", "any"])
@pytest.mark.parametrize("word", [
    "Configurações", "CONFIGURAÇÕES", "configurações", "Настройки", "НАСТРОЙКИ", "İstanbul", "ΣΊΣΥΦΟΣ",
    "Straße", "STRASSE", "ǅemal", "Azure", "KB2019.Q1", "Ver.2", "The", "De", "パスワード", "Azureの設定",
    "ＡＢＣ", "密码",
])
def test_a_words_terms_are_the_analyzers_whatever_its_case(key: str, word: str) -> None:
    """word_index_terms reuses a lower-cased word's terms for its capitalised forms (the analysis
    lower-cases first): each form's terms are still exactly what the analyzer gives it."""
    from kb.search.analysis import word_index_terms

    for form in (word, word.lower(), word.upper(), word.capitalize()):
        assert word_index_terms(key, form) == tuple(t.text for t in analyzer_for(key)(form, mode="index"))
