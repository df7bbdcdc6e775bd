"""The one query call behind the Python API, ``kb search`` and ``GET /api/search``.

``search(index_dir, query, locale=, edition=, limit=, page=)`` parses the query (:func:`parse_query`),
runs it against every language's fields with that language's analysis, keeps the hits that pass the
filters, groups them by topic and answers each topic with its document in the requested locale —
so a question asked in Portuguese can be read in Italian. Words must all match; when no document
has them all, any of them may match. Snippets highlight the matched words; words that are not in the
index's vocabulary get "did you mean" suggestions.

Query syntax (see README): ``word``, ``"a phrase"``, ``title:word`` / ``headings:`` / ``body:``
(also with a phrase), ``-word`` to exclude, ``word*`` for a prefix (at least two letters).
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import math
import pickle
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from whoosh import query as wq
from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermsReader
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.index import EmptyIndexError, open_dir
from whoosh.scoring import BM25FScorer
from whoosh.searching import SearchContext, Searcher
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.util.numeric import byte_to_length

from kb import locales
from kb.analysis import FOLD_TABLE, analyzer_for, fold, fold_text, word_analyzer, word_index_terms
from kb.errors import IndexMissing, InvalidParameter, InvalidQuery, NotFound
from kb.index import TEXT_FIELDS, Catalog, Entry, field_name, load_catalog, load_vocabulary
from kb.model import Document, Topic

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_LIMIT = 100
MAX_PAGE = 1000
MIN_PREFIX = 2
MAX_PREFIX_TERMS = 200
"""A prefix (``abo*``) expands to at most this many index terms per field: the cost stays bounded."""
DEFAULT_LIMIT = 10
FIELD_BOOSTS = {"title": 3.0, "headings": 2.0, "body": 1.0}
OTHER_LANGUAGE_DISCOUNT = 0.5
"""How much less a match counts in a language the query is confidently not written in."""
SNIPPET_CHARS = 240

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

    def as_dict(self) -> dict[str, Any]:
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
        }


# --- query syntax ---------------------------------------------------------------------------------

ClauseKind = Literal["word", "phrase", "prefix"]


@dataclass(frozen=True, slots=True)
class Clause:
    """One item of a query: a word, a phrase or a prefix, maybe restricted to a field or negated."""

    kind: ClauseKind
    text: str
    field: str | None = None
    negated: bool = False


_FIELD_PREFIX = re.compile(r"(" + "|".join(TEXT_FIELDS) + r"):", re.IGNORECASE)


def parse_query(text: str) -> list[Clause]:
    """Split a query into clauses; :class:`InvalidQuery` names the character position at fault."""
    clauses: list[Clause] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        fld = None
        m = _FIELD_PREFIX.match(text, i)
        if m:
            fld = m.group(1).lower()
            i = m.end()
            if i >= n or text[i].isspace():
                raise InvalidQuery(
                    f"'{fld}:' at character {start + 1} must be followed by a word or a \"phrase\"")
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise InvalidQuery(f'the quote at character {i + 1} is not closed')
            phrase = text[i + 1 : end].strip()
            i = end + 1
            if phrase:
                clauses.append(Clause("phrase", phrase, fld, negated))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        clauses.append(_word_clause(text[i:j], i, fld, negated))
        i = j
    if len(clauses) > MAX_CLAUSES:
        raise InvalidQuery(f"the query has {len(clauses)} words and phrases; the limit is {MAX_CLAUSES}")
    if clauses and all(c.negated for c in clauses):
        raise InvalidQuery("the query only excludes words: add a word to search for")
    return clauses


def _word_clause(word: str, pos: int, fld: str | None, negated: bool) -> Clause:
    if "*" not in word:
        return Clause("word", word, fld, negated)
    stem = word.rstrip("*")
    if word.startswith("*"):
        raise InvalidQuery(f"leading wildcards are not supported ('{word}' at character {pos + 1})")
    if "*" in stem:
        raise InvalidQuery(f"only a trailing * is supported ('{word}' at character {pos + 1})")
    letters = fold(stem.lower())
    if len([c for c in letters if c.isalnum()]) < MIN_PREFIX:
        raise InvalidQuery(
            f"a prefix needs at least {MIN_PREFIX} letters before * ('{word}' at character {pos + 1})")
    return Clause("prefix", letters, fld, negated)


# --- an open release ------------------------------------------------------------------------------


@dataclass
class Release:
    """An opened index folder: its Whoosh searcher and catalog, and each Whoosh doc's entry."""

    path: Path
    searcher: Searcher
    catalog: Catalog
    keys: list[str]
    """Analysis keys with fields in this index (``es``, ``it``, ``pt``, ``ru``, maybe ``any``)."""
    entries: dict[int, Entry] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary({}))
    lengths: dict[tuple[int, str], np.ndarray[Any, Any]] = field(default_factory=dict)
    """Field lengths per (segment reader, field), read on first use (see :func:`scored`)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    grouping: Grouping | None = None
    leaves: dict[tuple[int, str, bytes], Scores] = field(default_factory=dict)
    """Scored posting lists read lately, least recently used first (see :func:`_leaf`)."""
    leaves_bytes: int = 0
    leaves_lock: threading.Lock = field(default_factory=threading.Lock)
    shown: dict[tuple[int, str, str | None], Entry | None] = field(default_factory=dict)
    """(topic number, locale, edition) → the entry answering it (see :meth:`Catalog.entry_for`)."""
    frequencies: dict[tuple[int, str, str | bytes], int] = field(default_factory=dict)
    """(reader, field, term) → how many documents have the term (see :func:`frequency`)."""

    def group(self) -> Grouping:
        if self.grouping is None:
            self.grouping = Grouping.of(self)
        return self.grouping

    @classmethod
    def open(cls, path: Path) -> Release:
        try:
            ix = open_dir(str(path))
        except (EmptyIndexError, FileNotFoundError, OSError):
            raise IndexMissing(
                f"no search index at '{path}': run kb build --content DIR --build OUT") from None
        catalog = load_catalog(path)
        searcher = ix.searcher()
        keys = sorted(name.split("_", 1)[1] for name in ix.schema.names() if name.startswith("body_"))
        entries = {}
        for docnum, stored in searcher.reader().iter_docs():
            entry = catalog.by_path.get(stored["path"])
            if entry is not None:
                entries[docnum] = entry
        return cls(path, searcher, catalog, keys, entries, Vocabulary(load_vocabulary(path)))

    def close(self) -> None:
        self.searcher.close()
        self.catalog.close()


@dataclass
class Grouping:
    """Per Whoosh document number, what ranking groups and weighs by, as arrays."""

    topics: list[Topic]
    entries: list[Entry | None]
    """Document number → its entry (None: not in the catalog)."""
    topic_of: np.ndarray[Any, Any]
    """Document number → topic number (-1: not in the catalog)."""
    languages: list[str]
    language_of: np.ndarray[Any, Any]
    """Document number → number of its language in ``languages``."""
    topic_order: np.ndarray[Any, Any]
    """Topic number → its place among the topics' ids in sorted order (the tie-break of equal scores)."""
    by_order: np.ndarray[Any, Any]
    """Place among the topics' ids in sorted order → topic number (``topic_order`` inverted)."""
    editions: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    """Edition → per document number, whether the document has it (made on first use)."""
    answering: dict[tuple[str, str | None], np.ndarray[Any, Any]] = field(default_factory=dict)
    """(locale, edition) → per topic number, whether it answers them (made on first use)."""

    @classmethod
    def of(cls, release: Release) -> Grouping:
        size = release.searcher.doc_count_all()
        topics = release.catalog.topics
        number = {id(t): i for i, t in enumerate(topics)}
        languages = sorted({locales.language(e.document.locale) for e in release.entries.values()})
        lang_number = {lang: i for i, lang in enumerate(languages)}
        entries: list[Entry | None] = [None] * size
        topic_of = np.full(size, -1, dtype=np.int64)
        language_of = np.zeros(size, dtype=np.int64)
        for docnum, entry in release.entries.items():
            entries[docnum] = entry
            topic_of[docnum] = number[id(entry.topic)]
            language_of[docnum] = lang_number[locales.language(entry.document.locale)]
        by_order = np.array(sorted(range(len(topics)), key=lambda i: topics[i].id), dtype=np.int64)
        order = np.empty(len(topics), dtype=np.int64)
        order[by_order] = np.arange(len(topics))
        return cls(topics, entries, topic_of, languages, language_of, order, by_order)

    def answers(self, release: Release, locale: str, edition: str | None) -> np.ndarray[Any, Any]:
        """Per topic number, whether it has a document to show for ``locale`` and ``edition``."""
        key = (locale, edition)
        found = self.answering.get(key)
        if found is None:
            found = self.answering[key] = np.array(
                [shown_entry(release, i, locale, edition) is not None for i in range(len(self.topics))], dtype=bool)
        return found

    def with_edition(self, edition: str) -> np.ndarray[Any, Any]:
        found = self.editions.get(edition)
        if found is None:
            found = self.editions[edition] = np.array(
                [e is not None and edition in e.document.editions for e in self.entries], dtype=bool)
        return found


