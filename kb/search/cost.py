"""What a query will cost, reckoned before it runs, and the budget it must keep (:class:`Budget`).

The work of a search grows with three things, each counted here from the release's :class:`Lexicon`
(the terms of every field with their document counts: a few binary searches, no Whoosh reader, no
lock) exactly as :func:`kb.search.ranking.clause_query` will build the query, over every language's
fields:

- **prefix terms**: the index terms the query's prefixes expand to (each field and language counted,
  at most :data:`~kb.search.ranking.MAX_PREFIX_TERMS` per field as the query takes them). Every one
  is a posting list to score and a word to look for in every snippet: 32 two-letter prefixes make
  ~6,900 at 1x and took 0.5–2 s each with ``limit=100``;
- **phrase candidates**: documents whose word positions a phrase checks, at most as many as its
  rarest word's (per field and language): decoding positions is the costliest read there is;
- **postings** (documents scored): the documents of every term of the query added up, negated ones
  included, and those of the translations of its words (:mod:`kb.search.translation`): each is
  read and scored.

:meth:`Budget.check` refuses a query over a limit with :class:`~kb.errors.OverBudget` (422), naming
the part of the query that is too broad; :meth:`Budget.heavy` tells a query that is within budget but
expensive, which ``kb serve`` admits a few at a time (:mod:`kb.serve.admission`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.errors import OverBudget
from kb.search.analysis import analyzer_for
from kb.search.layout import field_name
from kb.search.ranking import FIELD_BOOSTS, MAX_PREFIX_TERMS, word_positions
from kb.search.release import Lexicon, Release
from kb.search.request import Clause
from kb.search.translation import Expansions, expand


@dataclass
class Cost:
    """The work a query will do, per unit, with each clause's share (for the message naming it)."""

    prefix_terms: int = 0
    phrase_candidates: int = 0
    postings: int = 0
    exclusions: bool = False
    """The query excludes words (see :attr:`Budget.exclusion_factor`)."""
    by_clause: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Clause as typed (``co*``, ``"a phrase"``) → its prefix terms, phrase candidates, postings."""

    def add(self, clause: Clause, prefix_terms: int, phrase_candidates: int, postings: int) -> None:
        self.prefix_terms += prefix_terms
        self.phrase_candidates += phrase_candidates
        self.postings += postings
        name = clause_text(clause)
        t, c, p = self.by_clause.get(name, (0, 0, 0))
        self.by_clause[name] = (t + prefix_terms, c + phrase_candidates, p + postings)

    def broadest(self, unit: int, most: int = 3) -> str:
        """The clauses of the largest share of a unit (0, 1, 2: the order of the fields), largest first."""
        shares = sorted((-v[unit], k) for k, v in self.by_clause.items() if v[unit])[:most]
        listed = ", ".join(f"{k} {-n:,}" for n, k in shares)
        return listed + (", …" if sum(1 for v in self.by_clause.values() if v[unit]) > most else "")


@dataclass(frozen=True)
class Budget:
    """The most work a query may do (:meth:`check`), and above what it is expensive (:meth:`heavy`).

    Measured on the dev corpus at 1x and 10x (2 busy cores): a query at the prefix limit takes
    0.15–0.35 s with ``limit=100``; a phrase costs ~6 µs a candidate, a posting ~0.5 µs (~5 µs with an
    exclusion). The heavy thresholds are about 20–50 ms of work: every query of an ordinary reader at
    1x and 10x stays below them (``partner*`` has 54 prefix terms at 10x, ``"partner center"`` 5,264
    candidates, a four-word query 21,000 postings)."""

    prefix_terms: int = 2_000
    phrase_candidates: int = 100_000
    postings: int = 2_000_000
    heavy_prefix_terms: int = 100
    heavy_phrase_candidates: int = 5_000
    heavy_postings: int = 50_000
    exclusion_factor: int = 10
    """A query that excludes words (``-word``) is scored by Whoosh itself, a document at a time:
    its postings count this many times, against both the limit and the heavy threshold."""

    def check(self, cost: Cost) -> None:
        """Raise :class:`~kb.errors.OverBudget` naming the broadest part of the query when ``cost``
        is over a limit."""
        if cost.prefix_terms > self.prefix_terms:
            raise OverBudget(
                f"the query is too broad: its prefixes expand to {cost.prefix_terms:,} index terms "
                f"({cost.broadest(0)}); the limit is {self.prefix_terms:,}: make the prefixes longer or use fewer")
        if cost.phrase_candidates > self.phrase_candidates:
            raise OverBudget(
                f"the query is too broad: its phrases must be checked in {cost.phrase_candidates:,} documents "
                f"({cost.broadest(1)}); the limit is {self.phrase_candidates:,}: use rarer words in them")
        if self.postings_of(cost) > self.postings:
            counted = (f", which counts as {self.postings_of(cost):,} with an exclusion (-word)"
                       if cost.exclusions else "")
            raise OverBudget(
                f"the query is too broad: its words occur {cost.postings:,} times in the index "
                f"({cost.broadest(2)}){counted}; the limit is {self.postings:,}: use fewer or rarer words")

    def heavy(self, cost: Cost) -> bool:
        """Whether a query within budget is still expensive (``kb serve`` admits a few at a time)."""
        return (cost.prefix_terms > self.heavy_prefix_terms or cost.phrase_candidates > self.heavy_phrase_candidates
                or self.postings_of(cost) > self.heavy_postings)

    def postings_of(self, cost: Cost) -> int:
        return cost.postings * (self.exclusion_factor if cost.exclusions else 1)


BUDGET = Budget()
"""The budget of ``kb search``, the Python API and ``kb serve``."""
UNLIMITED = Budget(prefix_terms=2**62, phrase_candidates=2**62, postings=2**62)


def estimate(release: Release, clauses: list[Clause], expansions: Expansions | None = None) -> Cost:
    """The cost of ``clauses`` over ``release``, from its lexicon (read on first use), with the
    postings of their translations (:func:`kb.search.translation.expand`, made here when not given)
    in their clauses' share."""
    lexicon = release.lexicon()
    expansions = expand(release, clauses) if expansions is None else expansions
    cost = Cost(exclusions=any(c.negated for c in clauses))
    for clause in clauses:
        for key in release.keys:
            terms, candidates, postings = clause_cost(lexicon, clause, key)
            cost.add(clause, terms, candidates, postings)
    for (number, key), translations in expansions.translations.items():
        fields = [lexicon.of(field_name(name, key)) for name in FIELD_BOOSTS]
        cost.add(clauses[number], 0, 0, sum(f.frequency(t.translation) for t in translations for f in fields))
    return cost


