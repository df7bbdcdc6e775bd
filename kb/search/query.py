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
import itertools
import math
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from whoosh import query as wq
from whoosh.codec.base import Automata
from whoosh.index import EmptyIndexError, open_dir
from whoosh.searching import Searcher
from whoosh.support.levenshtein import damerau_levenshtein

from kb import locales, memos
from kb.errors import IndexMissing, InvalidParameter, InvalidQuery, NotFound
from kb.model import Topic
from kb.search.analysis import analyzer_for, fold, word_analyzer
from kb.search.catalog import Catalog, Entry, load_catalog, load_vocabulary
from kb.search.layout import STORE, TEXT_FIELDS, field_name, is_whoosh_file
from kb.search.scoring import Scores, Unsupported, frequency, leaf, matches
from kb.search.snippets import snippet

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
    """Scored posting lists read lately, least recently used first (see :func:`kb.search.scoring.leaf`)."""
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


_RELEASES = memos.mapping("open-releases")
_RELEASES_LOCK = threading.Lock()
KEEP_OPEN = memos.spec("open-releases").bound or 2


def open_release(index_dir: str | Path) -> Release:
    """The opened release behind ``index_dir``; reopened when the folder's symlinks point elsewhere.

    ``OUT/index`` resolves through ``OUT/current``, which a build swaps atomically: resolving it on
    every call is how a long-running server notices a new release (a few ``readlink`` calls).
    """
    resolved = Path(index_dir).resolve()
    with _RELEASES_LOCK:
        release: Release | None = _RELEASES.get(resolved)
        if release is None:
            release = Release.open(resolved)
            _RELEASES[resolved] = release
            while len(_RELEASES) > KEEP_OPEN:
                oldest = next(iter(_RELEASES))
                _RELEASES.pop(oldest).close()
        return release


WARM_BYTES = 32 * 1024 * 1024
"""What :func:`warm` reads at most: half the posting-list cache, the rest left to the queries."""


def read_ahead(index_dir: str | Path, deadline: float, room: int | None = None) -> list[str]:
    """Read the release's index files once, so that the kernel has them in its page cache, until
    ``time.monotonic()`` reaches ``deadline``; returns the names of the files read whole.

    Whoosh's files (every query's postings) come first, then the document store (a hit's snippet is
    read from it), while they fit in ``room`` bytes (default: half the memory the machine has free);
    the catalog and vocabulary are read whole when a release is opened. After a build the index is
    often no longer cached (the site written after it pushed it out): at 100x the same 300 queries took
    p95 28 ms on a cold page cache and 12 ms on a warm one, and reading its 920 MB takes about a
    second. (``posix_fadvise(WILLNEED)`` would not wait, but read only 8 MB of each file here.)"""
    folder = Path(index_dir).resolve()
    store = re.compile(re.escape(STORE).replace(r"\{\}", r"\d+"))
    files = [p for p in folder.iterdir() if p.is_file() and (is_whoosh_file(p.name) or store.fullmatch(p.name))]
    files.sort(key=lambda p: (not is_whoosh_file(p.name), p.name))
    left = room if room is not None else os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    buffer = bytearray(4 << 20)
    named = []
    for path in files:
        size = path.stat().st_size
        if size > left:
            break
        left -= size
        with path.open("rb", buffering=0) as f:
            while time.monotonic() < deadline:
                if not f.readinto(buffer):
                    named.append(path.name)
                    break
            else:
                break
    return named


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
    ids, scores = matches(release, wq.Or(subqueries))
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


@memos.cached("word-positions")
def word_positions(key: str, text: str) -> tuple[tuple[str, ...], ...]:
    """The term variants of each position of ``text`` (a word may give two forms, or two words);
    memoised: a word clause asks for them once per field."""
    out: dict[int, list[str]] = {}
    for t in analyzer_for(key)(text, positions=True, mode="index"):
        variants = out.setdefault(t.pos, [])
        if t.text not in variants:
            variants.append(t.text)
    return tuple(tuple(v) for v in out.values())


# --- hits: snippets and translations --------------------------------------------------------------

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
