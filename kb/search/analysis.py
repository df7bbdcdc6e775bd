"""Per-language text analysis for the Whoosh index.

One analyzer per language, composed with ``|`` from Whoosh parts: a word tokenizer, lower-casing,
the language's stop words, and its Snowball stemmer with accent folding (:class:`FoldStemFilter`).
:func:`analyzer_for` builds it for any language, skipping what Whoosh lacks for that language; a
language with neither stemmer nor stop words gets the fallback (tokenize, lower-case, fold accents),
which is safe for any script.

Accent folding is designed so that a word typed without its accents finds the accented word and
vice versa, without losing what stemming gives: each indexed word yields two terms at the same
position, ``stem(fold(word))`` and ``fold(stem(word))`` (they differ only where the stemmer reads
the accents, e.g. Portuguese ``configurações`` → ``configuraco`` / ``configur``). A query word is
looked up under both; a phrase uses the first form, which every spelling of the word shares.

Words in another script than the language's (``Azure`` in Russian text) are folded but not
stemmed, so product names and acronyms (Azure, CSP, EA) match the same way in every language.

Words are what Whoosh's RegexTokenizer finds, except in scripts written without spaces (Chinese,
Japanese) or whose words carry their particles (Korean): there every pair of adjacent characters is a
token (:class:`WordTokenizer`), so a word typed in a query finds the text it is written in.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, StopFilter, Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.lang import has_stemmer, has_stopwords

from kb import memos
from kb.wordforms import CYRILLIC_LANGUAGES, fold, is_cyrillic, is_token, stemmer, stop_words, token_spans, tokens

FALLBACK = "any"
"""Analysis key of languages Whoosh has neither a stemmer nor stop words for."""

@functools.cache  # (a few languages; Whoosh looks them up in its tables every time)
def analysis_key(language: str) -> str:
    """The analysis a language gets: its own code when Whoosh knows it, else :data:`FALLBACK`."""
    lang = language.lower()
    return lang if has_stemmer(lang) or has_stopwords(lang) else FALLBACK


class WordTokenizer(Tokenizer):
    """The tokens of :func:`kb.wordforms.token_spans`: Whoosh's RegexTokenizer for words, and
    overlapping pairs of characters in Chinese, Japanese and Korean runs."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = token_spans(value) if tokenize else iter([(0, len(value))])
        for pos, (start, end) in enumerate(spans):
            t.text = value[start:end]
            t.boost = 1.0
            if keeporiginal:
                t.original = t.text
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class FoldFilter(Filter):
    """Folds accents (see :func:`fold`); the whole analysis of the fallback after lower-casing."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            yield t


class FoldStemFilter(Filter):
    """Stems in ``lang`` and folds accents, emitting both orders of the two steps when they differ.

    At index time (and for term queries, which use ``mode="index"``) a token may become two tokens
    at the same position; in ``mode="query"`` (phrases, highlighting) only ``stem(fold(word))``.
    Holds only the language code, so the schema pickles small and the stemmer is rebuilt on load.
    """

    is_morph = True

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((type(self), self.lang))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem = stemmer(self.lang)
        cyrillic = self.lang in CYRILLIC_LANGUAGES
        for t in tokens:
            word = t.text
            folded = fold(word)
            if t.stopped or is_cyrillic(word) != cyrillic:
                t.text = folded
                yield t
                continue
            plain = stem(folded)
            t.text = plain
            yield t
            if t.mode != "query":
                stemmed = fold(stem(word))
                if stemmed != plain:
                    t.text = stemmed
                    yield t


class FoldingStopFilter(StopFilter):
    """Whoosh's stop filter, comparing words without their accents, so that a query typed with or
    without them (``cómo``, ``como``) drops the same words; positions are renumbered as Whoosh does."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        pos = None
        for t in tokens:
            text = t.text
            if len(text) >= self.min and (self.max is None or len(text) <= self.max) \
                    and fold(text) not in self.stops:
                if self.renumber and t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                yield t
            elif not t.removestops:
                t.stopped = True
                yield t


