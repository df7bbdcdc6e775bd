"""Segment alignment between two documents of a topic (two locales, or two editions of one locale).

A monotonic alignment in the manner of Gale and Church: dynamic programming over both segment lists,
allowing 1-1, 1-0, 0-1, 2-1 and 1-2 steps (a paragraph split or merged by a translator). A step's
score mixes structure (kind and structural path), language-independent anchors (link targets, numbers,
inline code, product names; see :mod:`kb.align.fingerprint`), the ratio of the lengths, and — only when both
documents share a language — the words they share. A 1-1 step is worth its score less ``MATCH_FLOOR``,
so a pair scoring below the floor is left as two explicit unmatched segments.

Three shortcuts keep it fast without changing what a good alignment is:

* most translations keep their source's structure exactly: when both documents have the same sequence
  of structural paths and nearly every pair on the diagonal clears the floor, the diagonal is the
  alignment;
* otherwise sure pairs are fixed first — across languages, headings with the same anchor (``<a name>``
  anchors are the same in every language) and segments with the same set of shared anchors; between
  two documents of one language, runs of identical text — and the dynamic programme runs only in the
  gaps between them, scoring a whole gap at once with arrays;
* a large gap is searched in a band around its diagonal.

Two things are for the translation checks: table cells are anchored by their coordinates when both
documents have a table of the same shape (cells of one row are too alike in length to be told apart
otherwise), and :func:`resynchronise` turns what the monotonic steps leave unpaired next to a
re-segmented block (a list item whose sub-steps one translation writes as paragraphs) into one
n-m block, so that only a segment really missing stays alone. A word-translation similarity (a
bilingual :class:`Lexicon`, such as the one mined from the corpus) can be given: across languages, in
the gaps the structure leaves open, words that translate each other raise a pair's score (evidence for
a pair, never against it), so that one extra paragraph does not shift every pair after it.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Hashable, Sequence
from difflib import SequenceMatcher

import numpy as np

from kb import memos
from kb.align import fingerprint
from kb.align.blocks import Lexicon
from kb.locales import language
from kb.model import Document, SegmentKind, SegmentPair, SegmentRef, Topic
from kb.wordforms import stems

MATCH_FLOOR = 0.5
"""A 1-1 pair scoring below this is worse than leaving both segments unmatched."""
MERGE_PENALTY = 0.06
"""What a 2-1 or 1-2 step costs over a 1-1 step of the same score (splits are rarer than 1-1)."""
MERGE_MIN_PART = 0.45
"""A 2-1 step is tried only when one of its parts alone scores this much with the other side."""
DIAGONAL_SHARE = 0.8
"""Share of diagonal pairs that must clear the floor for same-structure documents to take the diagonal."""
LENGTH_SIGMA = 0.4
"""Spread of log(length ratio) between a segment and its translation, after the documents' ratio."""
FULL_DP_CELLS = 6_000
"""Above this many cells a gap is searched in a band around its diagonal."""
BAND_MARGIN = 16
"""Half-width of that band beyond the difference of the gap's sides."""

# Weights of the parts of a pair's score; a part that does not apply is left out of the mean. Between
# two documents of one language the shared words say most; structure matters less there, because
# editions differ by whole rows and paragraphs, which shifts every path after them.
W_STRUCTURE, W_ANCHORS, W_LENGTH, W_WORDS = 0.3, 0.3, 0.2, 0.6
W_STRUCTURE_SAME_LANGUAGE = 0.15
# Structure of a pair of one kind: the same path scores 1; the same shape (say, both a table cell in a
# list) a little less; a shifted path says little, since one inserted paragraph shifts all after it.
SAME_SHAPE, SAME_KIND = 0.9, 0.8

LEXICON_BONUS = 0.4
"""Across languages, a :class:`Lexicon`'s similarity ``s`` of a pair's words raises its score by this
share of what it lacks of 1 (``score + (1 - score) · LEXICON_BONUS · s``). Evidence for a pair, never
against: a mined lexicon knows some of a corpus's words, so a true translation may meet few of them."""
_INDEX = re.compile(r"\[\d+\]")
_TABLE = re.compile(r"^(.*table\[\d+\])/")
_SPACE = re.compile(r"\s+")