def clause_cost(lexicon: Lexicon, clause: Clause, key: str) -> tuple[int, int, int]:
    """Prefix terms, phrase candidates and postings of one clause in the fields of one analysis key,
    field by field as :func:`~kb.search.ranking.clause_query` makes its query."""
    fields = [clause.field] if clause.field else list(FIELD_BOOSTS)
    terms = candidates = postings = 0
    for name in fields:
        lex = lexicon.of(field_name(name, key))
        if clause.kind == "prefix":
            count, docs = lex.prefix(clause.text, MAX_PREFIX_TERMS)
            terms, postings = terms + count, postings + docs
        elif clause.kind == "phrase":
            words = [t.text for t in analyzer_for(key)(clause.text, mode="query")]
            if not words:
                return 0, 0, 0
            counts = [lex.frequency(w) for w in words]
            if min(counts):  # (a phrase with a word the field lacks reads nothing there)
                postings += sum(counts)
                candidates += min(counts) if len(words) > 1 else 0
        else:
            positions = word_positions(key, clause.text)
            if not positions:
                return 0, 0, 0
            postings += sum(lex.frequency(v) for variants in positions for v in variants)
    return terms, candidates, postings


def clause_text(clause: Clause) -> str:
    """A clause as it would be typed, quoted: ``'co*'``, ``'-title:"a phrase"'``."""
    text = {"prefix": f"{clause.text}*", "phrase": f'"{clause.text}"'}.get(clause.kind, clause.text)
    return "'" + ("-" if clause.negated else "") + (f"{clause.field}:" if clause.field else "") + text + "'"