@functools.cache
def analyzer_for(language: str) -> Analyzer:
    """The analyzer for ``language`` (``pt``, ``ru``, …; a full tag such as ``pt-BR`` works too).

    Tokenizer and lower-casing always; the stop filter only when Whoosh has stop words for the
    language; stemming only when it has a stemmer; accent folding always.
    """
    lang = language.split("-", 1)[0].lower()
    chain: Analyzer = WordTokenizer() | LowercaseFilter()
    if analysis_key(lang) == FALLBACK:
        return chain | FoldFilter()
    if has_stopwords(lang):
        chain = chain | FoldingStopFilter(stoplist=stop_words(lang), minsize=2)
    if has_stemmer(lang):
        return chain | FoldStemFilter(lang)
    return chain | FoldFilter()


@memos.cached("word-terms")
def word_terms(language: str, word: str) -> frozenset[str]:
    """The index terms of one word (both forms; none for a stop word): to mark it in a snippet."""
    return frozenset(terms(language, word))


def word_analyzer() -> Analyzer:
    """Words as written, lower-cased: the vocabulary "did you mean" draws its suggestions from."""
    return WordTokenizer() | LowercaseFilter()


def terms(language: str, text: str, mode: str = "index") -> list[str]:
    """The terms ``text`` yields in ``language`` (index mode: both forms of each word)."""
    return [t.text for t in analyzer_for(language)(text, mode=mode)]


# --- indexing at speed ----------------------------------------------------------------------------
# Whoosh analyses a field token by token through a chain of generators, most of the index stage's
# time. Every step of kb's analyzers but the positions depends on the word alone, so each distinct
# word is analysed once (by the analyzer itself, so the terms cannot differ) and a text becomes
# a regular-expression scan plus dictionary look-ups.

_WORD_MEMO_LIMIT = 1_000_000


@functools.cache
def _word_memo(key: str) -> dict[str, tuple[str, ...]]:
    return {}


def word_index_terms(key: str, word: str) -> tuple[str, ...]:
    """The index terms of one token of analysis ``key`` as written (none for a stop word), memoised."""
    memo = _word_memo(key)
    found = memo.get(word)
    if found is None:
        if len(memo) >= _WORD_MEMO_LIMIT:  # a bound for very large corpora: start again
            memo.clear()
        lower = word.lower()
        if lower != word and is_token(lower):
            # Analysis lower-cases each token first: "Partner" has the terms of "partner", analysed
            # once for every way it is capitalised (and for the lexicon miner's lower-cased words).
            found = word_index_terms(key, lower)
        else:
            found = tuple(t.text for t in analyzer_for(key)(word, mode="index"))
        memo[word] = found
    return found


def index_positions(key: str, text: str) -> dict[str, list[int]]:
    """Each index term of ``text`` with its positions, exactly as ``analyzer_for(key)`` gives them.

    Stop words are dropped and the positions renumbered as Whoosh's StopFilter does: the first
    word kept keeps its position, each later one follows it."""
    poses: dict[str, list[int]] = {}
    pos = -1
    for i, word in enumerate(tokens(text)):
        terms = word_index_terms(key, word)
        if not terms:
            continue
        pos = i if pos < 0 else pos + 1
        for term in terms:
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
    return poses


class AnalysedPositions(Positions):
    """Whoosh's positions format whose index-time postings come from :func:`index_positions`:
    the same postings as the analyzer's, several times faster. ``key`` names the analysis."""

    def __init__(self, key: str, field_boost: float = 1.0) -> None:
        super().__init__(field_boost=field_boost)
        self.key = key

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(value, str) or kwargs.get("mode", "index") != "index":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb = self.field_boost
        for term, poslist in index_positions(self.key, value).items():
            yield term, len(poslist), len(poslist) * fb, self.encode(poslist)


def text_field(key: str) -> TEXT:
    """A phrase-capable field analysed by ``analyzer_for(key)``, indexed through the fast path."""
    fld = TEXT(analyzer=analyzer_for(key), phrase=True)
    fld.format = AnalysedPositions(key, field_boost=fld.format.field_boost)
    return fld