_RELEASES: dict[Path, Release] = {}
_RELEASES_LOCK = threading.Lock()
KEEP_OPEN = 2


def open_release(index_dir: str | Path) -> Release:
    """The opened release behind ``index_dir``; reopened when the folder's symlinks point elsewhere.

    ``OUT/index`` resolves through ``OUT/current``, which a build swaps atomically: resolving it on
    every call is how a long-running server notices a new release (a few ``readlink`` calls).
    """
    resolved = Path(index_dir).resolve()
    with _RELEASES_LOCK:
        release = _RELEASES.get(resolved)
        if release is None:
            release = Release.open(resolved)
            _RELEASES[resolved] = release
            while len(_RELEASES) > KEEP_OPEN:
                oldest = next(iter(_RELEASES))
                _RELEASES.pop(oldest).close()
        return release


WARM_BYTES = 32 * 1024 * 1024
"""What :func:`warm` reads at most: half the posting-list cache, the rest left to the queries."""


def warm(index_dir: str | Path, seconds: float, budget: int = WARM_BYTES) -> int:
    """Open the release behind ``index_dir`` (catalog, topic grouping) and read its longest posting
    lists into the cache, longest first, within ``budget`` bytes of scores and about ``seconds``
    (their listing included): a common word's list is a query's largest cost the first time it is
    read (~30 ms for some two-word queries at 100x), and the longest lists are those of the most
    common words. ``kb serve`` warms the release it starts with. Returns the number of lists read."""
    release = open_release(index_dir)
    deadline = time.monotonic() + seconds
    release.group()
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
                _leaf(release, sub, context, name, tbytes)
        except _Unsupported:  # (an index scored by Whoosh itself: nothing to read ahead)
            break
        done += 1
    return done


# --- the search call ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """A validated search request."""

    text: str
    clauses: list[Clause]
    locale: str | None
    edition: str | None
    limit: int
    page: int


def search(
    index_dir: str | Path,
    query: str | None,
    locale: str | None = None,
    edition: str | None = None,
    limit: int = DEFAULT_LIMIT,
    page: int = 1,
) -> SearchResult:
    """Search the index at ``index_dir`` (``OUT/index``). ``locale``: results in that locale, or
    ``auto`` for the query's language, or None for the best document of each topic in any locale.
    Raises :class:`~kb.errors.KbError` subclasses for bad parameters, syntax or pages."""
    release = open_release(index_dir)
    with release.lock:
        return run(release, validate(release.catalog, query, locale, edition, limit, page))


