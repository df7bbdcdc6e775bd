"""kb.search.suggestions: "did you mean" from the index's vocabulary, without an index.

Suggestions of a real index: tests/search/test_search.py (test_did_you_mean)."""

from __future__ import annotations

from kb.search.request import parse_query
from kb.search.suggestions import Vocabulary, query_words, suggest

WORDS = Vocabulary({"assinatura": 40, "assinaturas": 12, "cliente": 30, "clientes": 5, "configuração": 7,
                    "parceiro": 20})


def suggestions(text: str) -> list[str]:
    return suggest(WORDS, text, parse_query(text))


def test_within_finds_words_a_few_edits_away_sharing_the_first_letter() -> None:
    assert sorted(WORDS.within("asinatura", 2, prefix=1)) == ["assinatura", "assinaturas"]
    assert WORDS.within("xliente", 2, prefix=1) == []


def test_a_misspelt_word_is_replaced_closest_first_then_most_frequent() -> None:
    assert suggestions("asinatura cliente") == ["assinatura cliente", "assinaturas cliente"]


def test_a_word_typed_without_its_accents_gets_only_its_accented_spelling() -> None:
    assert suggestions("configuracao") == ["configuração"]


def test_known_short_and_numeric_words_get_none() -> None:
    assert suggestions("cliente parceiro") == []
    assert suggestions("xy 12345") == []


def test_query_words_skip_prefixes_and_split_phrases() -> None:
    assert list(query_words(parse_query('"Cliente Parceiro" assin* -conta'))) == ["cliente", "parceiro", "conta"]


def test_words_of_the_querys_language_come_first() -> None:
    clauses = parse_query("clientse")
    assert suggest(WORDS, "clientse", clauses) == ["cliente", "clientes"]  # as close, more frequent
    plural_only = {"clientes"}  # (standing for the words of the query's language)
    assert suggest(WORDS, "clientse", clauses, in_language=plural_only.__contains__) == ["clientes", "cliente"]


def test_a_word_that_searches_as_the_query_word_does_is_never_offered() -> None:
    words = Vocabulary({"отпуске": 3, "отпусков": 2, "отпусти": 1})
    one_stem = {"отпуск", "отпуске", "отпусков"}  # (standing for the words of one stem in the query's language)

    def same(a: str, b: str) -> bool:
        return a == b or {a, b} <= one_stem

    assert suggest(words, "отпуск", parse_query("отпуск")) == ["отпуске", "отпусков", "отпусти"]
    assert suggest(words, "отпуск", parse_query("отпуск"), same_search=same) == ["отпусти"]
    assert suggest(WORDS, "configuracao", parse_query("configuracao"), same_search=lambda a, b: True) == [
        "configuração"]  # its accents are still offered
