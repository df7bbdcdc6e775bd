"""Scoring every document a Whoosh query matches, with numpy, a posting list at a time, and reading
posting lists without their positions: what :func:`kb.search.query.search` ranks and groups by topic."""

from __future__ import annotations

import bisect
import itertools
import pickle
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermsReader
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.scoring import BM25FScorer
from whoosh.searching import SearchContext, Searcher
from whoosh.util.numeric import byte_to_length

from kb.search.release import Release, Scores

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


class Unsupported(Exception):
    pass


_B2L = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY: Scores = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def scored(release: Release, q: wq.Query) -> list[tuple[int, float]]:
    """Every document matching ``q`` with its score, best first (then by document number): what
    ``searcher.search(q, limit=None).items()`` gives."""
    ids, scores = scored_arrays(release, q)
    return list(zip(ids.tolist(), scores.tolist(), strict=True))


def scored_arrays(release: Release, q: wq.Query) -> Scores:
    """:func:`scored` as two arrays (document numbers, scores)."""
    ids, scores = matches(release, q)
    order = np.lexsort((ids, -scores))
    return ids[order], scores[order]


def matches(release: Release, q: wq.Query) -> Scores:
    """The documents matching ``q`` and their scores, in no particular order."""
    searcher = release.searcher
    context = searcher.context()
    parts = []
    try:
        for sub, offset in searcher.leaf_searchers():
            ids, scores = _query_scores(release, sub, context, q)
            parts.append((ids + offset, scores))
    except Unsupported:
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
    if kind is wq.DisjunctionMax and not q.tiebreak and q.subqueries:
        return _boosted(_best_of([_query_scores(release, searcher, context, s) for s in q.subqueries],
                                 searcher.doc_count_all()), q.boost)
    if kind is not wq.And and kind is not wq.Or:
        raise Unsupported(kind.__name__)
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
        raise Unsupported("Or.scale")
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
    if kind is wq.Or or kind is wq.DisjunctionMax:
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
    raise Unsupported("Or.matcher_type")


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


def _best_of(children: list[Scores], size: int) -> Scores:
    """``DisjunctionMaxMatcher`` without a tie-break: the documents any child matches, each with
    its best child's score (a word and its translations: the best reading counts, once)."""
    dense = np.full(size, -np.inf)
    for ids, scores in children:
        np.maximum.at(dense, ids, scores)
    ids = np.flatnonzero(dense > -np.inf)
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
        raise Unsupported("minquality")
    return _boosted(_live(release, searcher, context, q.fieldname, tbytes), q.boost)


def _live(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """A term's postings and scores without the segment's deleted documents."""
    ids, scores = leaf(release, searcher, context, fieldname, tbytes)
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
        raise Unsupported("phrase")
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


def leaf(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """The documents and BM25F scores of one posting list, from the release's cache or read."""
    key = (id(searcher.reader()), fieldname, tbytes)
    found = release.leaves.get(key)
    if found is None:
        found = _read_leaf(release, searcher, context, fieldname, tbytes)
        release.leaves.put(key, found)
    return found


def _read_leaf(release: Release, searcher: Searcher, context: SearchContext, fieldname: str, tbytes: bytes) -> Scores:
    """The documents and BM25F scores of one posting list (``BM25FScorer._score`` over arrays)."""
    scorer = context.weighting.scorer(searcher, fieldname, tbytes)  # as Searcher.postings makes it
    if type(scorer) is not BM25FScorer:
        raise Unsupported("scorer")
    reader = searcher.reader()
    terms: Any = getattr(reader, "_terms", None)
    if type(terms) is not W3TermsReader:
        raise Unsupported("codec")
    info = terms.term_info(fieldname, tbytes)
    if info.is_inlined():
        raise Unsupported("inlined postings")
    docs, weights = _postings(terms._postfile, info.extent()[0])
    if len(docs) != info.doc_frequency():
        raise Unsupported("postings count")
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
        raise Unsupported("postings header")
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
            raise Unsupported("lengths")
        size = reader.doc_count_all()
        if type(column) is NumericColumn.Reader and column._typecode == "B" and column._count <= size:
            # One byte per document, documents past the last written one at the default (0).
            found = np.zeros(size, dtype=np.uint8)
            found[: column._count] = np.frombuffer(column._dbfile.get(column._basepos, column._count), np.uint8)
        else:
            found = np.array([column[i] for i in range(size)], dtype=np.uint8)
        release.lengths[key] = found
    return found


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