def validate(
    catalog: Catalog, query: str | None, locale: str | None, edition: str | None, limit: int, page: int
) -> Request:
    if query is None or not query.strip():
        raise InvalidParameter("the query 'q' is missing: give 1 to 1,000 characters to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidParameter(
            f"the query 'q' is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(f"'limit' must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 1 <= page <= MAX_PAGE:
        raise InvalidParameter(f"'page' must be between 1 and {MAX_PAGE}, not {page}")
    clauses = parse_query(query)
    return Request(query, clauses, _locale(catalog, query, clauses, locale), _edition(catalog, edition),
                   limit, page)


def _locale(catalog: Catalog, query: str, clauses: list[Clause], value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    known = catalog.locales
    if value.strip().lower() == "auto":
        detected = detect_language(clauses, known)
        return detected[0] if detected else None
    tag = locales.normalize(value)
    match = next((loc for loc in known if tag and loc.lower() == tag.lower()), None)
    if match is None:
        raise InvalidParameter(
            f"unknown locale '{value}' for 'locale': use auto or one of {', '.join(known)}")
    return match


def _edition(catalog: Catalog, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    known = catalog.editions
    if value.strip().lower() not in known:
        raise InvalidParameter(f"unknown edition '{value}' for 'edition': use one of {', '.join(known)}")
    return value.strip().lower()


def detect_language(clauses: list[Clause], known_locales: list[str]) -> tuple[str, float] | None:
    """The locale of the query's words among the index's locales, with the detector's confidence."""
    words = " ".join(c.text for c in clauses if not c.negated)
    if not words.strip() or not known_locales:
        return None
    by_language = {locales.language(loc): loc for loc in known_locales}
    if len(by_language) == 1:
        return known_locales[0], 1.0
    detectable = [lang for lang in by_language if lang in locales.SUPPORTED_LANGUAGES]
    if not detectable:
        return None
    tag, confidence = locales.detect(words, detectable)
    return by_language[locales.language(tag)], confidence


def run(release: Release, req: Request) -> SearchResult:
    detected = detect_language(req.clauses, release.catalog.locales)
    weights = language_weights(release.catalog.locales, detected)
    match: Literal["all", "any"] = "all"
    queries = {key: language_query(release, req.clauses, key, "all") for key in release.keys}
    ranked = rank(release, req, queries, weights)
    positives = [c for c in req.clauses if not c.negated]
    if not ranked and len(positives) > 1:
        match = "any"
        queries = {key: language_query(release, req.clauses, key, "any") for key in release.keys}
        ranked = rank(release, req, queries, weights)
    total = len(ranked)
    pages = max(1, math.ceil(total / req.limit))
    if req.page > pages:
        raise NotFound(f"page {req.page} is beyond the last page ({pages}) of {total} results")
    page = ranked[(req.page - 1) * req.limit : req.page * req.limit]
    terms = hit_terms(queries)
    hits = tuple(make_hit(release, entry, score, terms) for entry, score in page)
    return SearchResult(req.text, total, hits, tuple(suggest(release, req)), req.page, req.limit, req.locale,
                        req.edition, match)


def language_weights(known_locales: list[str], detected: tuple[str, float] | None) -> dict[str, float]:
    """Per language, how much a match counts: less in the languages the query is not written in,
    so that a word two languages share (pt ``conta``, it ``conta``) ranks the query's own first."""
    if detected is None:
        return {}
    lang, confidence = locales.language(detected[0]), detected[1]
    other = 1.0 - OTHER_LANGUAGE_DISCOUNT * confidence
    return {locales.language(loc): 1.0 if locales.language(loc) == lang else other for loc in known_locales}


def rank(
    release: Release, req: Request, queries: dict[str, wq.Query | None], weights: dict[str, float]
) -> Ranked | list[tuple[Entry, float]]:
    """Topics that match, best first, each as the entry to show (the requested locale's document).

    A topic's score is its best document's, weighted by language; among equal weighted scores the
    document found first (by Whoosh's order: score, then document number) stands for it. Topics of
    equal scores are in the order of their ids. Done with arrays: large indexes match thousands."""
    subqueries = [q for q in queries.values() if q is not None]
    if not subqueries:
        return []
    ids, scores = _matches(release, wq.Or(subqueries))
    g = release.group()
    topic = g.topic_of[ids]
    keep = topic >= 0
    if req.edition:
        keep &= g.with_edition(req.edition)[ids]
    ids, scores, topic = ids[keep], scores[keep], topic[keep]
    factor = np.array([weights.get(lang, 1.0) for lang in g.languages], dtype=np.float64)
    places, docs, best = best_per_topic(len(g.topics), g.topic_order[topic], ids, scores,
                                        scores * factor[g.language_of[ids]])
    topics = g.by_order[places]
    if req.locale is not None:  # topics without a document for the locale (and edition) drop out
        answers = g.answers(release, req.locale, req.edition)[topics]
        docs, topics, best = docs[answers], topics[answers], best[answers]
    return Ranked(release, req, docs, topics, best)


def best_per_topic(
    count: int, place: np.ndarray[Any, Any], ids: np.ndarray[Any, Any], scores: np.ndarray[Any, Any],
    weighted: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per topic that matched (``place``: each document's topic's place in id order, of ``count``),
    in id order: its place, its best document and that document's weighted score. The best has the
    highest weighted score, then the highest score, then the lowest number: the first of Whoosh's
    order (score, then document number) among those of the highest weighted score. Reductions
    over the documents instead of sorting them (a common word matches tens of thousands)."""
    present = np.zeros(count, dtype=bool)
    present[place] = True
    top = np.full(count, -np.inf)
    np.maximum.at(top, place, weighted)
    best = weighted == top[place]
    top_score = np.full(count, -np.inf)
    np.maximum.at(top_score, place[best], scores[best])
    best &= scores == top_score[place]
    doc = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(doc, place[best], ids[best])
    places = np.flatnonzero(present)
    return places, doc[places], top[places]


@dataclass(frozen=True)
class Ranked:
    """The ranked topics of a search, as arrays; entries are made only for the page shown."""

    release: Release
    req: Request
    docs: np.ndarray[Any, Any]
    """Per topic, in the order of the topics' ids: the document that matched best."""
    topics: np.ndarray[Any, Any]
    scores: np.ndarray[Any, Any]

    def __len__(self) -> int:
        return len(self.docs)

    def __getitem__(self, part: slice) -> list[tuple[Entry, float]]:
        start, stop, _ = part.indices(len(self))
        out = []
        g = self.release.group()
        chosen = first_ranked(self.scores, stop)[start:]
        for doc, topic, score in zip(self.docs[chosen].tolist(), self.topics[chosen].tolist(),
                                     self.scores[chosen].tolist(), strict=True):
            entry = g.entries[doc]
            if self.req.locale is not None:
                entry = shown_entry(self.release, topic, self.req.locale, self.req.edition)
            assert entry is not None
            out.append((entry, score))
        return out


def first_ranked(scores: np.ndarray[Any, Any], count: int) -> np.ndarray[Any, Any]:
    """The places of the ``count`` highest ``scores``, best first, equal scores in place order (a
    stable sort), sorting only the scores that can be among them: a page needs ten of thousands."""
    if count * 8 >= len(scores):
        return np.argsort(-scores, kind="stable")[:count]
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    least = np.partition(scores, len(scores) - count)[len(scores) - count]  # the count-th highest
    candidates = np.flatnonzero(scores >= least)
    return candidates[np.argsort(-scores[candidates], kind="stable")][:count]


def shown_entry(release: Release, topic: int, locale: str, edition: str | None) -> Entry | None:
    """The entry of topic number ``topic`` answering ``locale`` and ``edition`` (memoised)."""
    key = (topic, locale, edition)
    if key not in release.shown:
        release.shown[key] = release.catalog.entry_for(release.group().topics[topic], locale, edition)
    return release.shown[key]


# --- scoring every match at speed -----------------------------------------------------------------
# Grouping by topic needs every matching document with its score, which Whoosh computes one document
# at a time through a tree of Python matchers: most of a query's time on a large index. Here the
# query is evaluated a posting list at a time with numpy, in the shape Whoosh's matcher tree would
# have (:func:`_query_scores`): each term's BM25F scores from its postings' weights and the
# documents' field lengths, each inner node combining its children as its matcher's ``score()``
# does (same operations in the same order, so the same floating-point scores). Whoosh's matchers
# are not built at all: building one reads the first block of every term, and an AND walks its
# children's postings in Python to its first common document. A query holding anything else
# (exclusions: Whoosh's AndNotMatcher keeps some documents that set difference would not) is left
# to Whoosh.


class _Unsupported(Exception):
    pass


Scores = tuple["np.ndarray[Any, Any]", "np.ndarray[Any, Any]"]
"""Sorted document numbers of one segment and their scores."""

_B2L = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY: Scores = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def scored(release: Release, q: wq.Query) -> list[tuple[int, float]]:
    """Every document matching ``q`` with its score, best first (then by document number): what
    ``searcher.search(q, limit=None).items()`` gives."""
    ids, scores = scored_arrays(release, q)
    return list(zip(ids.tolist(), scores.tolist(), strict=True))


def scored_arrays(release: Release, q: wq.Query) -> Scores:
    """:func:`scored` as two arrays (document numbers, scores)."""
    ids, scores = _matches(release, q)
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


def _matches(release: Release, q: wq.Query) -> Scores:
    """The documents matching ``q`` and their scores, in no particular order."""
    searcher = release.searcher
    context = searcher.context()
    parts = []
    try:
        for sub, offset in searcher.leaf_searchers():
            ids, scores = _query_scores(release, sub, context, q)
            parts.append((ids + offset, scores))
    except _Unsupported:
        items = list(searcher.search(q, limit=None).items())
        return (np.array([d for d, _ in items], dtype=np.int64), np.array([s for _, s in items], dtype=np.float64))
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _query_scores(release: Release, searcher: Searcher, context: SearchContext, q: wq.Query) -> Scores:
    """What ``q.matcher(searcher, context)`` matches, with its scores: the tree Whoosh 2.7 builds
    (``CompoundQuery.matcher``, ``And._matcher``, ``Or._matcher``), evaluated instead of built."""
    kind = type(q)
    if kind is wq.Term:
        return _term_scores(release, searcher, context, q)
    if kind is wq.Phrase:
        return _phrase_scores(release, searcher, context, q)
    if q is wq.NullQuery:
        return _EMPTY
    if kind is not wq.And and kind is not wq.Or:
        raise _Unsupported(kind.__name__)
    subs = q.subqueries
    if not subs:
        return _EMPTY
    if len(subs) == 1:  # (Whoosh applies no boost of the compound then either)
        return _query_scores(release, searcher, context, subs[0])
    reader = searcher.reader()
    children = [_query_scores(release, searcher, context, s) for s in subs]
    size = searcher.doc_count_all()
    if kind is wq.And:  # the smallest estimates are intersected first
        weights = [0 - estimate_size(release, reader, s) for s in subs]
        return _boosted(_weighted_tree(weights, children, _intersect, size), q.boost)
    if q.scale:  # (a coordination bonus: Whoosh's CoordMatcher)
        raise _Unsupported("Or.scale")
    if _preloaded(q, searcher, context):
        return _array_union(children, size, q.boost)
    weights = [estimate_size(release, reader, s) for s in subs]
    return _boosted(_weighted_tree(weights, children, _union, size), q.boost)


def estimate_size(release: Release, reader: Any, q: wq.Query) -> int:
    """``q.estimate_size(reader)`` as Whoosh 2.7 computes it, with memoised term frequencies."""
    kind = type(q)
    if kind is wq.Term:
        tbytes = _term_bytes(reader.schema, q)
        return 0 if tbytes is None else frequency(release, reader, q.fieldname, tbytes)
    if kind is wq.And:
        return min(estimate_size(release, reader, s) for s in q.subqueries)
    if kind is wq.Or:
        return min(sum(estimate_size(release, reader, s) for s in q.subqueries), reader.doc_count())
    return int(q.estimate_size(reader))


def _term_bytes(schema: Any, q: wq.Term) -> bytes | None:
    """The term of ``q`` as its field stores it; None when the index lacks the field or the term
    cannot be in it."""
    if q.fieldname not in schema:
        return None
    try:
        return bytes(schema[q.fieldname].to_bytes(q.text))
    except ValueError:
        return None


def _preloaded(q: wq.Or, searcher: Searcher, context: SearchContext) -> bool:
    """Whether Whoosh answers ``q`` (two or more subqueries) with its array matcher
    (``PreloadedOr``) rather than a tree of union matchers (``DefaultOr``): ``Or._matcher``."""
    count = len(q.subqueries)
    if q.matcher_type == wq.Or.AUTO_MATCHER:
        tree = count < q.TOO_MANY_CLAUSES and (
            context.needs_current or q.scale or count == 2 or searcher.doc_count_all() > 5000)
        return not tree
    if q.matcher_type == wq.Or.DEFAULT_MATCHER:
        return False
    if q.matcher_type == wq.Or.ARRAY_MATCHER and context.weighting is not None:
        return True
    raise _Unsupported("Or.matcher_type")


def _weighted_tree(
    weights: list[int], children: list[Scores], combine: Callable[[Scores, Scores, int], Scores], size: int
) -> Scores:
    """``whoosh.util.make_weighted_tree``: the two lightest combined first, their pair put back
    after the items of its weight. (Whoosh sorts ``(weight, matcher)`` pairs; its matchers never
    compare less than one another, so items of equal weight keep their order, as here.)"""
    items = sorted(zip(weights, children, strict=True), key=_weight)
    while len(items) > 1:
        (wa, a), (wb, b) = items.pop(0), items.pop(0)
        bisect.insort(items, (wa + wb, combine(a, b, size)), key=_weight)
    return items[0][1]


def _weight(item: tuple[int, Scores]) -> int:
    return item[0]


def _boosted(scores: Scores, boost: float) -> Scores:
    """A compound's boost (Whoosh's ``WrappingMatcher``)."""
    return scores if boost == 1.0 else (scores[0], scores[1] * boost)


def _union(a: Scores, b: Scores, size: int) -> Scores:
    """``UnionMatcher``: a's score, b's, or their sum where both match (b's added to a's)."""
    if (len(a[0]) + len(b[0])) * 64 < size:  # short lists: merged (numpy's union1d hashes: slower)
        both = np.concatenate((a[0], b[0]))
        both.sort(kind="stable")
        first = np.empty(len(both), dtype=bool)
        first[:1] = True
        np.not_equal(both[1:], both[:-1], out=first[1:])
        ids = both[first]
        scores = np.zeros(len(ids))
        scores[np.searchsorted(ids, a[0])] = a[1]
        scores[np.searchsorted(ids, b[0])] += b[1]
        return ids, scores
    dense = np.zeros(size)  # long lists: over every document of the segment
    present = np.zeros(size, dtype=bool)
    dense[a[0]] = a[1]
    dense[b[0]] += b[1]
    present[a[0]] = True
    present[b[0]] = True
    ids = np.flatnonzero(present)
    return ids, dense[ids]


def _intersect(a: Scores, b: Scores, size: int) -> Scores:
    """``IntersectionMatcher``: the documents both match, with the sum of their scores."""
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return common, a[1][ia] + b[1][ib]


def _array_union(children: list[Scores], size: int, boost: float) -> Scores:
    """``ArrayUnionMatcher`` (small indexes): the children's scores times the boost added in order;
    a document counts when its sum is above 0."""
    dense = np.zeros(size)
    present = np.zeros(size, dtype=bool)
    for ids, scores in children:
        ids = ids[ids < size]
        dense[ids] += scores[: len(ids)] * boost
        present[ids] = True
    ids = np.flatnonzero(present & (dense > 0))
    return ids, dense[ids]


def _term_scores(release: Release, searcher: Searcher, context: SearchContext, q: wq.Term) -> Scores:
    """``Term.matcher``: nothing when the segment lacks the term, else its postings' scores without
    deleted documents (Whoosh's ``FilterMatcher``), times the query's boost."""
    reader = searcher.reader()
    tbytes = _term_bytes(searcher.schema, q)
    if tbytes is None or not frequency(release, reader, q.fieldname, tbytes):
        return _EMPTY
    if q.minquality:
        raise _Unsupported("minquality")
    return _boosted(_live(release, searcher, context, q.fieldname, tbytes), q.boost)


def _live(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """A term's postings and scores without the segment's deleted documents."""
    ids, scores = _leaf(release, searcher, context, fieldname, tbytes)
    reader = searcher.reader()
    if reader.has_deletions():
        keep = np.isin(ids, np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64), invert=True)
        ids, scores = ids[keep], scores[keep]
    return ids, scores


def _phrase_scores(release: Release, searcher: Searcher, context: SearchContext, q: wq.Phrase) -> Scores:
    """``Phrase.matcher``: Whoosh's ``SpanNear2`` over the words' postings (slop 1, in order), i.e.
    the documents where the words follow one another, scored as the intersection of the words'
    postings (a balanced tree, the words in order), times the phrase's boost. Nothing when the
    segment lacks a word."""
    schema = searcher.schema
    if q.fieldname not in schema:
        return _EMPTY
    fmt = schema[q.fieldname].format
    if q.slop != 1 or not q.words or not fmt or not fmt.supports("positions"):
        raise _Unsupported("phrase")
    reader = searcher.reader()
    words = []
    for word in q.words:
        tbytes = _term_bytes(schema, wq.Term(q.fieldname, word))
        if tbytes is None or not frequency(release, reader, q.fieldname, tbytes):
            return _EMPTY
        words.append(tbytes)
    lists = [_live(release, searcher, context, q.fieldname, w) for w in words]
    ids, scores = _binary_tree(lists, _intersect, searcher.doc_count_all())
    if len(words) > 1:
        keep = _in_sequence(reader, q.fieldname, fmt, words, ids)
        ids, scores = ids[keep], scores[keep]
    return _boosted((ids, scores), q.boost)


def _binary_tree(children: list[Scores], combine: Callable[[Scores, Scores, int], Scores], size: int) -> Scores:
    """``whoosh.util.make_binary_tree``: the first half combined with the second, recursively."""
    if len(children) == 1:
        return children[0]
    half = len(children) // 2
    return combine(_binary_tree(children[:half], combine, size), _binary_tree(children[half:], combine, size), size)


def _in_sequence(
    reader: Any, fieldname: str, fmt: Any, words: list[bytes], docs: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Per document of ``docs`` (which have every word), whether the words occur one after the other:
    at positions p, p+1, p+2… (what SpanNear2 with slop 1 and mindist 1 finds spans for)."""
    terms: Any = reader._terms
    starts = None  # (place of the document in docs, position the phrase would start at) as one number
    for k, word in enumerate(words):
        values = _positions(terms._postfile, terms.term_info(fieldname, word).extent()[0], docs)
        counts, positions = _decode_positions(fmt, values)
        places = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
        here = positions >= k
        keys = places[here] << 32 | (positions[here] - k)  # (ascending: positions are, in a document)
        if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
            keys = np.unique(keys)
        starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
    found = np.zeros(len(docs), dtype=bool)
    if starts is not None:
        found[starts >> 32] = True
    return found


LEAF_CACHE_BYTES = 64 * 1024 * 1024
"""Scored posting lists kept per release (the common words come back in query after query)."""


def _leaf(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """The documents and BM25F scores of one posting list, from the release's cache or read."""
    reader = searcher.reader()
    key = (id(reader), fieldname, tbytes)
    with release.leaves_lock:
        found = release.leaves.pop(key, None)
        if found is not None:  # the most recently used last: the cache drops the others first
            release.leaves[key] = found
            return found
    found = _read_leaf(release, searcher, context, fieldname, tbytes)
    with release.leaves_lock:
        release.leaves[key] = found
        release.leaves_bytes += found[0].nbytes + found[1].nbytes
        while release.leaves_bytes > LEAF_CACHE_BYTES and len(release.leaves) > 1:
            old = release.leaves.pop(next(iter(release.leaves)))
            release.leaves_bytes -= old[0].nbytes + old[1].nbytes
    return found


def _read_leaf(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """The documents and BM25F scores of one posting list (``BM25FScorer._score`` over arrays)."""
    scorer = context.weighting.scorer(searcher, fieldname, tbytes)  # as Searcher.postings makes it
    if type(scorer) is not BM25FScorer:
        raise _Unsupported("scorer")
    reader = searcher.reader()
    terms: Any = getattr(reader, "_terms", None)
    if type(terms) is not W3TermsReader:
        raise _Unsupported("codec")
    info = terms.term_info(fieldname, tbytes)
    if info.is_inlined():
        raise _Unsupported("inlined postings")
    docs, weights = _postings(terms._postfile, info.extent()[0])
    if len(docs) != info.doc_frequency():
        raise _Unsupported("postings count")
    tf = np.array(weights, dtype=np.float32).astype(np.float64)  # Whoosh keeps weights as C floats
    fl = _B2L[_length_bytes(release, reader, fieldname)[docs]]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    return docs, idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


# --- reading posting lists without their positions ------------------------------------------------
# A Whoosh 3 posting list is a header and blocks of up to 128 postings: the block's length (negative
# for the last one), a pickled info tuple, then the pickled and compressed data tuple (document
# numbers as deltas, weights, values). Scoring needs the document numbers and weights, but Whoosh
# decodes a block whole, and the values — each posting's positions, pickled as one
# ``_codecs.encode`` call apiece — are nearly all of it. Here only the beginning of the data is
# inflated and unpickled: the pickle is cut where its values start and closed as a pair.

_BLOCK_LENGTH = struct.Struct("!i")
_VALUES = b"c_codecs\nencode\n"
"""How the values of a block start (the first pickled bytes object), found nowhere before them: the
document numbers are opcodes K, M or J every 2 to 5 bytes and weights opcode G every 9, none of
which this has."""


def _blocks(postfile: Any, offset: int) -> Iterator[tuple[int, int, int, bytes]]:
    """Each block of the posting list at ``offset`` of ``postfile``: its number of postings, its
    last document number, its compression level and its (compressed) data."""
    if postfile.get(offset, 4) != WHOOSH3_HEADER_MAGIC:
        raise _Unsupported("postings header")
    pos = offset + 4
    while True:
        size = _BLOCK_LENGTH.unpack(postfile.get(pos, 4))[0]
        block = postfile.get(pos + 4, abs(size))
        info = pickle.loads(block)  # (the data after it is ignored; pickled again, it has its length)
        count, max_id, _, compression, _, _ = info
        yield count, max_id, compression, block[len(pickle.dumps(info, 2)) :]
        if size < 0:  # the last block
            return
        pos += 4 + size


def _postings(postfile: Any, offset: int) -> tuple[np.ndarray[Any, Any], list[float]]:
    """The document numbers and weights of the posting list at ``offset`` of ``postfile``."""
    deltas: list[int] = []
    weights: list[float] = []
    last_id = 0
    for count, max_id, compression, data in _blocks(postfile, offset):
        ids, ws = _block(data, compression, count)
        first = len(deltas)
        deltas.extend(ids)
        deltas[first] -= last_id  # each block's deltas start from 0: continue from the previous block
        last_id = max_id
        if ws is None or type(ws) is float:
            weights.extend([1.0 if ws is None else ws] * count)
        else:
            weights.extend(ws)
    return np.cumsum(np.array(deltas, dtype=np.int64)), weights


def _positions(postfile: Any, offset: int, docs: np.ndarray[Any, Any]) -> list[bytes]:
    """The values (encoded positions) of a term's postings in ``docs`` (sorted document numbers
    that have the term), in their order. Only the blocks holding one of ``docs`` are decoded, whole,
    as Whoosh decodes them."""
    values: list[bytes] = []
    first_id = 0
    for _, max_id, compression, data in _blocks(postfile, offset):
        lo, hi = np.searchsorted(docs, [first_id, max_id + 1]).tolist()
        first_id = max_id + 1
        if lo < hi:
            deltas, _, block = pickle.loads(zlib.decompress(data) if compression else data)
            at = np.searchsorted(np.cumsum(np.array(deltas, dtype=np.int64)), docs[lo:hi])
            values.extend([block[i] for i in at.tolist()])
    return values


def _decode_positions(fmt: Any, values: list[bytes]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """How many positions each value holds, and all of them one value after the other: what
    ``fmt.decode_positions`` gives. Whoosh's Positions format pickles each list of position deltas
    after a 4-byte count; those pickles are unpickled here as one list of lists (one call instead
    of one a value), then summed up with numpy."""
    plain = type(fmt).decode_positions is Positions.decode_positions and all(
        v[4:6] == b"\x80\x02" and v[-1:] == b"." for v in values)
    if not plain:
        each = [fmt.decode_positions(v) for v in values]
        return (np.array([len(p) for p in each], dtype=np.int64),
                np.array(list(itertools.chain.from_iterable(each)), dtype=np.int64))
    # (each pickle without its protocol mark and stop pushes its list; LIST gathers them)
    lists = pickle.loads(b"\x80\x02(" + b"".join(v[6:-1] for v in values) + b"l.")
    counts = np.array([len(p) for p in lists], dtype=np.int64)
    flat = np.cumsum(np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum())))
    if not len(flat):
        return counts, flat
    ends = np.cumsum(counts)
    before = np.zeros(len(counts), dtype=np.int64)  # the sum of the deltas before each value's first
    before[1:] = np.where(ends[:-1] > 0, flat[np.maximum(ends[:-1] - 1, 0)], 0)
    return counts, flat - np.repeat(before, counts)


def _block(data: bytes, compression: int, count: int) -> tuple[tuple[int, ...], Any]:
    """The document number deltas and weights (None: all 1; a float: all that) of one block."""
    head = zlib.decompressobj().decompress(data, 14 * count + 64) if compression else data
    at = head.find(_VALUES)
    for cut in ((at - 1, at) if head[at - 1 : at] == b"(" else (at,)) if at > 0 else ():
        try:  # the values' mark or, with fewer than four values, their first item
            found = pickle.loads(head[:cut] + b"\x86.")
        except Exception:  # (cut inside a weight that ends with the byte of a mark)
            continue
        if type(found) is tuple and len(found) == 2 and _block_shape(found[0], found[1], count):
            return found[0], found[1]
    ids, ws, _ = pickle.loads(zlib.decompress(data) if compression else data)
    return ids, ws


def _block_shape(ids: Any, weights: Any, count: int) -> bool:
    return (type(ids) is tuple and len(ids) == count
            and (weights is None or type(weights) is float or (type(weights) is tuple and len(weights) == count)))


def _length_bytes(release: Release, reader: Any, fieldname: str) -> np.ndarray[Any, Any]:
    """The quantised length of ``fieldname`` of every document of a segment (read once)."""
    key = (id(reader), fieldname)
    found = release.lengths.get(key)
    if found is None:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:
            raise _Unsupported("lengths")
        size = reader.doc_count_all()
        if type(column) is NumericColumn.Reader and column._typecode == "B" and column._count <= size:
            # One byte per document, documents past the last written one at the default (0).
            found = np.zeros(size, dtype=np.uint8)
            found[: column._count] = np.frombuffer(column._dbfile.get(column._basepos, column._count), np.uint8)
        else:
            found = np.array([column[i] for i in range(size)], dtype=np.uint8)
        release.lengths[key] = found
    return found


# --- building the Whoosh query of one language ----------------------------------------------------


def language_query(release: Release, clauses: list[Clause], key: str, mode: str) -> wq.Query | None:
    """The query over ``key``'s fields: every (mode ``all``) or any positive clause, minus the
    negated ones. None when no document of the language can match: every clause is only stop words
    in it, or (mode ``all``) a clause has no term in its fields — which spares Whoosh the postings
    of the other clauses, the main cost of a query asked in another language."""
    reader = release.searcher.reader()
    positive = []
    for c in clauses:
        if not c.negated and (q := clause_query(release, c, key)) is not None:
            # (not Query.existing_terms: in Whoosh 2.7 it skips every field but the first one)
            if any(frequency(release, reader, f, t) for f, t in q.iter_all_terms(phrases=True)):
                positive.append(q)
            elif mode == "all":
                return None
    negative = [q for c in clauses if c.negated if (q := clause_query(release, c, key)) is not None]
    if not positive:
        return None
    combined: wq.Query = (wq.And if mode == "all" else wq.Or)(positive)
    return (wq.AndNot(combined, wq.Or(negative)) if negative else combined).normalize()


def clause_query(release: Release, clause: Clause, key: str) -> wq.Query | None:
    fields = [clause.field] if clause.field else list(FIELD_BOOSTS)
    subqueries: list[wq.Query] = []
    for name in fields:
        fname, boost = field_name(name, key), FIELD_BOOSTS[name]
        if clause.kind == "prefix":
            expansions = itertools.islice(release.searcher.reader().expand_prefix(fname, clause.text),
                                          MAX_PREFIX_TERMS)
            terms = [wq.Term(fname, t.decode("utf-8"), boost=boost) for t in expansions]
            subqueries.append(wq.Or(terms) if terms else wq.NullQuery)
        elif clause.kind == "phrase":
            words = [t.text for t in analyzer_for(key)(clause.text, mode="query")]
            if not words:
                return None
            subqueries.append(wq.Phrase(fname, words, boost=boost) if len(words) > 1
                              else wq.Term(fname, words[0], boost=boost))
        else:
            positions = word_positions(key, clause.text)
            if not positions:
                return None
            parts = [wq.Or([wq.Term(fname, v, boost=boost) for v in variants]) for variants in positions]
            subqueries.append(parts[0] if len(parts) == 1 else wq.And(parts))
    return wq.Or(subqueries) if len(subqueries) > 1 else subqueries[0]


@functools.lru_cache(maxsize=4096)
def word_positions(key: str, text: str) -> tuple[tuple[str, ...], ...]:
    """The term variants of each position of ``text`` (a word may give two forms, or two words);
    memoised: a word clause asks for them once per field."""
    out: dict[int, list[str]] = {}
    for t in analyzer_for(key)(text, positions=True, mode="index"):
        variants = out.setdefault(t.pos, [])
        if t.text not in variants:
            variants.append(t.text)
    return tuple(tuple(v) for v in out.values())


FREQUENCIES_KEPT = 50_000
"""Term frequencies memoised per release before the memo starts again (~240 bytes each: 12 MB at
most; 300 queries at 10x look up 4,500 terms)."""


def frequency(release: Release, reader: Any, fieldname: str, text: str | bytes) -> int:
    """``reader.doc_frequency(fieldname, text)``, 0 for a field the index lacks (so above 0 exactly
    when the term is in the reader), memoised: a search looks a term up to build its query, to size
    the matcher tree and to score it, and again for the "any" words after "all" of them."""
    key = (id(reader), fieldname, text)
    found = release.frequencies.get(key)
    if found is None:
        if len(release.frequencies) >= FREQUENCIES_KEPT:
            release.frequencies.clear()
        found = release.frequencies[key] = reader.doc_frequency(fieldname, text) if fieldname in reader.schema else 0
    return found


# --- hits: snippets and translations --------------------------------------------------------------

_WORD = re.compile(r"\w+(?:\.?\w+)*")
"""Words as Whoosh's RegexTokenizer finds them, so a snippet marks what the index matched."""


def make_hit(release: Release, entry: Entry, score: float, terms: dict[str, frozenset[str]]) -> SearchHit:
    doc = entry.document
    others = tuple(
        HitTranslation(e.document.locale, e.document.editions, e.document.title, e.url)
        for m in entry.topic.members
        if m.document.path != doc.path
        for e in [release.catalog.by_path[m.document.path]]
    )
    return SearchHit(entry.topic.id, doc.locale, doc.editions, doc.title, entry.url, score,
                     snippet(doc, release.catalog.parts(doc.path), release.keys, terms), others, doc.path)


def hit_terms(queries: dict[str, wq.Query | None]) -> dict[str, frozenset[str]]:
    """Per analysis key, the terms its query looks for in that key's fields: what snippets mark."""
    out = {}
    for key, q in queries.items():
        found = {t for fname, t in q.iter_all_terms() if fname.endswith("_" + key)} if q is not None else set()
        out[key] = frozenset(t.decode("utf-8") if isinstance(t, bytes) else t for t in found)
    return out


def snippet(doc: Document, parts: tuple[str, ...], keys: list[str], terms_by_key: dict[str, frozenset[str]]) -> str:
    """HTML: the one or two paragraphs with the most distinct query terms, cut around their first
    match, each matched word in ``<mark>``; else the document's description or opening text.

    A word can match only if a query term occurs in its folded text (a stem is a prefix of the words
    it stems from): the terms are looked for in the folded text of the whole document at once, and
    only the words they occur in are analysed (through the index's word memo)."""
    key = doc_key(doc.locale, keys)
    terms = terms_by_key.get(key, frozenset())
    ranked = []
    pattern = term_pattern(terms)
    for i, positions in term_positions(doc, parts, pattern).items():
        part = parts[i]
        spans: list[tuple[int, int]] = []
        matched: set[str] = set()
        for m in words_at(part, positions):
            hit = terms.intersection(word_index_terms(key, m.group()))
            if hit:
                spans.append(m.span())
                matched |= hit
        if spans:
            ranked.append((-len(matched), i, part, spans))
    best = sorted(sorted(ranked)[:2], key=lambda r: r[1])
    if best:
        width = SNIPPET_CHARS // len(best)
        joined = " … ".join(fragment(part, spans, width) for _, _, part, spans in best)
        return re.sub(r"…(?: …)+", "…", joined)
    opening = doc.description or "\n".join(parts)  # the description says what the article is about
    text = re.sub(r"\s+", " ", opening[: SNIPPET_CHARS * 2]).strip()
    plain = text[:SNIPPET_CHARS]
    cut = plain.rfind(" ") if len(text) > SNIPPET_CHARS else -1
    return html.escape(plain[:cut] + " …" if cut > 0 else plain, quote=False)


def words_at(part: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """The words of ``part``, as ``_WORD`` finds them scanning from its start, that one of
    ``positions`` (ascending) falls in. No word spans a space or a line break, so after one the scan
    finds the same words from there: it starts again after the last one before the next position
    instead of going through every word in between."""
    words = _WORD.finditer(part)
    scanned, i, n = 0, 0, len(positions)
    while i < n:
        at = positions[i]
        gap = max(part.rfind(" ", scanned, at), part.rfind("\n", scanned, at))
        if gap >= 0:
            words = _WORD.finditer(part, gap + 1)
        for m in words:
            if m.end() > at:
                break
        else:
            return
        start, scanned = m.span()
        i = bisect.bisect_left(positions, start, i, n)
        if i < n and positions[i] < scanned:
            yield m
        i = bisect.bisect_left(positions, scanned, i, n)


def term_positions(doc: Document, parts: tuple[str, ...], pattern: re.Pattern[str] | None) -> dict[int, list[int]]:
    """Part number → where in that part a term starts (in its folded text), for the parts that have one."""
    out: dict[int, list[int]] = {}
    if pattern is None:
        return out
    whole = folded_document(doc.path, doc.content_hash, parts)
    if whole is None:  # folding changed a length somewhere: part by part
        for i, folded in enumerate(folded_parts(doc.path, doc.content_hash, parts)):
            if pattern.search(folded):
                out[i] = [m.start() for m in pattern.finditer(folded)]
        return out
    folded, starts = whole
    for m in pattern.finditer(folded):
        i = bisect.bisect_right(starts, m.start()) - 1
        out.setdefault(i, []).append(m.start() - starts[i])
    return out


@functools.lru_cache(maxsize=4096)
def folded_document(path: str, content_hash: str, parts: tuple[str, ...]) -> tuple[str, list[int]] | None:
    """The folded text of a document's parts joined by newlines, with where each part starts; None
    when folding changed the length of the text (positions would not map back)."""
    joined = "\n".join(parts)
    folded = fold_whole(joined)
    if len(folded) != len(joined):
        return None
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + 1
    return folded, starts


# analysis.fold_text over a text's code points as an array: str.translate looks each character of
# a non-ASCII text up in a dict, and str.lower is per character too; one table does both, ~6x
# faster on a Portuguese or Russian page.
_SPECIAL = 0xFFFFFFFF
"""In :func:`_fold_codes`: a character the table cannot fold alone."""


@functools.cache
def _fold_codes() -> np.ndarray[Any, Any]:
    """Per character of the Basic Multilingual Plane, the one character ``fold_text`` makes of it,
    or :data:`_SPECIAL` when it makes two or more (``İ`` → ``i̇``, ``ĳ`` → ``ij``) or depends on the
    neighbours (``Σ`` lower-cases to ``ς`` at the end of a word)."""
    table = np.full(0x10000, _SPECIAL, dtype=np.uint32)
    for code in range(0x10000):
        low = chr(code).lower()
        if len(low) == 1 and code != 0x3A3:
            folded = FOLD_TABLE.get(ord(low), low)  # (what translate does with the table)
            if len(folded) == 1:
                table[code] = ord(folded)
    return table


def fold_whole(text: str) -> str:
    """:func:`kb.analysis.fold_text` (lower-cased, then folded), the same string faster."""
    if text.isascii():
        return text.lower()
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # (a lone surrogate)
        return fold_text(text)
    if codes.max() > 0xFFFF:  # (beyond the table: emoji, rare scripts)
        return fold_text(text)
    folded = _fold_codes()[codes]
    if (folded == _SPECIAL).any():
        return fold_text(text)
    return folded.tobytes().decode("utf-32-le")


@functools.lru_cache(maxsize=256)
def folded_parts(path: str, content_hash: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The folded text of a document's parts (cached: the same documents come up again and again)."""
    return tuple(fold_whole(p) for p in parts)


@functools.lru_cache(maxsize=1024)
def term_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One regular expression finding any of ``terms`` in a folded text."""
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


def fragment(text: str, spans: list[tuple[int, int]], width: int) -> str:
    """About ``width`` characters of ``text`` from a little before its first span, on word
    boundaries, escaped, with the spans in ``<mark>``."""
    start, end = 0, len(text)
    if len(text) > width:
        start = max(0, spans[0][0] - width // 4)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else spans[0][0]
        end = min(len(text), start + width)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > spans[0][1] else max(end, spans[0][1])
    out = ["… "] if start > 0 else []
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append(" …")
    return "".join(out)


def doc_key(locale: str, keys: list[str]) -> str:
    lang = locales.language(locale)
    return lang if lang in keys else "any"


# --- did you mean ---------------------------------------------------------------------------------


class Vocabulary:
    """The index's words (``{word: number of documents}``, in word order) with the look-ups
    "did you mean" needs."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.words = list(counts)  # written sorted

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def frequency(self, word: str) -> int:
        return self.counts.get(word, 0)

    def within(self, word: str, maxdist: int, prefix: int) -> list[str]:
        """The words within ``maxdist`` edits (Levenshtein) of ``word`` sharing its first ``prefix``
        letters: Whoosh's automaton walked over the sorted word list, as over a term dictionary."""
        return list(Automata.find_matches(Automata.levenshtein_dfa(word, maxdist, prefix), _Cursor(self.words)))


class _Cursor:
    """A sorted word list read as Whoosh's automata read a term cursor."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.i = 0

    def text(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def find(self, term: str) -> None:
        self.i = bisect.bisect_left(self.words, term)



def query_words(clauses: Iterable[Clause]) -> Iterator[str]:
    """Words of the query as the vocabulary holds them (lower-cased), from words and phrases."""
    for c in clauses:
        if c.kind != "prefix":
            for t in word_analyzer()(c.text):
                yield t.text


def suggest(release: Release, req: Request, max_suggestions: int = 3) -> list[str]:
    """Whole queries with each word the index does not know replaced by a close word it knows."""
    vocabulary = release.vocabulary
    fixes: dict[str, list[str]] = {}
    for word in query_words(req.clauses):
        if word in fixes or len(word) < 3 or word.isdigit() or word in vocabulary:
            continue
        # Words within 2 edits sharing the first letter (one pass of Whoosh's automaton), closest
        # first, then the most frequent (Whoosh's own corrector ranks by frequency alone).
        close = [w for w in vocabulary.within(word, 2, prefix=1) if w != word]
        close.sort(key=lambda w: (damerau_levenshtein(w, word), -vocabulary.frequency(w), w))
        candidates = close[:max_suggestions]
        # A word typed without its accents is not misspelt: offer only its accented spelling.
        accented = [c for c in candidates if fold(c) == fold(word)]
        candidates = accented[:1] or candidates
        if candidates:
            fixes[word] = candidates
    out: list[str] = []
    for i in range(max_suggestions):
        text = req.text
        for word, candidates in fixes.items():
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", candidates[min(i, len(candidates) - 1)], text,
                          flags=re.IGNORECASE)
        if fixes and text not in out:
            out.append(text)
    return out