_KIND_CODE = {kind: n for n, kind in enumerate(SegmentKind)}
_HEADING_CODE = _KIND_CODE[SegmentKind.HEADING]

Step = tuple[int, int, float]
"""(segments of a, segments of b, score) of one step of an alignment."""
Grid = list[list[bool]]
"""A yes or no for each cell (i, j) of a gap of the dynamic programme."""


class _Side:
    """One document's segments, with what scoring needs computed once."""

    def __init__(self, doc: Document) -> None:
        segs = doc.segments
        self.refs = [SegmentRef(doc.path, s.path, s.text, i) for i, s in enumerate(segs)]
        self.kinds = [s.kind for s in segs]
        self.paths = [s.path for s in segs]
        self.shapes = [_INDEX.sub("", s.path) for s in segs]
        self.lengths = [len(s.text) for s in segs]
        self.anchors = fingerprint.document_anchors(doc)
        self._doc = doc
        self._segments = segs
        self.language = language(doc.locale)
        self.heading_anchors = [s.anchor if s.kind is SegmentKind.HEADING else None for s in segs]
        # The same facts as arrays, for scoring a whole gap at once.
        self.kind_codes = np.array([_KIND_CODE[k] for k in self.kinds], dtype=np.int8)
        self.path_codes = np.array([hash(p) for p in self.paths], dtype=np.int64)
        self.shape_codes = np.array([hash(p) for p in self.shapes], dtype=np.int64)
        self.length_array = np.array(self.lengths, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.refs)

    # Needed only between two documents of one language: computed on first use.
    @functools.cached_property
    def words(self) -> list[frozenset[str]]:
        return [frozenset(w for w in ws if len(w) > 2) for ws in fingerprint.document_words(self._doc)]

    @functools.cached_property
    def terms(self) -> list[frozenset[str]]:
        """Each segment's analysed terms (:func:`kb.wordforms.stems`): what a lexicon translates."""
        return [frozenset(stems(s.text, self.language)) for s in self._segments]

    @functools.cached_property
    def tables(self) -> dict[str, list[int]]:
        """Table path (``list[2]/item[0]/table[1]``) → the indexes of its cells, in order."""
        found: dict[str, list[int]] = {}
        for i, (kind, path) in enumerate(zip(self.kinds, self.paths, strict=True)):
            m = _TABLE.match(path) if kind is SegmentKind.TABLE_CELL else None
            if m:
                found.setdefault(m.group(1), []).append(i)
        return found

    @functools.cached_property
    def texts(self) -> list[str]:
        return [_SPACE.sub(" ", s.text.strip().lower()) for s in self._segments]


