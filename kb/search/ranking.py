"""Running a request's clauses against a release: each language's Whoosh query
(:func:`language_query`), every matching document scored (:mod:`kb.search.scoring`), and the
topics ranked by their best document (:func:`rank`), weighted by the query's language.

Words must all match (mode ``all``); when no document has them all, the caller asks again with
mode ``any``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from kb import locales, memos
from kb.search.analysis import analyzer_for
from kb.search.catalog import Entry
from kb.search.layout import field_name
from kb.search.release import Release, shown_entry
from kb.search.request import Clause, Request
from kb.search.scoring import frequency, matches

MAX_PREFIX_TERMS = 200
"""A prefix (``abo*``) expands to at most this many index terms per field: the cost stays bounded."""
FIELD_BOOSTS = {"title": 3.0, "headings": 2.0, "body": 1.0}
TRANSLATED_SHARE = 0.4
"""In a language the query's words were translated into, the share of its clauses that must have a
term there (the lexicon does not know every word): the others are left out of that language's query."""
TRANSLATED_TITLE = 4.0
"""How much more a translated word counts in a title (beyond the title's own boost): the lexicon is
mined from titles and headings first, and a title that holds the translations of the query's words
is the surest sign of the article asked for (a hub page listing every title holds them in its body)."""
COORDINATION = 1.0
OTHER_LANGUAGE_DISCOUNT = 0.5
"""How much less a match counts in a language the query is confidently not written in."""


def language_weights(known_locales: list[str], detected: tuple[str, float] | None) -> dict[str, float]:
    """Per language, how much a match counts: less in the languages the query is not written in,
    so that a word two languages share (pt ``conta``, it ``conta``) ranks the query's own first."""
    if detected is None:
        return {}
    lang, confidence = locales.language(detected[0]), detected[1]
    other = 1.0 - OTHER_LANGUAGE_DISCOUNT * confidence
    return {locales.language(loc): 1.0 if locales.language(loc) == lang else other for loc in known_locales}


def rank(
    release: Release, req: Request, queries: dict[str, wq.Query | None], weights: dict[str, float],
    scoring: dict[str, float] | None = None, coverage: dict[str, float] | None = None,
) -> Ranked | list[tuple[Entry, float]]:
    """Topics that match, best first, each as the entry to show (the requested locale's document).

    A topic's score is its best document's, weighted by language; among equal weighted scores the
    document found first (by Whoosh's order: score, then document number) stands for it. Topics of
    equal scores are in the order of their ids. Done with arrays: large indexes match thousands.

    ``scoring``, when given, weighs the languages for the topics' scores instead of ``weights``,
    which then only choose the document that stands for a topic: the languages the query was
    translated into count fully for finding a topic, while its document in the query's own
    language is still the one shown. The queries of the languages in ``coverage`` (translated
    into: any of their clauses may match) are scored by :func:`coordinated`."""
    coverage = coverage or {}
    subqueries = [q for key, q in queries.items() if q is not None and key not in coverage]
    found = [coordinated(release, q, coverage[key]) for key, q in queries.items() if q is not None and key in coverage]
    if subqueries:
        found.append(matches(release, wq.Or(subqueries)))
    if not found:
        return []
    # (a document is in the fields of one language only: the parts do not overlap)
    ids, scores = (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]))
    matched = ids
    g = release.group()
    topic = g.topic_of[ids]
    keep = topic >= 0
    if req.edition:
        keep &= g.with_edition(req.edition)[ids]
    ids, scores, topic = ids[keep], scores[keep], topic[keep]
    factor = np.array([weights.get(lang, 1.0) for lang in g.languages], dtype=np.float64)
    weighted = scores * factor[g.language_of[ids]]
    places, docs, best = best_per_topic(len(g.topics), g.topic_order[topic], ids, scores, weighted)
    topics = g.by_order[places]
    if scoring is not None and scoring != weights:
        factor = np.array([scoring.get(lang, 1.0) for lang in g.languages], dtype=np.float64)
        best = best_per_topic(len(g.topics), g.topic_order[topic], ids, scores, scores * factor[g.language_of[ids]])[2]
    if req.locale is not None:  # topics without a document for the locale (and edition) drop out,
        answers = g.answers(release, req.locale, req.edition)[topics]  # unless a fallback locale has one
        for other in req.fallback:
            answers |= g.answers(release, other, req.edition)[topics]
        docs, topics, best = docs[answers], topics[answers], best[answers]
    return Ranked(release, req, docs, topics, best, matched)


