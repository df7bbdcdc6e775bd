"""A query's words translated into the release's other languages with its bilingual lexicon
(:mod:`kb.align.lexicon`, mined from the corpus at build time), so that a question asked in a
language that lacks the article still reaches the article's other versions.

Each word clause is analysed in the query's language (the detected one; when the detection is
unsure, the one language whose lexicon knows most of its words, else nothing is translated) and
each of its terms looked up: its translations into another language are
searched in that language's fields beside the word itself, weighed by the lexicon's weight times
:data:`TRANSLATION_WEIGHT` (the original word is always kept), a word's best reading counting
once (``DisjunctionMax``). Product names and acronyms (``Azure``, ``CSP``) add nothing: the lexicon
translates a word found as itself on the other side as itself. A word it does not translate is
searched as its cognates in the languages of its script (:func:`cognates`): itself, or the terms
written most alike (a lexicon mined from few articles misses words that related languages share).
Phrases, prefixes, field-restricted and excluded words are left as written, and numbers are never
translated (the lexicon has none).
In a language translated into, any clause may match (a translation is a guess; documents matching
more of them score higher), and a clause that is only stop words in the query's language is left out.
The translations count toward the query's work budget (:mod:`kb.search.cost`) like its own terms.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kb import locales
from kb.align.lexicon import COGNATE_PREFIX, BilingualLexicon, cognate_edits, cognate_similarity
from kb.search.layout import TEXT_FIELDS, field_name
from kb.search.ranking import word_positions
from kb.search.release import Release
from kb.search.request import Clause, detect_language
from kb.wordforms import CYRILLIC_LANGUAGES, is_cyrillic

TRANSLATION_WEIGHT = 1.0
"""How much a translated word's match counts against the word's own (times the lexicon's weight)."""
SURE = 0.6
"""Below this confidence in the query's language, the lexicon tells it (:func:`by_lexicon`)."""
MAX_PER_TERM = 3
"""Translations of one term into one language, best first."""
MIN_PIVOTED = 0.25
"""Translations through a third language weigh at least this (both steps' weights multiplied)."""
COGNATE_WEIGHT = 0.5
"""The weight of a term the lexicon does not know, searched as itself in a related language."""
MIN_COGNATE = 4
"""Shorter terms are not taken for cognates (too many words of another language share them)."""
MAX_COGNATES = 2
"""Written-alike terms of one language searched for a term the lexicon does not know, best first."""


_BARE = re.compile(r"^[^\w]+|[^\w]+$")
"""What ends a query word but is none of it: ``Server?``, ``¿cómo``, ``«отпуск»``."""


@dataclass(frozen=True, slots=True)
class Translation:
    """One translated term of a query: what it was, into what, and with which weight."""

    clause: int
    """The clause's place in the query."""
    word: str
    """The clause as typed."""
    language: str
    term: str
    """The analysed term (a stem) of the word in ``language``."""
    translation_language: str
    translation: str
    """The analysed term of the translation: an index term of ``translation_language``'s fields."""
    weight: float
    """The lexicon's weight of the translation, in [0, 1]."""

    def as_dict(self, words: dict[tuple[str, str], str]) -> dict[str, object]:
        """The public shape (``explain``): the words as the lexicon shows them, and the weight."""
        return {"word": self.word, "language": self.language,
                "term": words.get((self.language, self.term), self.term),
                "translation": words.get((self.translation_language, self.translation), self.translation),
                "translation_language": self.translation_language, "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class Expansions:
    """The translations of a query's words into the release's other languages."""

    translations: dict[tuple[int, str], tuple[Translation, ...]] = field(default_factory=dict)
    """(clause number, analysis key) → the clause's translations into that key's language."""
    stopped: frozenset[int] = frozenset()
    """Clauses that are only stop words in the query's language: the other languages do not look
    for them ("per" is Italian for "for", not a word to find in Spanish)."""
    into: frozenset[str] = frozenset()
    """The analysis keys of the languages the query was translated into (all but its own)."""

    def all(self) -> list[Translation]:
        return [t for _, ts in sorted(self.translations.items()) for t in ts]

    def of(self, key: str) -> dict[int, tuple[tuple[str, float], ...]] | None:
        """Per clause, its translations into ``key``'s language as (term, boost factor), and no
        term for a stopped clause; None when the query was not translated into it."""
        if key not in self.into:
            return None
        out: dict[int, tuple[tuple[str, float], ...]] = {n: () for n in self.stopped}
        for (n, k), ts in self.translations.items():
            if k == key:
                out[n] = tuple((t.translation, t.weight * TRANSLATION_WEIGHT) for t in ts)
        return out


def expand(release: Release, clauses: list[Clause]) -> Expansions:
    """The translations of the query's word clauses into every language of the release."""
    lexicon = release.bilingual()
    if not lexicon.table:
        return Expansions()
    keys = release.keys
    detected = detect_language(clauses, release.catalog.locales)
    if detected is not None and detected[1] >= SURE and locales.language(detected[0]) in keys:
        source = locales.language(detected[0])
    else:
        voted = by_lexicon(lexicon, clauses, keys)
        if voted is None:
            return Expansions()  # (which words to translate from which language is anybody's guess)
        source = voted
    out: dict[tuple[int, str], list[Translation]] = {}
    stopped = set()
    for number, clause in enumerate(clauses):
        if clause.kind != "word" or clause.negated or clause.field:
            continue
        positions = word_positions(source, clause.text)
        if not positions:
            stopped.add(number)
        word = _BARE.sub("", clause.text) or clause.text  # as typed, but for the question's "?"
        for variants in positions:
            for target in keys:
                if target != source:
                    add(out, release, number, word, source, variants[0], target)
    into = frozenset(keys) - {source}
    return Expansions({k: tuple(v) for k, v in out.items()}, frozenset(stopped), into)


def pivoted(lexicon: BilingualLexicon, term: str, source: str, target: str, pivots: list[str]
            ) -> tuple[tuple[str, float], ...]:
    """The translations of ``term`` into ``target`` through a third language, when the lexicon has
    none direct (a language with few articles shares few with each other one, but each of its words
    met in one pair can be carried on through that language's lexicon), weighed by both steps."""
    best: dict[str, float] = {}
    for pivot in pivots:
        for middle, w1 in lexicon.translations(term, source, pivot)[:MAX_PER_TERM]:
            for end, w2 in lexicon.translations(middle, pivot, target)[:MAX_PER_TERM]:
                best[end] = max(best.get(end, 0.0), w1 * w2)
    ranked = sorted(best.items(), key=lambda tw: (-tw[1], tw[0]))
    return tuple((t, round(w, 4)) for t, w in ranked[:MAX_PER_TERM] if w >= MIN_PIVOTED)


def cognates(release: Release, term: str, source: str, target: str) -> tuple[tuple[str, float], ...]:
    """The terms of ``target``'s documents that ``term`` of ``source`` may be a cognate of, for a
    term the lexicon does not translate: the term itself when they have it (related languages stem
    cognates alike), else the terms written most alike (:func:`cognate_similarity`: it
    ``infrastruttur``, es ``infraestructur``), weighed by :data:`COGNATE_WEIGHT` times that
    similarity. Only between languages of one script, and never for numbers or short terms."""
    if len(term) < MIN_COGNATE or is_cyrillic(term) != (target in CYRILLIC_LANGUAGES) or term.isdigit():
        return ()
    fields = [release.lexicon().of(field_name(name, target)) for name in TEXT_FIELDS]
    if any(f.frequency(term) for f in fields):
        return ((term, COGNATE_WEIGHT),)
    edits = cognate_edits(len(term))
    shortest, longest = len(term) - edits, len(term) + edits  # (no need to compare the others)
    candidates = {other for terms in fields for other in beginning(terms.terms, term[:COGNATE_PREFIX])
                  if shortest <= len(other) <= longest}
    alike = [(other, similarity) for other in candidates if (similarity := cognate_similarity(term, other))]
    ranked = sorted(alike, key=lambda ts: (-ts[1], ts[0]))[:MAX_COGNATES]
    return tuple((other, round(COGNATE_WEIGHT * similarity, 4)) for other, similarity in ranked)


def beginning(terms: list[str], prefix: str) -> list[str]:
    """The terms of a sorted list that begin with ``prefix`` (a slice found by bisection)."""
    lo = bisect.bisect_left(terms, prefix)
    return terms[lo:bisect.bisect_left(terms, prefix + "\U0010ffff", lo)]


def by_lexicon(lexicon: BilingualLexicon, clauses: list[Clause], keys: list[str]) -> str | None:
    """The one language whose lexicon knows the most of the query's words (a word or two is too
    little for the language detector), or None when none or several do."""
    votes = {key: sum(1 for c in clauses if c.kind == "word" and not c.negated
                      for variants in word_positions(key, c.text) if lexicon.knows(variants[0], key))
             for key in keys}
    best = max(votes.values(), default=0)
    winners = [k for k, v in votes.items() if v == best]
    return winners[0] if best and len(winners) == 1 else None


def add(out: dict[tuple[int, str], list[Translation]], release: Release,
        number: int, word: str, source: str, term: str, target: str) -> None:
    """The translations of one term of clause ``number`` into ``target`` (not those the word
    itself gives there), or through a third language (:func:`pivoted`); for a term the lexicon
    does not translate at all, its cognates in the target's documents (:func:`cognates`): related
    languages stem cognates alike or nearly (it ``federazione``, es ``federación`` and pt
    ``federação`` are all ``feder``), and a lexicon mined from few articles misses words."""
    own = {v for variants in word_positions(target, word) for v in variants}
    lexicon = release.bilingual()
    translations = lexicon.translations(term, source, target)[:MAX_PER_TERM] or pivoted(
        lexicon, term, source, target, [k for k in release.keys if k not in (source, target)])
    if not translations:
        translations = cognates(release, term, source, target)
    for translation, weight in translations:
        found = out.get((number, target), [])
        if translation not in own and not any(t.translation == translation for t in found):
            out[(number, target)] = [*found, Translation(number, word, source, term, target, translation, weight)]
