"""The one query call behind the Python API, ``kb search`` and ``GET /api/search``, its results, and
:func:`warm`, which readies a release for its first queries (``kb serve`` at start).

``search(index_dir, query, locale=, edition=, limit=, page=)`` parses the query and checks the
parameters (:mod:`kb.search.request`) and the query's cost against its budget (:mod:`kb.search.cost`;
:func:`prepare` does that much alone, so that a server can choose when to :func:`execute` it), runs
it against every language's fields with that language's analysis and ranks the topics
(:mod:`kb.search.ranking`, scored by :mod:`kb.search.scoring`) over the opened release
(:mod:`kb.search.release`), and answers each topic with its document in the requested locale — so a
question asked in Portuguese can be read in Italian. Words must all match; when no document has them
all, any of them may match. Snippets highlight the matched words (:mod:`kb.search.snippets`); words
that are not in the index's vocabulary get "did you mean" suggestions (:mod:`kb.search.suggestions`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from whoosh import query as wq

from kb.errors import NotFound
from kb.locales import language
from kb.search.analysis import analysis_key, analyzer_for, index_positions
from kb.search.catalog import Entry
from kb.search.cost import BUDGET, Budget, Cost, estimate
from kb.search.layout import TEXT_FIELDS, body_text, field_name, headings_text
from kb.search.ranking import Ranked, language_query, language_weights, rank
from kb.search.release import Release, open_release, read_ahead
from kb.search.request import DEFAULT_LIMIT, Request, detect_language, parse_query, validate
from kb.search.scoring import Unsupported, leaf
from kb.search.snippets import snippet
from kb.search.suggestions import suggest
from kb.search.translation import Expansions, expand

SHOWN_TRANSLATED = 0.25
"""See :func:`shown_weights`."""
WARM_BYTES = 32 * 1024 * 1024
"""What :func:`warm` reads at most: half the posting-list cache, the rest left to the queries."""

# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HitTranslation:
    """Another document of a hit's topic: another locale, or another edition."""

    locale: str
    editions: tuple[str, ...]
    title: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"locale": self.locale, "editions": list(self.editions), "title": self.title, "url": self.url}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One topic in the results, answered with its document in the requested locale."""

    topic: str
    locale: str
    editions: tuple[str, ...]
    title: str
    url: str
    score: float
    snippet: str
    """HTML: the document's text escaped, matched words in ``<mark>``, fragments joined by `` … ``."""
    translations: tuple[HitTranslation, ...]
    path: str
    """The document's source path (relative to the content folder)."""
    fallback: bool = False
    """The requested locale has no document of the topic: shown in the first locale of the fallback order."""
    explain: tuple[dict[str, Any], ...] | None = None
    """With ``explain``: the query's translated terms found in the topic's documents."""

    def as_dict(self) -> dict[str, Any]:
        extra = {"explain": list(self.explain)} if self.explain is not None else {}
        return {
            "topic": self.topic,
            "locale": self.locale,
            "editions": list(self.editions),
            "title": self.title,
            "url": self.url,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "translations": [t.as_dict() for t in self.translations],
            "path": self.path,
            "fallback": self.fallback,
            **extra,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of results with the total number of topics found."""

    query: str
    total: int
    results: tuple[SearchHit, ...]
    suggestions: tuple[str, ...]
    """Whole queries with misspelt words replaced by words of the index, best first."""
    page: int
    limit: int
    locale: str | None
    """The locale results are given in (the detected one for ``locale=auto``), or None for any."""
    edition: str | None
    match: Literal["all", "any"]
    """``all`` when every word matched; ``any`` when that found nothing and any word may match."""
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    """``{"locale": {tag: topics}, "edition": {edition: topics}}``: how many topics the search finds
    with that locale (or edition) instead of the one asked for, the other filter kept."""
    expansions: tuple[dict[str, Any], ...] | None = None
    """With ``explain``: every translation of the query's words that was searched for."""

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.limit)

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape of ``kb search --json`` and ``GET /api/search``."""
        return {
            "query": self.query,
            "total": self.total,
            "results": [h.as_dict() for h in self.results],
            "suggestions": list(self.suggestions),
            "page": self.page,
            "limit": self.limit,
            "pages": self.pages,
            "locale": self.locale,
            "edition": self.edition,
            "match": self.match,
            "facets": self.facets,
            **({"expansions": list(self.expansions)} if self.expansions is not None else {}),
        }


# --- the search call ------------------------------------------------------------------------------


def search(
    index_dir: str | Path,
    query: str | None,
    locale: str | None = None,
    edition: str | None = None,
    limit: int = DEFAULT_LIMIT,
    page: int = 1,
    budget: Budget = BUDGET,
    fallback: str | None = None,
    explain: bool = False,
) -> SearchResult:
    """Search the index at ``index_dir`` (``OUT/index``). ``locale``: results in that locale, or
    ``auto`` for the query's language, or None for the best document of each topic in any locale.
    Raises :class:`~kb.errors.KbError` subclasses for bad parameters, syntax or pages, and
    :class:`~kb.errors.OverBudget` for a query over ``budget`` (:data:`kb.search.cost.UNLIMITED`: none).
    ``fallback``: the locales that answer, in order, for a topic the requested locale lacks
    (comma-separated; ``none``: such topics are left out; default: the closest languages first).
    ``explain``: each result says which translated terms of the query it matched."""
    return execute(prepare(index_dir, query, locale, edition, limit, page, budget, fallback, explain))


@dataclass(frozen=True)
class Prepared:
    """A search checked and costed, not run yet."""

    release: Release
    request: Request
    cost: Cost
    heavy: bool
    """Within budget but expensive (:meth:`Budget.heavy`)."""
    expansions: Expansions | None = None
    """The translations of the query's words the cost was reckoned with, which the search then uses."""


