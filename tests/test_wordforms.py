"""kb.wordforms gives the terms of the index's analyzers in query mode, without Whoosh's chain."""

from __future__ import annotations

import pytest

from kb.search.analysis import terms
from kb.wordforms import fold, stems

TEXTS = [
    ("it", "Configurare la federazione di Lync Server 2013 con l'utente"),
    ("es", "¿Cómo compro reservas de Azure para mi cliente? Configuración"),
    ("pt", "Configurações de federação não são exibidas; é o Azure 365"),
    ("ru", "Настройка федерации Lync Server в Azure, счёт и ёлка"),
    ("ru", "a и я Я 1 22 x.y.z"),
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
