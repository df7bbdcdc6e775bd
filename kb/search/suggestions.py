"""Did you mean: whole queries with each word the index does not know replaced by a close word it
knows, drawn from the release's vocabulary (:data:`kb.search.layout.VOCABULARY`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator

from whoosh.codec.base import Automata
from whoosh.support.levenshtein import damerau_levenshtein

from kb.search.analysis import fold, word_analyzer
from kb.search.request import Clause


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


def suggest(
    vocabulary: Vocabulary, text: str, clauses: list[Clause], max_suggestions: int = 3,
    in_language: Callable[[str], bool] | None = None, same_search: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """Whole queries (``text``, parsed into ``clauses``) with each word the index does not know replaced
    by a close word it knows. ``in_language``: whether a word is one of the query's language (the
    locale asked for, else the detected one); such words come first, so that a Spanish typo gets its
    Spanish spelling before a closer Portuguese word; a word it finds is no typo, and is left as typed.
    ``same_search``: whether two words search alike in that language (one stem): such a word is never
    offered, it would find what the query found (Russian "отпуск", which the index has only as "отпуске"
    and "отпусков")."""
    other = (lambda w: not in_language(w)) if in_language is not None else (lambda w: False)
    fixes: dict[str, list[str]] = {}
    for word in query_words(clauses):
        if word in fixes or len(word) < 3 or word.isdigit() or word in vocabulary:
            continue
        # Words within 2 edits sharing the first letter (one pass of Whoosh's automaton), closest
        # first, then the most frequent (Whoosh's own corrector ranks by frequency alone).
        close = [w for w in vocabulary.within(word, 2, prefix=1) if w != word]
        close.sort(key=lambda w: (other(w), damerau_levenshtein(w, word), -vocabulary.frequency(w), w))
        # A word typed without its accents is not misspelt: offer only its accented spelling.
        accented = [c for c in close[:max_suggestions] if fold(c) == fold(word)]
        if accented:
            fixes[word] = accented[:1]
            continue
        if in_language is not None and in_language(word):
            continue  # another form of a word the language has ("devo" where Italian has "deve"): no typo
        if same_search is not None:
            close = [c for c in close if not same_search(word, c)]
        if close:
            fixes[word] = close[:max_suggestions]
    out: list[str] = []
    for i in range(max_suggestions):
        fixed = text
        for word, candidates in fixes.items():
            fixed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", candidates[min(i, len(candidates) - 1)], fixed,
                           flags=re.IGNORECASE)
        if fixes and fixed not in out:
            out.append(fixed)
    return out