def coordinated(release: Release, q: wq.Query, share: float) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The documents matching any clause of ``q`` (an Or of clauses, ``share`` of the query's
    clauses), each scored the sum of its clauses' scores times the share of the parts it matched,
    a part being a clause in one field (title, headings, body): a translated document matching one
    word of two counts half, one matching a word in its title and body more than in its body alone
    (a translation is a guess; the words of a query in its own language must all match)."""
    clauses = q.subqueries if isinstance(q, wq.Or) else [q]
    clauses = [f for c in clauses for f in (c.subqueries if isinstance(c, wq.Or) else [c])]
    parts = [matches(release, c) for c in clauses]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    unique, where = np.unique(ids, return_inverse=True)
    total = np.bincount(where, weights=scores, minlength=len(unique))
    count = np.bincount(where, minlength=len(unique))
    return unique, total * q.boost * (count * share / len(clauses)) ** COORDINATION


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
    matched: np.ndarray[Any, Any]
    """Every document that matched, before the edition and locale filters (what :meth:`facets` counts)."""

    def __len__(self) -> int:
        return len(self.docs)

    def facets(self) -> dict[str, dict[str, int]]:
        """Per locale and per edition of the release, how many topics the search finds with that
        filter instead of the request's (the other filter kept): what a search form shows beside
        each choice."""
        release, req = self.release, self.req
        g = release.group()
        ids = self.matched[g.topic_of[self.matched] >= 0]

        def count(locale: str | None, edition: str | None) -> int:
            found = ids if edition is None else ids[g.with_edition(edition)[ids]]
            present = np.zeros(len(g.topics), dtype=bool)
            present[g.topic_of[found]] = True
            if locale is not None:
                present &= g.answers(release, locale, edition)
            return int(present.sum())

        return {
            "locale": {loc: count(loc, req.edition) for loc in release.catalog.locales},
            "edition": {ed: count(req.locale, ed) for ed in release.catalog.editions},
        }

    def __getitem__(self, part: slice) -> list[tuple[Entry, float]]:
        start, stop, _ = part.indices(len(self))
        out = []
        g = self.release.group()
        chosen = first_ranked(self.scores, stop)[start:]
        for doc, topic, score in zip(self.docs[chosen].tolist(), self.topics[chosen].tolist(),
                                     self.scores[chosen].tolist(), strict=True):
            entry = g.entries[doc]
            if self.req.locale is not None:
                entry = answering(self.release, topic, self.req)
            assert entry is not None
            out.append((entry, score))
        return out


def answering(release: Release, topic: int, req: Request) -> Entry | None:
    """The entry showing topic number ``topic``: the requested locale's, else the first fallback locale's."""
    for locale in (req.locale, *req.fallback) if req.locale is not None else ():
        entry = shown_entry(release, topic, locale, req.edition)
        if entry is not None:
            return entry
    return None


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


# --- building the Whoosh query of one language ----------------------------------------------------


Translated = dict[int, tuple[tuple[str, float], ...]]
"""Clause number → its translations into one language: (index term, boost factor) (:mod:`kb.search.translation`)."""


def language_query(release: Release, clauses: list[Clause], key: str, mode: str,
                   translated: Translated | None = None, coverage: dict[str, float] | None = None
                   ) -> wq.Query | None:
    """The query over ``key``'s fields: every (mode ``all``) or any positive clause, minus the
    negated ones. None when no document of the language can match: every clause is only stop words
    in it, or (mode ``all``) a clause has no term in its fields — which spares Whoosh the postings
    of the other clauses, the main cost of a query asked in another language. A clause's
    ``translated`` terms are alternatives to its own in these fields; a clause translated into
    nothing (a stop word of the query's language) is not looked for. ``coverage`` gets, for a
    language translated into, the share of the clauses that have a term there."""
    reader = release.searcher.reader()
    positive = []
    missing = 0
    for n, c in enumerate(clauses):
        if translated is not None and n in translated and not translated[n]:
            continue
        if not c.negated and (q := clause_query(release, c, key, (translated or {}).get(n, ()))) is not None:
            # (not Query.existing_terms: in Whoosh 2.7 it skips every field but the first one)
            if any(frequency(release, reader, f, t) for f, t in q.iter_all_terms(phrases=True)):
                positive.append(q)
            elif mode == "all" and translated is None:
                return None
            else:
                missing += 1
    if mode == "all" and missing > (len(positive) + missing) * (1.0 - TRANSLATED_SHARE):
        return None
    if translated is not None and coverage is not None and positive:
        coverage[key] = len(positive) / (len(positive) + missing)
    negative = [q for c in clauses if c.negated if (q := clause_query(release, c, key)) is not None]
    if not positive:
        return None
    # (translated, any clause may match: a translation is a guess, and the documents matching more
    # of them score higher anyway)
    combined: wq.Query = (wq.And if mode == "all" and translated is None else wq.Or)(positive)
    query = wq.AndNot(combined, wq.Or(negative)) if negative else combined
    # (a translated language's query is scored clause by clause, see coordinated(): Whoosh's
    # normalize() of its large tree, copies and all, cost more than the scoring)
    return query if translated is not None else query.normalize()


def clause_query(release: Release, clause: Clause, key: str,
                 translations: tuple[tuple[str, float], ...] = ()) -> wq.Query | None:
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
            if not positions and not translations:
                return None
            parts = [wq.Or([wq.Term(fname, v, boost=boost) for v in variants]) for variants in positions]
            own = [parts[0] if len(parts) == 1 else wq.And(parts)] if parts else []
            title = TRANSLATED_TITLE if name == "title" else 1.0
            others = [wq.Term(fname, t, boost=boost * w * title) for t, w in translations]
            # (the best of a word's readings counts, not their sum: "centro" translated as both
            # words of "centro de partners" must not count twice)
            subqueries.append(wq.DisjunctionMax(own + others) if others else own[0])
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
