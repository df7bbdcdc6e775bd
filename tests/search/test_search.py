"""The search library call on a small four-language corpus written by the tests (tests/search_corpus.py).

Covers stemming and accent folding through the index, phrases, field prefixes, exclusion, prefixes,
all-then-any matching, filters, pagination, highlighting, did-you-mean, grouping by topic with
translations, cross-language answers, ``locale=auto`` and the errors users can cause.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from search_corpus import BILLING, CANCEL, REPORTS, write_corpus

from kb.align.topics import align
from kb.errors import InvalidParameter, InvalidQuery, KbError, NotFound
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.search.index import write_index
from kb.search.query import SearchResult, search
from kb.search.request import parse_query


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    corpus = ingest(write_corpus(root / "content"), jobs=1)
    assert not corpus.problems
    dest = root / "index"
    write_index(dest, corpus, align(corpus.documents), BuildOptions(jobs=1, base_url="/docs/"))
    return dest


def paths(result: SearchResult) -> list[str]:
    return [hit.path for hit in result.results]


# --- analysis through the index -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("assinaturas", "pt-br/cancel-subscription.md"),  # the text has "assinatura"
        ("подписка", "ru-ru/cancel-subscription.md"),  # the text has "подписки"
        ("suscripciones", "es-es/cancel-subscription.md"),  # the text has "suscripción"
        ("abbonamento", "it-it/cancel-subscription.md"),  # the text has "abbonamenti"
    ],
)
def test_stemming_in_each_language(index_dir: Path, query: str, expected: str) -> None:
    assert paths(search(index_dir, query))[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("suscripcion", "es-es/cancel-subscription.md"),
        ("facturacion", "es-es/azure-billing.md"),  # in its title; the cancel article's body has it too
        ("configuracoes", "pt-br/cancel-subscription.md"),
        ("condicoes", "pt-br/cancel-subscription.md"),
        ("проверьте счет", "ru-ru/cancel-subscription.md"),  # the text has "счёт"
    ],
)
def test_accent_folding(index_dir: Path, query: str, expected: str) -> None:
    result = search(index_dir, query)
    assert result.match == "all"
    assert paths(result)[0] == expected


@pytest.mark.parametrize("locale", ["pt-BR", "ru-RU", "es-ES", "it-IT"])
@pytest.mark.parametrize("term", ["Azure", "CSP", "EA", "csp ea azure"])
def test_mixed_script_terms_match_in_every_language(index_dir: Path, locale: str, term: str) -> None:
    result = search(index_dir, term, locale=locale)
    assert paths(result) == [f"{locale.lower()}/azure-billing.md"]


# --- syntax ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"cancelar as assinaturas de um cliente"', ["pt-br/cancel-subscription.md"]),
        ('"configurações da assinatura"', ["pt-br/cancel-subscription.md"]),
        ('"configuracoes da assinatura"', ["pt-br/cancel-subscription.md"]),  # phrases fold accents too
        ('"assinaturas cancelar"', []),  # the words, but not in this order
        ('"отменить подписки"', ["ru-ru/cancel-subscription.md"]),
    ],
)
def test_phrases(index_dir: Path, query: str, expected: list[str]) -> None:
    assert paths(search(index_dir, query)) == expected


def test_field_prefix_restricts_to_the_field(index_dir: Path) -> None:
    # "faturamento" is in the billing article's title and in the cancel article's body only.
    everywhere = paths(search(index_dir, "faturamento"))
    assert set(everywhere) == {"pt-br/azure-billing.md", "pt-br/cancel-subscription.md"}
    assert paths(search(index_dir, "title:faturamento")) == ["pt-br/azure-billing.md"]
    in_headings = search(index_dir, 'headings:"configurações da assinatura"')
    assert paths(in_headings) == ["pt-br/cancel-subscription.md"]


def test_exclusion_and_prefix(index_dir: Path) -> None:
    assert "pt-br/azure-billing.md" not in paths(search(index_dir, "contrato -azure"))
    assert paths(search(index_dir, "assinat* -21vianet")) == ["pt-br/cancel-subscription.md"]


def test_all_words_then_any_word(index_dir: Path) -> None:
    both = search(index_dir, "cancelar assinatura")
    assert both.match == "all"
    assert set(paths(both)) == {"pt-br/cancel-subscription.md", "pt-br/Archive/China-cancel-subscription.md"}
    fallback = search(index_dir, "cancelar zzyzx")
    assert fallback.match == "any"
    assert "pt-br/cancel-subscription.md" in paths(fallback)


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ('title:azure "a b" -c dd*', [("word", "azure", "title", False), ("phrase", "a b", None, False),
                                     ("word", "c", None, True), ("prefix", "dd", None, False)]),
        ("Ação*", [("prefix", "acao", None, False)]),
        ('x -body:"x y"', [("word", "x", None, False), ("phrase", "x y", "body", True)]),
        ("url:http://x", [("word", "url:http://x", None, False)]),  # not a field: plain text
    ],
)
def test_parse_query(text: str, clauses: list[tuple[str, str, str | None, bool]]) -> None:
    assert [(c.kind, c.text, c.field, c.negated) for c in parse_query(text)] == clauses


# --- filters and pagination -----------------------------------------------------------------------


def test_locale_filter_answers_every_topic_in_that_locale(index_dir: Path) -> None:
    result = search(index_dir, "cliente", locale="pt-BR")
    assert all(hit.locale == "pt-BR" for hit in result.results)
    assert "pt-br/cancel-subscription.md" in paths(result)


def test_edition_filter(index_dir: Path) -> None:
    china = "pt-br/Archive/China-cancel-subscription.md"
    assert paths(search(index_dir, "cancelar", edition="21vianet")) == [china]
    assert paths(search(index_dir, "cancelar", edition="global")) == ["pt-br/cancel-subscription.md"]
    # In another locale: the Russian document of that edition.
    assert paths(search(index_dir, "cancelar", locale="ru-RU", edition="21vianet")) == [
        "ru-ru/Archive/China-cancel-subscription.md"]


def test_pagination_partitions_the_ranking(index_dir: Path) -> None:
    everything = search(index_dir, "relatório", limit=REPORTS)
    assert everything.total == REPORTS
    pages = [search(index_dir, "relatório", limit=5, page=p) for p in (1, 2, 3)]
    assert [len(p.results) for p in pages] == [5, 5, 2]
    assert all(p.total == REPORTS and p.pages == 3 for p in pages)
    assert sum((paths(p) for p in pages), []) == paths(everything)
    scores = [hit.score for hit in everything.results]
    assert scores == sorted(scores, reverse=True)


def test_relevance_order(index_dir: Path) -> None:
    # The more often a report says "relatório", the higher it ranks (the same length otherwise grows).
    result = search(index_dir, "relatório detalhado", limit=3)
    assert paths(result) == [f"pt-br/reports/report-{i:02d}.md" for i in (12, 11, 10)]


# --- highlighting, suggestions, grouping ----------------------------------------------------------


def test_snippets_mark_matched_words_and_escape_text(index_dir: Path) -> None:
    hit = search(index_dir, "condições assinatura").results[0]
    assert "Termos &amp; <mark>condições</mark>" in hit.snippet
    assert "<mark>assinaturas</mark>" in hit.snippet  # a stemmed match is marked as written
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_snippet_of_a_document_in_another_language_is_its_opening_text(index_dir: Path) -> None:
    hit = search(index_dir, "assinatura", locale="it-IT").results[0]
    assert hit.path == "it-it/cancel-subscription.md"
    assert "<mark>" not in hit.snippet
    assert "Centro per i partner" in hit.snippet


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("assinatrua", "assinatura"),
        ("cancelar assinatrua", "cancelar assinatura"),
        ("подпска", "подписки"),
        ("suscripcion", "suscripción"),  # unaccented: offered with its accents, and still found
        ("abonamenti", "abbonamenti"),
    ],
)
def test_did_you_mean(index_dir: Path, query: str, suggestion: str) -> None:
    assert search(index_dir, query).suggestions[0] == suggestion


def test_no_suggestions_for_known_words(index_dir: Path) -> None:
    assert search(index_dir, "assinatura cliente").suggestions == ()


def test_results_are_grouped_by_topic_with_translations(index_dir: Path) -> None:
    result = search(index_dir, "Azure")  # matches the billing article in all four locales
    assert result.total == 1
    hit = result.results[0]
    assert hit.topic == BILLING
    assert hit.url == f"/docs/{hit.locale.lower()}/azure-billing/"
    others = sorted({"pt-BR", "ru-RU", "es-ES", "it-IT"} - {hit.locale})
    assert sorted(t.locale for t in hit.translations) == others
    assert {t.url for t in hit.translations} == {f"/docs/{loc.lower()}/azure-billing/" for loc in others}
    assert all(t.editions == ("global",) for t in hit.translations)


def test_json_shape(index_dir: Path) -> None:
    data = search(index_dir, "Azure", locale="es-ES").as_dict()
    assert list(data)[:4] == ["query", "total", "results", "suggestions"]
    hit = data["results"][0]
    shape = ["topic", "locale", "editions", "title", "url", "score", "snippet", "translations"]
    assert list(hit)[:8] == shape
    assert set(hit["translations"][0]) == {"locale", "editions", "title", "url"}
    assert hit["title"] == "Facturación de Azure en el programa CSP | Centro de partners"


# --- cross-language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "locale", "expected"),
    [
        ("cancelar assinatura", "it-IT", "it-it/cancel-subscription.md"),  # ask in Portuguese, read Italian
        ("отменить подписку", "es-ES", "es-es/cancel-subscription.md"),
        ("annullare abbonamento", "ru-RU", "ru-ru/cancel-subscription.md"),
        ("fattura mensile", "pt-BR", "pt-br/azure-billing.md"),
    ],
)
def test_cross_language(index_dir: Path, query: str, locale: str, expected: str) -> None:
    result = search(index_dir, query, locale=locale)
    assert result.locale == locale
    assert paths(result)[0] == expected


@pytest.mark.parametrize(
    ("query", "locale", "expected"),
    [
        ("como cancelar a assinatura do cliente", "pt-BR", "pt-br/cancel-subscription.md"),
        ("как отменить подписку клиента", "ru-RU", "ru-ru/cancel-subscription.md"),
        ("cómo cancelar la suscripción del cliente", "es-ES", "es-es/cancel-subscription.md"),
        ("come annullare l'abbonamento del cliente", "it-IT", "it-it/cancel-subscription.md"),
    ],
)
def test_locale_auto_detects_the_query_language(index_dir: Path, query: str, locale: str,
                                                 expected: str) -> None:
    result = search(index_dir, query, locale="auto")
    assert result.locale == locale
    assert paths(result)[0] == expected
    assert result.results[0].topic == CANCEL


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"query": None}, InvalidParameter, "the query 'q' is missing"),
        ({"query": "   "}, InvalidParameter, "the query 'q' is missing"),
        ({"query": "a" * 1001}, InvalidParameter, "1,001 characters long; the limit is 1,000"),
        ({"query": "x", "locale": "fr-FR"}, InvalidParameter, "unknown locale 'fr-FR'"),
        ({"query": "x", "locale": "nonsense"}, InvalidParameter, "unknown locale 'nonsense'"),
        ({"query": "x", "edition": "moon"}, InvalidParameter, "unknown edition 'moon'"),
        ({"query": "x", "limit": 0}, InvalidParameter, "'limit' must be between 1 and 100"),
        ({"query": "x", "limit": 101}, InvalidParameter, "'limit' must be between 1 and 100"),
        ({"query": "x", "page": 0}, InvalidParameter, "'page' must be between 1 and 1000"),
        ({"query": "relatório", "limit": 5, "page": 4}, NotFound, "page 4 is beyond the last page (3)"),
        ({"query": "zzyzx", "page": 2}, NotFound, "page 2 is beyond the last page (1) of 0 results"),
        ({"query": '"unclosed'}, InvalidQuery, "the quote at character 1 is not closed"),
        ({"query": "*scription"}, InvalidQuery, "leading wildcards are not supported"),
        ({"query": "a*"}, InvalidQuery, "at least 2 letters before *"),
        ({"query": "as*ss"}, InvalidQuery, "only a trailing * is supported"),
        ({"query": "title:"}, InvalidQuery, "'title:' at character 1 must be followed"),
        ({"query": "-azure"}, InvalidQuery, "only excludes words"),
        ({"query": " ".join(["w"] * 33)}, InvalidQuery, "the limit is 32"),
    ],
)
def test_errors(index_dir: Path, kwargs: dict[str, object], error: type[KbError], message: str) -> None:
    with pytest.raises(error) as caught:
        search(index_dir, **kwargs)  # type: ignore[arg-type]
    assert message in caught.value.message


def test_missing_index_is_reported(tmp_path: Path) -> None:
    with pytest.raises(KbError) as caught:
        search(tmp_path / "nothing", "x")
    assert caught.value.status == 503
    assert "kb build" in caught.value.message


def test_prefix_expansion_is_bounded(index_dir: Path) -> None:
    from kb.search.ranking import MAX_PREFIX_TERMS, language_query
    from kb.search.release import open_release

    release = open_release(index_dir)
    q = language_query(release, parse_query("re*"), "pt", "all")
    assert q is not None
    assert 0 < len(list(q.iter_all_terms())) <= 3 * MAX_PREFIX_TERMS


def test_a_release_is_found_by_the_folder_its_links_lead_to_and_a_new_one_is_noticed(tmp_path: Path) -> None:
    """One stat finds the opened release (open_release keys it by the folder OUT/index leads to); a
    build that publishes a new release (``current`` swapped) is noticed at the next call."""
    from kb.build.pipeline import build
    from kb.output.options import BuildOptions
    from kb.search.release import open_release

    content, out = write_corpus(tmp_path / "content"), tmp_path / "out"
    build(content, out, BuildOptions(jobs=1))
    first = open_release(out / "index")
    assert open_release(out / "index") is first and open_release(str(out / "current" / "index")) is first
    assert first.path == (out / "index").resolve()
    build(content, out, BuildOptions(jobs=1, incremental=False))
    second = open_release(out / "index")
    assert second is not first and second.path == (out / "index").resolve() != first.path
    assert open_release(out / "index") is second


@pytest.mark.parametrize("tree", ["array", "binary"])
def test_scoring_every_match_with_numpy_gives_whooshs_scores(
    tree: str, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kb.search.scoring.scored evaluates Whoosh's matcher tree with numpy; it gives exactly what Whoosh's own
    search does, order and float scores alike, with the array matcher Whoosh uses for small indexes
    and with the binary tree of union matchers it uses for large ones (forced here)."""
    from whoosh import query as wq

    from kb.search import scoring
    from kb.search.ranking import language_query
    from kb.search.release import open_release
    from kb.search.request import parse_query
    from kb.search.scoring import scored

    if tree == "binary":
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.DEFAULT_MATCHER)
    release = open_release(index_dir)
    used = []
    monkeypatch.setattr(scoring, "leaf", lambda *a: used.append(1) or LEAF(*a))
    for text in ["assinatura", "подписка клиента", "suscripción -azure", "Partner Center", "cancelar assinatura",
                 "title:canais", "multichannel", "abbonamento fatturazione", "csp", "zzzz"]:
        for mode in ("all", "any"):
            subs = [q for key in release.keys if (q := language_query(release, parse_query(text), key, mode))]
            if not subs:
                continue
            q = wq.Or(subs)
            assert scored(release, q) == list(release.searcher.search(q, limit=None).items()), (text, mode)
    assert used, "the numpy path ran"


LEAF = __import__("kb.search.scoring", fromlist=["leaf"]).leaf