def prepare(
    index_dir: str | Path, query: str | None, locale: str | None = None, edition: str | None = None,
    limit: int = DEFAULT_LIMIT, page: int = 1, budget: Budget = BUDGET, fallback: str | None = None,
    explain: bool = False,
) -> Prepared:
    """The search's release, its checked parameters and its cost, refused (:class:`~kb.errors.OverBudget`)
    when over ``budget``: all from the catalog and the release's lexicon, without the release's lock."""
    release = open_release(index_dir)
    request = validate(release.catalog, query, locale, edition, limit, page, fallback, explain)
    expansions = expand(release, request.clauses)
    cost = estimate(release, request.clauses, expansions)
    budget.check(cost)
    return Prepared(release, request, cost, budget.heavy(cost), expansions)


def execute(prepared: Prepared) -> SearchResult:
    """Run a prepared search on its release (searches on one release take turns at its searcher)."""
    with prepared.release.lock:
        return run(prepared.release, prepared.request, prepared.expansions)


def run(release: Release, req: Request, expansions: Expansions | None = None) -> SearchResult:
    detected = detect_language(req.clauses, release.catalog.locales)
    weights = language_weights(release.catalog.locales, detected)
    expansions = expand(release, req.clauses) if expansions is None else expansions
    match: Literal["all", "any"] = "all"
    queries, ranked = ranked_by(release, req, "all", weights, expansions)
    positives = [c for c in req.clauses if not c.negated]
    if not ranked and len(positives) > 1:
        match = "any"
        queries, ranked = ranked_by(release, req, "any", weights, expansions)
    total = len(ranked)
    pages = max(1, math.ceil(total / req.limit))
    if req.page > pages:
        raise NotFound(f"page {req.page} is beyond the last page ({pages}) of {total} results")
    page = ranked[(req.page - 1) * req.limit : req.page * req.limit]
    terms = hit_terms(queries)
    hits = tuple(make_hit(release, req, entry, score, terms, expansions) for entry, score in page)
    in_language, same_search = words_of(release, req.locale or (detected[0] if detected else None))
    suggestions = tuple(suggest(release.vocabulary, req.text, req.clauses, in_language=in_language,
                                same_search=same_search))
    facets = ranked.facets() if isinstance(ranked, Ranked) else {"locale": {}, "edition": {}}
    tried = tuple(t.as_dict(release.bilingual().words) for t in expansions.all())
    return SearchResult(req.text, total, hits, suggestions, req.page, req.limit, req.locale, req.edition, match,
                        facets, tried if req.explain else None)


def words_of(release: Release, locale: str | None
             ) -> tuple[Callable[[str], bool] | None, Callable[[str, str], bool] | None]:
    """In ``locale``'s language: whether a word is found in the release (its stem in that language's
    body field), and whether two words search alike (the same terms); (None, None) when the language
    has no fields of its own."""
    if locale is None:
        return None, None
    key = analysis_key(language(locale))
    if key not in release.keys:
        return None, None
    body, analyze = release.lexicon().of(field_name("body", key)), analyzer_for(key)

    def terms(word: str) -> list[str]:
        return [t.text for t in analyze(word, mode="query")]

    return (lambda word: any(body.frequency(t) for t in terms(word))), (lambda a, b: terms(a) == terms(b))


def ranked_by(release: Release, req: Request, mode: str, weights: dict[str, float], expansions: Expansions
              ) -> tuple[dict[str, wq.Query | None], Ranked | list[tuple[Entry, float]]]:
    """Each language's query in ``mode`` (``all``, ``any``) and the topics they rank."""
    coverage: dict[str, float] = {}
    queries = {key: language_query(release, req.clauses, key, mode, expansions.of(key), coverage)
               for key in release.keys}
    return queries, rank(release, req, queries, shown_weights(weights, coverage),
                         translated_weights(weights, coverage), coverage)


