"""How much two documents look like the same article: the content evidence of alignment.

Across languages only language-independent tokens can be compared (:mod:`kb.align.fingerprint`): each
document becomes a TF-IDF vector of them, and two documents score the cosine of their vectors, nudged
by how alike their shapes are (how many headings, paragraphs, list items, table cells). Within one
language — two editions of an article — the words and titles themselves are compared as well.

Vectors are sparse; candidates come from an inverted index over the rarer tokens, so finding the
likely counterparts of every document costs about as much as reading the tokens once.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from kb import memos
from kb.align import fingerprint
from kb.locales import language
from kb.model import Document

Vector = dict[str, float]

RARE_SHARE = 0.125
"""A token found in more than this share of the documents is too common to propose candidates."""
RARE_MIN = 12
"""…unless it is found in at most this many documents (small corpora: every token is "common")."""
CANDIDATES = 12
"""Counterparts proposed for a document by its language-independent tokens (it has three or so)."""
CANDIDATES_SAME_LANGUAGE = 6
"""…and by the words it shares with documents of its own language (its other editions)."""
W_SHAPE = 0.2
"""Share of a score across languages that depends on the documents' shapes agreeing."""
W_TITLE, W_WORDS, W_TOKENS = 0.4, 0.3, 0.3
"""Weights in a score within one language: titles, words of the body, language-independent tokens."""


def _unit(counts: Counter[str], idf: dict[str, float]) -> Vector:
    """A TF-IDF vector of unit length (log-scaled counts; tokens in every document weigh nothing)."""
    v = {k: (1.0 + math.log(n)) * idf[k] for k, n in counts.items() if idf.get(k, 0.0) > 0.0}
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {k: x / norm for k, x in v.items()} if norm else {}


def _idf(bags: Iterable[Iterable[str]]) -> tuple[dict[str, float], Counter[str], int]:
    df: Counter[str] = Counter()
    n = 0
    for bag in bags:
        df.update(set(bag))
        n += 1
    return _weights(df, n), df, n


def _weights(df: Counter[str], n: int) -> dict[str, float]:
    # Smoothed: a token every document has still counts a little (a corpus of five documents, all
    # translations of one article, shares most of its tokens).
    return {k: math.log(1.0 + n / d) for k, d in df.items()}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


words = fingerprint.words


def title_words(doc: Document) -> list[str]:
    """Words of the title before a ``|`` or ``(`` suffix: "Billing (operated by 21Vianet) | Partner
    Center" says "Billing"; the rest names the site or the edition, not the article."""
    return words(re.split(r"\s[|(]", doc.title, maxsplit=1)[0])


def _body_words(doc: Document) -> list[str]:
    skip = fingerprint.applies_to_block(doc)
    return [w for n, ws in enumerate(fingerprint.document_words(doc)) if n not in skip for w in ws]


_BAGS = memos.by_document("document-bags")


def _bags(doc: Document) -> tuple[Counter[str], Counter[str]]:
    """(title words, body words) of ``doc`` with their counts (remembered; do not change them)."""
    result: tuple[Counter[str], Counter[str]] = _BAGS.get(
        doc, lambda d: (Counter(title_words(d)), Counter(_body_words(d)))
    )
    return result


class _LanguageStatistics:
    """The word statistics of one language's documents, and the vectors made with them.

    The last statistics of each language are remembered, keyed by its documents (path and content
    hash): a rebuild after one Portuguese file changed computes the Portuguese ones again, and the
    Russian, Spanish and Italian ones, with their vectors, are the same objects as before."""

    LAST = memos.mapping("language-statistics")

    def __init__(self, key: tuple[tuple[str, str], ...], docs: Sequence[Document]) -> None:
        self.key = key
        # One pass: the bags of a large corpus do not all stay remembered, and making them again
        # (unpacking and cutting every document into words) was most of a 100x alignment.
        title_df: Counter[str] = Counter()
        df: Counter[str] = Counter()
        for d in docs:
            title, body = _bags(d)
            title_df.update(title.keys())
            df.update(body.keys())
        n = len(docs)
        self.idf = (_weights(title_df, n), _weights(df, n), df, n)
        self._vectors: dict[tuple[str, str, int], Vector] = {}

    @classmethod
    def of(cls, lang: str, docs: Sequence[Document]) -> _LanguageStatistics:
        key = tuple((d.path, d.content_hash) for d in docs)
        last = cls.LAST.get(lang)
        if last is None or last.key != key:
            last = cls.LAST[lang] = cls(key, docs)
        return last

    def vector(self, doc: Document, which: int) -> Vector:
        """The unit TF-IDF vector of the document's title (0) or body (1) words."""
        key = (doc.path, doc.content_hash, which)
        hit = self._vectors.get(key)
        if hit is None:
            hit = self._vectors[key] = _unit(_bags(doc)[which], self.idf[1] if which else self.idf[0])
        return hit


