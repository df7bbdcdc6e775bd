"""kb.wordforms gives the terms of the index's analyzers in query mode, without Whoosh's chain."""

from __future__ import annotations

import pytest
from whoosh.lang import languages as whoosh_languages

from kb.search.analysis import terms
from kb.wordforms import _SNOWBALL_NAMES, fold, stemmer, stems, token_spans, tokens

TEXTS = [
    ("it", "Configurare la federazione di Lync Server 2013 con l'utente"),
    ("es", "¿Cómo compro reservas de Azure para mi cliente? Configuración"),
    ("pt", "Configurações de federação não são exibidas; é o Azure 365"),
    ("ru", "Настройка федерации Lync Server в Azure, счёт и ёлка"),
    ("ru", "a и я Я 1 22 x.y.z"),
    ("ja", "パートナー センターでパスワードをリセットします。Azure の設定"),
    ("zh", "你可以在合作伙伴中心重置密码"),
    ("ko", "파트너 센터에서 비밀번호를 재설정합니다"),
    ("pt", "Configurações (設定) não"),
]


@pytest.mark.parametrize(("lang", "text"), TEXTS)
def test_stems_are_the_analyzers_query_terms(lang: str, text: str) -> None:
    assert stems(text, lang) == terms(lang, text, mode="query")


def test_stems_of_a_locale_tag_and_folding() -> None:
    assert stems("Federazione", "it-IT") == stems("federazione", "it")
    assert fold("счёт") == "счет"
    assert fold("suscripción") == "suscripcion"


@pytest.mark.parametrize(("lang", "word"), [
    ("it", "federazione"), ("it", "la"), ("it", "azure"), ("ru", "настройка"), ("ru", "счёт"), ("ru", "azure"),
    ("pt", "configurações"), ("pt", "não"), ("es", "suscripción"), ("es", "2013"),
])
def test_the_index_writers_term_is_the_lexicons(lang: str, word: str) -> None:
    from kb.search.index import analysed_term
    from kb.wordforms import word_stem

    assert analysed_term(lang, word) == word_stem(lang, word)


@pytest.mark.parametrize(("lang", "words", "stem"), [
    # Snowball's current algorithms (PyStemmer) stem a word typed without its accents as the accented
    # one; Whoosh's ports of the old ones kept "aplicacion" and "configuracion" whole.
    ("es", ["aplicación", "aplicacion", "aplicaciones"], "aplic"),
    ("es", ["distribución", "distribucion"], "distribu"),
    ("it", ["distribuzione", "distribuzioni"], "distribu"),
    ("pt", ["configuração", "configurações", "configurar"], "configur"),
    ("ru", ["объем", "объему"], "объ"),  # Whoosh's port gave "обь"
])
def test_words_stem_as_snowballs_current_algorithms_do(lang: str, words: list[str], stem: str) -> None:
    assert {w: stemmer(lang)(w) for w in words} == dict.fromkeys(words, stem)


def test_every_language_whoosh_stems_is_stemmed_by_pystemmer() -> None:
    assert _SNOWBALL_NAMES["pt"] == "portuguese"
    assert set(_SNOWBALL_NAMES) == set(whoosh_languages)


@pytest.mark.parametrize(("text", "expected"), [
    # Words as Whoosh's RegexTokenizer finds them, in every script written with spaces.
    ("Partner Center v2.0, 2019", ["Partner", "Center", "v2.0", "2019"]),
    ("Центр партнеров", ["Центр", "партнеров"]),
    # Chinese, Japanese and Korean runs as overlapping pairs; a run of one character as itself.
    ("重置密码", ["重置", "置密", "密码"]),
    ("パスワードを", ["パス", "スワ", "ワー", "ード", "ドを"]),
    ("비밀번호를 재설정", ["비밀", "밀번", "번호", "호를", "재설", "설정"]),
    ("Azureの設定", ["Azure", "の設", "設定"]),
    ("日 本", ["日", "本"]),
    # Punctuation between them ends a run: the middle dot and the ideographic full stop are no letters.
    ("パス・ワード。設定", ["パス", "ワー", "ード", "設定"]),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected
    assert [text[start:end] for start, end in token_spans(text)] == expected


@pytest.mark.parametrize(("word", "folded"), [
    ("configuração", "configuracao"), ("счёт", "счет"), ("й", "й"),
    ("ἀπόδοση", "αποδοση"), ("cập nhật", "cap nhat"),  # Greek and Vietnamese are read without accents too
    ("パスワード", "パスワード"), ("비밀번호", "비밀번호"),  # ≠ ハストート, ≠ the syllables' letters
])
def test_folding_removes_latin_and_greek_accents_only(word: str, folded: str) -> None:
    assert fold(word) == folded