def shown_weights(weights: dict[str, float], coverage: dict[str, float]) -> dict[str, float]:
    """The weights that choose the document standing for a topic: a document found through the
    translations of the query's words counts :data:`SHOWN_TRANSLATED` times less, so that the
    topic's document in the query's own language is the one shown when it matched."""
    out = dict(weights)
    for key in coverage:
        out[key] = weights.get(key, 1.0) * SHOWN_TRANSLATED
    return out


def translated_weights(weights: dict[str, float], coverage: dict[str, float]) -> dict[str, float]:
    """The weights of the topics' scores: the languages the query was translated into count as
    much as its own (they are searched for its words, not for another language's words that look
    alike)."""
    out = dict(weights)
    for key in coverage:
        out[key] = 1.0
    return out


# --- hits: snippets and translations --------------------------------------------------------------

def make_hit(release: Release, req: Request, entry: Entry, score: float, terms: dict[str, frozenset[str]],
             expansions: Expansions) -> SearchHit:
    doc = entry.document
    others = tuple(
        HitTranslation(e.document.locale, e.document.editions, e.document.title, e.url)
        for m in entry.topic.members
        if m.document.path != doc.path
        for e in [release.catalog.by_path[m.document.path]]
    )
    fallback = req.locale is not None and doc.locale != req.locale
    explained = matched(release, entry, expansions) if req.explain else None
    return SearchHit(entry.topic.id, doc.locale, doc.editions, doc.title, entry.url, score,
                     snippet(doc, release.catalog.parts(doc.path), release.keys, terms), others, doc.path,
                     fallback, explained)


def matched(release: Release, entry: Entry, expansions: Expansions) -> tuple[dict[str, Any], ...]:
    """The translations of the query's words that the topic's documents hold (``explain``), each
    with the locales of the documents that hold it."""
    held: dict[str, set[str]] = {}  # analysis key → the terms of its documents of the topic
    locales_of: dict[tuple[str, str], list[str]] = {}
    for m in entry.topic.members:
        key = analysis_key(language(m.document.locale))
        full = release.catalog.document(m.document.path)
        found = index_positions(key, "\n".join((full.title, headings_text(full), body_text(full))))
        held.setdefault(key, set()).update(found)
        for term in found:
            locales_of.setdefault((key, term), []).append(m.document.locale)
    words = release.bilingual().words
    out = []
    for t in expansions.all():
        key = t.translation_language
        if t.translation in held.get(key, ()):
            out.append({**t.as_dict(words), "locales": sorted(set(locales_of[(key, t.translation)]))})
    return tuple(out)


def hit_terms(queries: dict[str, wq.Query | None]) -> dict[str, frozenset[str]]:
    """Per analysis key, the terms its query looks for in that key's fields: what snippets mark."""
    out = {}
    for key, q in queries.items():
        found = {t for fname, t in q.iter_all_terms() if fname.endswith("_" + key)} if q is not None else set()
        out[key] = frozenset(t.decode("utf-8") if isinstance(t, bytes) else t for t in found)
    return out


# --- warming a release ----------------------------------------------------------------------------


def warm(index_dir: str | Path, seconds: float, budget: int = WARM_BYTES) -> int:
    """Open the release behind ``index_dir`` (catalog, topic grouping) and read its longest posting
    lists into the cache, longest first, within ``budget`` bytes of scores and about ``seconds``
    (their listing included): a common word's list is a query's largest cost the first time it is
    read (~30 ms for some two-word queries at 100x), and the longest lists are those of the most
    common words. ``kb serve`` warms the release it starts with. Returns the number of lists read."""
    release = open_release(index_dir)
    deadline = time.monotonic() + seconds
    read_ahead(release.path, deadline)
    release.group()
    release.lexicon()  # (what every query's cost is reckoned from)
    release.bilingual()  # (what its words are translated with)
    detect_language(parse_query("warm"), release.catalog.locales)  # (loads the language model)
    searcher = release.searcher
    context = searcher.context()
    lists = []
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        for name in (field_name(n, key) for key in release.keys for n in TEXT_FIELDS):
            for tbytes, info in reader.iter_field(name):
                lists.append((info.doc_frequency(), name, tbytes, sub))
            if time.monotonic() > deadline:
                return 0
    lists.sort(key=lambda item: -item[0])
    done = used = 0
    for count, name, tbytes, sub in lists:
        used += count * 16  # a document number and a score apiece
        if used > budget or time.monotonic() > deadline:
            break
        try:
            with release.lock:  # (a list at a time: searches go on between them)
                leaf(release, sub, context, name, tbytes)
        except Unsupported:  # (an index scored by Whoosh itself: nothing to read ahead)
            break
        done += 1
    return done