class ContentIndex:
    """Similarities between the documents of a corpus, and each document's likely counterparts."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.docs = list(documents)
        self.languages = [language(d.locale) for d in self.docs]
        # Each document's tokens are counted here and made again when needed (remembered for the
        # last few thousand): kept for all of a 100x corpus, they took 370 MB.
        self._idf, self._df, self._n = _idf(map(fingerprint.document_features, self.docs))
        # Vectors, shapes and postings are made on first use: most corpora compare a few documents.
        self._tokens: dict[int, Vector] = {}
        self._shapes: dict[int, Counter[str]] = {}
        self._token_postings: dict[str, list[int]] | None = None
        self._titles: dict[int, Vector] = {}
        self._words: dict[int, Vector] = {}
        self._language_idf: dict[str, _LanguageStatistics] = {}
        self._word_postings: dict[str, dict[str, list[int]]] = {}
        self._candidates: dict[int, list[int]] = {}

    def token_vector(self, i: int) -> Vector:
        if i not in self._tokens:
            self._tokens[i] = _unit(fingerprint.document_features(self.docs[i]), self._idf)
        return self._tokens[i]

    def shape(self, i: int) -> Counter[str]:
        if i not in self._shapes:
            self._shapes[i] = fingerprint.structure(self.docs[i])
        return self._shapes[i]

    @property
    def _postings(self) -> dict[str, list[int]]:
        """Documents by their rarer language-independent tokens."""
        if self._token_postings is None:
            rare = max(RARE_MIN, int(RARE_SHARE * self._n))
            self._token_postings = defaultdict(list)
            for i, d in enumerate(self.docs):
                for k in fingerprint.document_features(d):
                    if self._df[k] <= rare:
                        self._token_postings[k].append(i)
        return self._token_postings

    # --- within one language --------------------------------------------------------------------

    def _language(self, lang: str) -> tuple[dict[str, float], dict[str, float], Counter[str], int]:
        """(IDF of title words, IDF of body words, body document frequencies, documents) of a language."""
        return self._statistics(lang).idf

    def _statistics(self, lang: str) -> _LanguageStatistics:
        hit = self._language_idf.get(lang)
        if hit is None:
            ids = [i for i, x in enumerate(self.languages) if x == lang]
            hit = self._language_idf[lang] = _LanguageStatistics.of(lang, [self.docs[i] for i in ids])
        return hit

    def title_vector(self, i: int) -> Vector:
        if i not in self._titles:
            self._titles[i] = self._statistics(self.languages[i]).vector(self.docs[i], 0)
        return self._titles[i]

    def word_vector(self, i: int) -> Vector:
        if i not in self._words:
            self._words[i] = self._statistics(self.languages[i]).vector(self.docs[i], 1)
        return self._words[i]

    # --- scores ---------------------------------------------------------------------------------

    def score(self, i: int, j: int) -> float:
        """How much documents i and j look like the same article, in [0, 1]."""
        tokens = cosine(self.token_vector(i), self.token_vector(j))
        if self.languages[i] == self.languages[j]:
            return (
                W_TITLE * cosine(self.title_vector(i), self.title_vector(j))
                + W_WORDS * cosine(self.word_vector(i), self.word_vector(j))
                + W_TOKENS * tokens
            )
        # Shape only tells apart documents whose tokens agree (an article and a near copy of it):
        # documents sharing no token share nothing, however alike their outlines.
        return tokens * (1.0 - W_SHAPE + W_SHAPE * fingerprint.overlap(self.shape(i), self.shape(j)))

    def candidates(self, i: int) -> list[int]:
        """The documents most likely to be i's counterparts: those sharing the most rare
        language-independent tokens with it (by the part of the cosine those tokens make), and, in
        its language, those sharing the most rare words of the title and body."""
        hit = self._candidates.get(i)
        if hit is not None:
            return hit
        tokens: dict[int, float] = defaultdict(float)
        postings = self._postings
        for k, x in self.token_vector(i).items():
            for j in postings.get(k, ()):
                tokens[j] += x * self.token_vector(j)[k]
        same: dict[int, float] = defaultdict(float)
        words_postings = self._word_index(self.languages[i])
        for vector, weight in ((self.word_vector, W_WORDS), (self.title_vector, W_TITLE)):
            for w, x in vector(i).items():
                for j in words_postings.get(w, ()):
                    same[j] += weight * x * vector(j).get(w, 0.0)
        tokens.pop(i, None)
        same.pop(i, None)
        best = heapq.nlargest(CANDIDATES, tokens, key=tokens.__getitem__)
        nearest = heapq.nlargest(CANDIDATES_SAME_LANGUAGE, same, key=same.__getitem__)
        best += [j for j in nearest if j not in best]
        self._candidates[i] = best
        return best

    def _word_index(self, lang: str) -> dict[str, list[int]]:
        hit = self._word_postings.get(lang)
        if hit is None:
            _, _, df, n = self._language(lang)
            rare = max(RARE_MIN, int(RARE_SHARE * n))
            hit = defaultdict(list)
            for i, x in enumerate(self.languages):
                if x == lang:
                    for w in set(self.word_vector(i)) | set(self.title_vector(i)):
                        if df.get(w, 0) <= rare:
                            hit[w].append(i)
            self._word_postings[lang] = hit
        return hit
