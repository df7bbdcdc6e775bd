"""kb.search.snippets on one document: which parts a snippet shows."""

from __future__ import annotations

from kb.ingest.reader import parse_document
from kb.search.analysis import word_index_terms
from kb.search.layout import body_parts
from kb.search.snippets import snippet


def test_a_description_repeated_as_the_opening_paragraph_is_shown_once() -> None:
    # Dynamics 365 and Microsoft 365 articles open with their description, word for word: the two
    # best parts were the same sentence, and the snippet said it twice.
    source = ("---\ntitle: Logotipo\ndescription: Este artigo explica como adicionar um logotipo ao site.\n---\n"
              "# Logotipo\n\nEste artigo explica como adicionar um logotipo ao site.\n\n"
              "O logotipo aparece no cabeçalho.\n")
    doc = parse_document("pt-br/a.md", source.encode())[0]
    terms = {"pt": frozenset(word_index_terms("pt", "logotipo"))}
    assert snippet(doc, tuple(body_parts(doc)), ["pt", "any"], terms) == (
        "Este artigo explica como adicionar um <mark>logotipo</mark> ao site. … "
        "O <mark>logotipo</mark> aparece no cabeçalho.")


def test_in_a_japanese_run_only_the_characters_that_matched_are_marked() -> None:
    # Japanese is written without spaces: "パートナーセンターでパスワードをリセット" is one word to a
    # word tokenizer. The index reads it as pairs of characters; the snippet marks the pairs that matched.
    source = "---\ntitle: パスワード\n---\n# パスワード\n\nパートナーセンターでパスワードをリセットできます。\n"
    doc = parse_document("ja-jp/a.md", source.encode())[0]
    terms = {"any": frozenset(word_index_terms("any", "パスワード") + word_index_terms("any", "リセット"))}
    assert snippet(doc, tuple(body_parts(doc)), ["any"], terms) == (
        "パートナーセンターで<mark>パスワード</mark>を<mark>リセット</mark>できます。")