class _Scorer:
    """Scores candidate steps between two documents."""

    def __init__(self, a: _Side, b: _Side, same_language: bool, lexicon: Lexicon | None = None) -> None:
        self.a, self.b = a, b
        self.same_language = same_language
        self.lexicon = None if same_language else lexicon
        # Languages differ in length (Russian runs longer than Italian): expect the documents' ratio.
        # Two editions in one language differ in content, not in wording, so expect equal lengths.
        total_a, total_b = sum(a.lengths) or 1, sum(b.lengths) or 1
        self.ratio = 1.0 if same_language else min(2.0, max(0.5, total_b / total_a))
        self.w_structure = W_STRUCTURE_SAME_LANGUAGE if same_language else W_STRUCTURE
        # An anchor found in only one document (a localized place name, an edition's own link) can
        # match nothing, so it is no evidence either way: keep only anchors both documents have.
        shared = frozenset().union(*a.anchors) & frozenset().union(*b.anchors)
        self.anchors_a = [x & shared for x in a.anchors]
        self.anchors_b = [x & shared for x in b.anchors]
        self.idf = _idf(a.words + b.words) if same_language else {}
        self._cache: dict[tuple[int, int], float] = {}

    def one(self, i: int, j: int) -> float:
        """Score of pairing a[i] with b[j] (the common case of :meth:`score`, written out for speed)."""
        key = (i, j)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        a, b = self.a, self.b
        if a.kinds[i] is not b.kinds[j]:
            structure = 0.0 if SegmentKind.HEADING in (a.kinds[i], b.kinds[j]) else 0.25
        elif a.paths[i] == b.paths[j]:
            structure = 1.0
        else:
            structure = SAME_SHAPE if a.shapes[i] == b.shapes[j] else SAME_KIND
        total, weight = self.w_structure * structure, self.w_structure
        x, y = self.anchors_a[i], self.anchors_b[j]
        if x or y:
            total += W_ANCHORS * len(x & y) / len(x | y)
            weight += W_ANCHORS
        r = math.log((b.lengths[j] + 8) / (self.ratio * a.lengths[i] + 8))
        total += W_LENGTH * math.exp(-r * r / (2 * LENGTH_SIGMA * LENGTH_SIGMA))
        weight += W_LENGTH
        if self.same_language:
            wx, wy = a.words[i], b.words[j]
            if wx or wy:
                total += W_WORDS * self.words(wx, wy)
                weight += W_WORDS
        hit = total / weight
        if self.lexicon is not None:
            hit += (1.0 - hit) * LEXICON_BONUS * self.translated(range(i, i + 1), range(j, j + 1))
        self._cache[key] = hit
        return hit

    def score(self, xs: range, ys: range) -> float:
        """Score in [0, 1] of aligning the segments ``xs`` of a with the segments ``ys`` of b."""
        a, b = self.a, self.b
        total = self.w_structure * self.structure(xs, ys)
        weight = self.w_structure
        anchors_x = frozenset().union(*(self.anchors_a[i] for i in xs))
        anchors_y = frozenset().union(*(self.anchors_b[j] for j in ys))
        if anchors_x or anchors_y:
            total += W_ANCHORS * len(anchors_x & anchors_y) / len(anchors_x | anchors_y)
            weight += W_ANCHORS
        la = sum(a.lengths[i] for i in xs) + len(xs) - 1
        lb = sum(b.lengths[j] for j in ys) + len(ys) - 1
        r = math.log((lb + 8) / (self.ratio * la + 8))
        total += W_LENGTH * math.exp(-r * r / (2 * LENGTH_SIGMA * LENGTH_SIGMA))
        weight += W_LENGTH
        if self.same_language:
            wx = frozenset().union(*(a.words[i] for i in xs))
            wy = frozenset().union(*(b.words[j] for j in ys))
            if wx or wy:
                total += W_WORDS * self.words(wx, wy)
                weight += W_WORDS
        found = total / weight
        if self.lexicon is not None:
            found += (1.0 - found) * LEXICON_BONUS * self.translated(xs, ys)
        return found

    def translated(self, xs: range, ys: range) -> float:
        """The lexicon's similarity of the words of a's segments ``xs`` and b's ``ys``."""
        assert self.lexicon is not None
        terms_a = self.a.terms[xs[0]] if len(xs) == 1 else frozenset().union(*(self.a.terms[i] for i in xs))
        terms_b = self.b.terms[ys[0]] if len(ys) == 1 else frozenset().union(*(self.b.terms[j] for j in ys))
        return self.lexicon.similarity(terms_a, self.a.language, terms_b, self.b.language)

    def structure(self, xs: range, ys: range) -> float:
        kinds = {self.a.kinds[i] for i in xs} | {self.b.kinds[j] for j in ys}
        if len(kinds) > 1:
            # A heading never pairs with body text; a list item may become a paragraph in translation.
            return 0.0 if SegmentKind.HEADING in kinds else 0.25
        if len(xs) == 1 and len(ys) == 1:
            if self.a.paths[xs[0]] == self.b.paths[ys[0]]:
                return 1.0
            return SAME_SHAPE if self.a.shapes[xs[0]] == self.b.shapes[ys[0]] else SAME_KIND
        return SAME_SHAPE

    def diagonal(self) -> list[float]:
        """Scores of a[i] with b[i] for every i, for two documents of the same structure (every pair
        of one kind and path), as :meth:`one` gives them without a lexicon, computed with arrays."""
        a, b = self.a, self.b
        r = np.log((b.length_array + 8) / (self.ratio * a.length_array + 8))
        total = self.w_structure + W_LENGTH * np.exp(-r * r / (2 * LENGTH_SIGMA * LENGTH_SIGMA))
        weight = np.full(len(a), self.w_structure + W_LENGTH)
        for i, (x, y) in enumerate(zip(self.anchors_a, self.anchors_b, strict=True)):
            if x or y:
                total[i] += W_ANCHORS * len(x & y) / len(x | y)
                weight[i] += W_ANCHORS
        if self.same_language:
            for i, (wx, wy) in enumerate(zip(a.words, b.words, strict=True)):
                if wx or wy:
                    total[i] += W_WORDS * self.words(wx, wy)
                    weight[i] += W_WORDS
        # (No lexicon here: it only adds evidence for a pair, and a diagonal whose pairs clear the floor
        # without it needs none; a lexicon is for the gaps the structure leaves open.)
        result: list[float] = (total / weight).tolist()
        return result

    def matrix(self, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """Scores of every 1-1 pair of a[i0:i1] × b[j0:j1], the same as :meth:`one` gives, computed
        with arrays (a gap of a few hundred segments a side costs milliseconds, not seconds)."""
        a, b = self.a, self.b
        ka, kb = a.kind_codes[i0:i1, None], b.kind_codes[None, j0:j1]
        same_kind = ka == kb
        structure = np.where(
            same_kind, SAME_KIND, np.where((ka == _HEADING_CODE) | (kb == _HEADING_CODE), 0.0, 0.25)
        )
        structure = np.where(
            same_kind & (a.shape_codes[i0:i1, None] == b.shape_codes[None, j0:j1]), SAME_SHAPE, structure
        )
        structure = np.where(
            same_kind & (a.path_codes[i0:i1, None] == b.path_codes[None, j0:j1]), 1.0, structure
        )
        total = self.w_structure * structure
        weight = np.full(total.shape, self.w_structure + W_LENGTH)
        la, lb = a.length_array[i0:i1, None], b.length_array[None, j0:j1]
        r = np.log((lb + 8) / (self.ratio * la + 8))
        total += W_LENGTH * np.exp(-r * r / (2 * LENGTH_SIGMA * LENGTH_SIGMA))
        inter, union = _overlaps(self.anchors_a[i0:i1], self.anchors_b[j0:j1], None)
        has = union > 0
        total += np.where(has, W_ANCHORS * inter / np.where(has, union, 1.0), 0.0)
        weight += np.where(has, W_ANCHORS, 0.0)
        if self.same_language:
            inter, union = _overlaps(a.words[i0:i1], b.words[j0:j1], self.idf)
            has = union > 0
            # Weighted Dice: twice the shared weight over the two sides' weights (union = a + b here).
            total += np.where(has, W_WORDS * 2 * inter / np.where(has, union, 1.0), 0.0)
            weight += np.where(has, W_WORDS, 0.0)
        result: np.ndarray = total / weight
        if self.lexicon is not None:
            similar = [
                [self.translated(range(i, i + 1), range(j, j + 1)) for j in range(j0, j1)] for i in range(i0, i1)
            ]
            result += (1.0 - result) * LEXICON_BONUS * np.array(similar).reshape(result.shape)
        return result

    def words(self, wx: frozenset[str], wy: frozenset[str]) -> float:
        """Dice overlap of two word sets, each word weighted by its rarity in the two documents, so
        that "para" and "que" count for little and "licença" for much."""
        idf = self.idf
        total = sum(idf[w] for w in wx) + sum(idf[w] for w in wy)
        return 2 * sum(idf[w] for w in wx & wy) / total if total else 0.0


def _overlaps(
    xs: Sequence[frozenset[str]], ys: Sequence[frozenset[str]], weights: dict[str, float] | None
) -> tuple[np.ndarray, np.ndarray]:
    """For every pair of sets: the (weighted) size of the intersection, and of the union — or, with
    weights, the sum of both sides' weights (what weighted Dice divides by)."""
    vocab: dict[str, int] = {}
    for bag in xs:
        for t in bag:
            vocab.setdefault(t, len(vocab))
    mx = np.zeros((len(xs), len(vocab) or 1))
    for r, bag in enumerate(xs):
        for t in bag:
            mx[r, vocab[t]] = 1.0
    my = np.zeros((len(ys), len(vocab) or 1))
    for r, bag in enumerate(ys):
        for t in bag:
            if t in vocab:
                my[r, vocab[t]] = 1.0
    if weights is None:
        inter = mx @ my.T
        size_x = np.array([len(bag) for bag in xs], dtype=np.float64)
        size_y = np.array([len(bag) for bag in ys], dtype=np.float64)
        return inter, size_x[:, None] + size_y[None, :] - inter
    w = np.zeros(len(vocab) or 1)
    for t, k in vocab.items():
        w[k] = weights[t]
    inter = (mx * w) @ my.T
    size_x = np.array([sum(weights[t] for t in bag) for bag in xs])
    size_y = np.array([sum(weights[t] for t in bag) for bag in ys])
    return inter, size_x[:, None] + size_y[None, :]


def _idf(bags: list[frozenset[str]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for bag in bags:
        for w in bag:
            df[w] = df.get(w, 0) + 1
    n = len(bags) + 1
    return {w: math.log(n / k) for w, k in df.items()}


# --- the alignment -------------------------------------------------------------------------------


_SIDES = memos.by_document("segment-sides")


def align_segments(a: Document, b: Document, lexicon: Lexicon | None = None) -> list[SegmentPair]:
    """Align the segments of ``a`` and ``b`` monotonically. Every segment of both appears exactly once,
    in order: paired (1-1, 2-1, 1-2) with a score in (0, 1], or alone (1-0, 0-1) with score 0.
    ``lexicon``, when given, raises the score of pairs whose words translate each other (see
    :data:`LEXICON_BONUS`) wherever the dynamic programme decides (not on a same-structure diagonal)."""
    sa: _Side = _SIDES.get(a, _Side)
    sb: _Side = _SIDES.get(b, _Side)
    scorer = _Scorer(sa, sb, language(a.locale) == language(b.locale), lexicon)
    steps = _diagonal(scorer)
    if steps is None:
        steps = []
        i = j = 0
        for ai, bj in [*_sure_pairs(scorer), (len(sa), len(sb))]:
            steps += _dynamic(scorer, i, ai, j, bj)
            if ai < len(sa):
                steps.append((1, 1, scorer.one(ai, bj)))
            i, j = ai + 1, bj + 1
    return _pairs(scorer, steps)


def _diagonal(scorer: _Scorer) -> list[Step] | None:
    """1-1 steps down the diagonal, when both documents have the same structure and nearly every
    pair on the diagonal is good."""
    a, b = scorer.a, scorer.b
    if a.paths != b.paths or a.kinds != b.kinds:
        return None
    scores = scorer.diagonal()
    good = sum(1 for s in scores if s >= MATCH_FLOOR)
    return [(1, 1, s) for s in scores] if good >= DIAGONAL_SHARE * len(scores) else None


def _sure_pairs(scorer: _Scorer) -> list[tuple[int, int]]:
    """Pairs fixed before the search, increasing on both sides. Between documents of one language:
    runs of identical text. Across languages: headings with the same anchor, and segments with the
    same set of shared anchors (the same links, numbers, code) — each found once in each document,
    of one kind, and scoring above the floor."""
    a, b = scorer.a, scorer.b
    if scorer.same_language:
        matcher = SequenceMatcher(None, a.texts, b.texts, autojunk=False)
        candidates = [
            (blk.a + k, blk.b + k) for blk in matcher.get_matching_blocks() for k in range(blk.size)
        ]
    else:
        candidates = _matching(a.heading_anchors, b.heading_anchors)
        signatures_a: list[Hashable | None] = [x or None for x in scorer.anchors_a]
        signatures_b: list[Hashable | None] = [y or None for y in scorer.anchors_b]
        candidates += _matching(signatures_a, signatures_b)
        cells = set(_table_cells(a, b))
        candidates = _increasing(sorted(set(candidates) | cells))
        # A cell at the same coordinates of a table of the same shape is its counterpart, whatever
        # its score: the cells of one row are too alike to be told apart by length and anchors.
        return [
            (i, j)
            for i, j in candidates
            if (i, j) in cells
            or (a.kinds[i] == b.kinds[j] and a.lengths[i] and b.lengths[j] and scorer.one(i, j) >= MATCH_FLOOR)
        ]
    return [
        (i, j)
        for i, j in candidates
        if a.kinds[i] == b.kinds[j] and a.lengths[i] and b.lengths[j] and scorer.one(i, j) >= MATCH_FLOOR
    ]


def _table_cells(a: _Side, b: _Side) -> list[tuple[int, int]]:
    """(i, j) for the cells of every table both documents have at one path with the same cells
    (rows and columns)."""
    out: list[tuple[int, int]] = []
    for path, cells_a in a.tables.items():
        cells_b = b.tables.get(path)
        if cells_b and [a.paths[i] for i in cells_a] == [b.paths[j] for j in cells_b]:
            out += zip(cells_a, cells_b, strict=True)
    return out


def _matching(keys_a: Sequence[Hashable | None], keys_b: Sequence[Hashable | None]) -> list[tuple[int, int]]:
    """(i, j) where keys_a[i] == keys_b[j] is a key found once in each list."""
    where_b = _unique_anchors(keys_b)
    return [(i, where_b[key]) for key, i in _unique_anchors(keys_a).items() if key in where_b]


def _unique_anchors(anchors: Sequence[Hashable | None]) -> dict[Hashable, int]:
    seen: dict[Hashable, int] = {}
    twice: set[Hashable] = set()
    for i, anchor in enumerate(anchors):
        if anchor is None:
            continue
        if anchor in seen:
            twice.add(anchor)
        seen[anchor] = i
    return {k: v for k, v in seen.items() if k not in twice}


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` increasing in both items (pairs of one first item are taken in
    decreasing order of the second, so that at most one joins: a segment fixed to two counterparts made
    the search between them run over a negative span)."""
    if not pairs:
        return []
    pairs = sorted(pairs, key=lambda p: (p[0], -p[1]))
    tails: list[int] = []  # tails[k]: index in pairs of the smallest end of a chain of length k+1
    back: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left([pairs[t][1] for t in tails], j)
        back[n] = tails[k - 1] if k else -1
        tails[k : k + 1] = [n]  # (a new longest chain when k == len(tails))
    chain, n = [], tails[-1]
    while n != -1:
        chain.append(pairs[n])
        n = back[n]
    return chain[::-1]


def _dynamic(scorer: _Scorer, i0: int, i1: int, j0: int, j1: int) -> list[Step]:
    """The best monotonic steps covering a[i0:i1] and b[j0:j1].

    value[i][j] is the best total gain of an alignment of a[i0:i0+i] with b[j0:j0+j]; a 1-1 step
    gains its score less the floor, a skip gains nothing, a 2-1 or 1-2 step its score less the floor
    and a penalty. Merges are tried only where the lengths call for one (the single segment is
    closer in length to the two together than to either alone), as Gale and Church's model says."""
    n, m = i1 - i0, j1 - j0
    if n == 0 or m == 0:
        return [(1, 0, 0.0)] * n + [(0, 1, 0.0)] * m
    band = _band(n, m)
    neg = -math.inf
    matrix = scorer.matrix(i0, i1, j0, j1)
    merges_a, merges_b = _merge_cells(scorer, matrix, i0, i1, j0, j1)
    scores: list[list[float]] = matrix.tolist()
    value = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[Step | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    value[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = band[i]
        row, up = value[i], value[i - 1] if i else None
        for j in range(max(lo, 1 if i == 0 else 0), hi + 1):
            top, arg = neg, None
            if up is not None and up[j] > top:
                top, arg = up[j], (1, 0, 0.0)
            if j and row[j - 1] > top:
                top, arg = row[j - 1], (0, 1, 0.0)
            if up is not None and j and up[j - 1] > neg:
                s = scores[i - 1][j - 1]
                if up[j - 1] + s - MATCH_FLOOR > top:
                    top, arg = up[j - 1] + s - MATCH_FLOOR, (1, 1, s)
                if merges_a[i][j] and value[i - 2][j - 1] > neg:
                    s2 = scorer.score(range(i0 + i - 2, i0 + i), range(j0 + j - 1, j0 + j))
                    if value[i - 2][j - 1] + s2 - MATCH_FLOOR - MERGE_PENALTY > top:
                        top, arg = value[i - 2][j - 1] + s2 - MATCH_FLOOR - MERGE_PENALTY, (2, 1, s2)
                if merges_b[i][j] and up[j - 2] > neg:
                    s2 = scorer.score(range(i0 + i - 1, i0 + i), range(j0 + j - 2, j0 + j))
                    if up[j - 2] + s2 - MATCH_FLOOR - MERGE_PENALTY > top:
                        top, arg = up[j - 2] + s2 - MATCH_FLOOR - MERGE_PENALTY, (1, 2, s2)
            row[j] = top
            back[i][j] = arg
    steps: list[Step] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        steps.append(step)
        i, j = i - step[0], j - step[1]
    return steps[::-1]


def _merge_cells(
    scorer: _Scorer, scores: np.ndarray, i0: int, i1: int, j0: int, j1: int
) -> tuple[Grid, Grid]:
    """Where in a gap a 2-1 step (first grid) or a 1-2 step (second grid) ending at cell (i, j) is
    worth trying: the three segments have one kind (a split keeps the kind), the single one is
    closer in length to the two together than to either alone, and one of the two pieces alone
    already scores ``MERGE_MIN_PART`` with it."""
    a, b = scorer.a, scorer.b
    ka, kb = a.kind_codes[i0:i1], b.kind_codes[j0:j1]
    la = scorer.ratio * a.length_array[i0:i1] + 8
    lb = b.length_array[j0:j1] + 8
    two_one = _merge_side(ka, la, kb, lb, scores)
    one_two = _merge_side(kb, lb, ka, la, scores.T).T
    return two_one.tolist(), one_two.tolist()


def _merge_side(
    k2: np.ndarray, l2: np.ndarray, k1: np.ndarray, l1: np.ndarray, scores: np.ndarray
) -> np.ndarray:
    """A grid (len(k2)+1) × (len(k1)+1): True at (i, j) where pieces i-2 and i-1 of the first side
    may merge into piece j-1 of the second (``scores`` holds the 1-1 scores, first side by rows)."""
    grid = np.zeros((len(k2) + 1, len(k1) + 1), dtype=bool)
    if len(k2) < 2 or len(k1) < 1:
        return grid
    first, second = l2[:-1, None], l2[1:, None]
    one_kind = (k2[:-1, None] == k2[1:, None]) & (k2[1:, None] == k1[None, :])
    together = np.abs(np.log(l1[None, :] / (first + second)))
    alone = np.minimum(np.abs(np.log(l1[None, :] / first)), np.abs(np.log(l1[None, :] / second)))
    part = np.maximum(scores[:-1, :], scores[1:, :]) >= MERGE_MIN_PART
    grid[2:, 1:] = one_kind & (together < alone) & part
    return grid


def _band(n: int, m: int) -> list[tuple[int, int]]:
    """For each i in 0..n, the range of j searched (all of them in a small gap)."""
    if (n + 1) * (m + 1) <= FULL_DP_CELLS:
        return [(0, m)] * (n + 1)
    width = abs(n - m) + BAND_MARGIN
    return [(max(0, round(i * m / n) - width), min(m, round(i * m / n) + width)) for i in range(n + 1)]


def _pairs(scorer: _Scorer, steps: list[Step]) -> list[SegmentPair]:
    out = []
    i = j = 0
    for di, dj, score in steps:
        xs = tuple(scorer.a.refs[i : i + di])
        ys = tuple(scorer.b.refs[j : j + dj])
        out.append(SegmentPair(xs, ys, round(score, 4) if xs and ys else 0.0))
        i, j = i + di, j + dj
    return out


def topic_pairs(topic: Topic) -> list[tuple[Document, Document]]:
    """Every comparison a topic offers: for each edition, each two locales' documents of it; and in
    each locale, each two of its documents (its editions). Each pair of documents once, in order."""
    seen: set[tuple[str, str]] = set()
    out: list[tuple[Document, Document]] = []

    def add(a: Document, b: Document) -> None:
        key = (a.path, b.path) if a.path < b.path else (b.path, a.path)
        if a is not b and key not in seen:
            seen.add(key)
            out.append((a, b))

    matrix = topic.matrix
    for edition in topic.editions:
        docs = [matrix[(loc, edition)] for loc in topic.locales if (loc, edition) in matrix]
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                add(a, b)
    for locale in topic.locales:
        docs = [m.document for m in topic.members if m.document.locale == locale]
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                add(a, b)
    return out


def pair_kind(pair: SegmentPair) -> str:
    """``1-1``, ``1-0``, ``0-1``, ``2-1`` or ``1-2``."""
    return f"{len(pair.a)}-{len(pair.b)}"


def unmatched(pairs: Sequence[SegmentPair]) -> tuple[list[SegmentRef], list[SegmentRef]]:
    """The segments of a, and of b, that have no counterpart."""
    return [r for p in pairs if not p.b for r in p.a], [r for p in pairs if not p.a for r in p.b]
