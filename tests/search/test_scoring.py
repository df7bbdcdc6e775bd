"""kb.search.scoring's fast paths (and kb.search.ranking's grouping, kb.search.snippets' folding) against Whoosh itself,
on an index large enough for many posting blocks.

``_postings`` reads document numbers and weights of a posting list without decoding positions;
``scored`` evaluates a query as Whoosh's matcher tree would without building it; ``fold_whole``
folds a whole text as :func:`kb.search.analysis.fold_text` does. Each must give exactly what the slow path
gives: the same documents, the same float scores, the same string.
"""

from __future__ import annotations

import pickle
import random
import struct
import zlib

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, Schema
from whoosh.formats import Positions
from whoosh.matching import ReadTooFar

from kb.search import scoring
from kb.search.analysis import text_field
from kb.search.ranking import best_per_topic, first_ranked
from kb.search.release import Release
from kb.search.scoring import _block, _decode_positions, _postings, estimate_size, scored
from kb.search.snippets import fold_whole
from kb.wordforms import FOLD_TABLE, fold_text

WORDS = [f"w{i}" for i in range(40)]
LEAF = scoring.leaf


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """1,500 documents of random words (word i about once in i+1 documents, a few of them often:
    term frequencies above 1, equal in some blocks) in two fields, some deleted, and a second
    segment of 200."""
    dest = tmp_path_factory.mktemp("blocks")
    schema = Schema(path=ID(stored=True, unique=True), title_pt=text_field("pt"), body_pt=text_field("pt"))
    ix = whoosh_index.create_in(str(dest), schema)
    rng = random.Random(7)
    writer = ix.writer()
    for n in range(1500):
        body = [w for i, w in enumerate(WORDS) if rng.random() < 1 / (i + 1)] * rng.choice((1, 1, 2, 3))
        title = [w for i, w in enumerate(WORDS[:8]) if rng.random() < 0.3]
        writer.add_document(path=f"d{n}", title_pt=" ".join(title), body_pt=" ".join(body))
    writer.commit()
    writer = ix.writer()
    for n in range(0, 1500, 97):
        writer.delete_by_term("path", f"d{n}")
    for n in range(1500, 1700):  # a second segment
        writer.add_document(path=f"d{n}", title_pt="w1 w2", body_pt=" ".join(rng.sample(WORDS, 5)))
    writer.commit(merge=False)
    searcher = ix.searcher()
    return Release(dest, searcher, None, ["pt"])  # type: ignore[arg-type]  # (scoring needs no catalog)


def whoosh_postings(reader: object, fieldname: str, text: bytes) -> tuple[list[int], list[float]]:
    m = reader._terms.matcher(fieldname, text, reader.schema[fieldname].format)  # type: ignore[attr-defined]
    ids, weights = [], []
    try:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    except ReadTooFar:
        pass
    return ids, weights


def test_postings_are_whooshs_without_positions(release: Release) -> None:
    blocks = 0
    for sub, _ in release.searcher.leaf_searchers():
        reader = sub.reader()
        for fieldname in ("title_pt", "body_pt"):
            for text in reader.lexicon(fieldname):
                info = reader._terms.term_info(fieldname, text)
                docs, weights = _postings(reader._terms._postfile, info.extent()[0])
                ids, expected = whoosh_postings(reader, fieldname, text)
                assert docs.tolist() == ids, (fieldname, text)
                assert [struct.unpack("f", struct.pack("f", w))[0] for w in weights] == expected, (fieldname, text)
                blocks += -(-len(ids) // 128)
    assert blocks > 100, "the index has lists of several blocks"


@pytest.mark.parametrize("values", [1, 2, 3, 4, 128])
@pytest.mark.parametrize("weights", ["none", "one", "each"])
def test_block_cut_before_the_values(values: int, weights: str) -> None:
    """A block's data as Whoosh writes it, whatever the shape of its weights and the number of its
    values (a weight whose last byte is that of a pickle mark, before a values tuple without one)."""
    ids = tuple(range(1, values + 1))
    tricky = struct.unpack(">d", struct.pack(">d", 2.5)[:7] + b"(")[0]
    ws = {"none": None, "one": tricky, "each": tuple(tricky + i for i in range(values))}[weights]
    positions = tuple(struct.pack("!I", i) + bytes([200, 40, 10]) for i in range(values))
    data = pickle.dumps((ids, ws, positions), 2)
    for compression, stored in ((3, zlib.compress(data, 3)), (0, data)):
        assert _block(stored, compression, values) == (ids, ws)


@pytest.mark.parametrize("tree", ["auto", "array", "binary"])
def test_scored_is_whooshs_search(release: Release, tree: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every matching document and its float score as Whoosh's own search gives them, for terms of
    long and short lists, with boosts, ANDs of ORs (equal size estimates included), missing terms
    and phrases (words in either order, repeated, three of them, one, in ORs and ANDs)."""
    if tree != "auto":
        monkeypatch.setattr(wq.Or, "matcher_type", wq.Or.ARRAY_MATCHER if tree == "array" else wq.Or.DEFAULT_MATCHER)

    def term(word: str, field: str = "body_pt", boost: float = 1.0) -> wq.Term:
        return wq.Term(field, word, boost=boost)

    queries: list[wq.Query] = [
        term("w0"), term("w1", boost=2.0), term("w39"), term("missing"),
        wq.Or([term("w0"), term("w1"), term("w2", "title_pt", 3.0)]),
        wq.Or([term("w5"), term("w5", "title_pt", 3.0), term("w6", "title_pt")], boost=0.5),
        wq.And([term("w0"), term("w1")]),
        wq.And([wq.Or([term("w3"), term("w3", "title_pt", 3.0)]), wq.Or([term("w4"), term("w7", "title_pt")])]),
        wq.And([term("w10"), term("w11"), term("w12"), term("w13")]),
        wq.Or([wq.And([term("w2"), term("w3")]), wq.And([term("w3"), term("w2")]), term("w30")]),
        wq.Or([term(w) for w in WORDS[8:30]]),
        wq.And([term("w0"), term("missing")]),
        wq.Or([term("missing"), term("w20")]),
        wq.Phrase("body_pt", ["w0", "w1"]), wq.Phrase("body_pt", ["w1", "w0"]), wq.Phrase("body_pt", ["w2", "w2"]),
        wq.Phrase("body_pt", ["w0", "w1", "w2"], boost=2.0), wq.Phrase("body_pt", ["w0", "missing"]),
        wq.Phrase("body_pt", ["w3"]), wq.Phrase("title_pt", ["w1", "w2"]),
        wq.Or([wq.Phrase("title_pt", ["w0", "w1"], boost=3.0), wq.Phrase("body_pt", ["w0", "w1"])]),
        wq.And([wq.Phrase("body_pt", ["w1", "w2"]), term("w4")]),
    ]
    used = []
    monkeypatch.setattr(scoring, "leaf", lambda *a: used.append(1) or LEAF(*a))
    found = 0
    for q in queries:
        expected = list(release.searcher.search(q, limit=None).items())
        with monkeypatch.context() as m:  # no query is left to Whoosh's own search here
            m.setattr(release.searcher, "search", lambda *a, **k: pytest.fail("left to Whoosh"))
            assert scored(release, q) == expected, q
        found += bool(expected)
        for sub, _ in release.searcher.leaf_searchers():  # the sizes that shape the tree
            for part in [q, *q.children()]:
                assert estimate_size(release, sub.reader(), part) == part.estimate_size(sub.reader())
    assert used, "the numpy path ran"
    assert found >= len(queries) - 5  # (the missing words, and what they make empty)


@pytest.mark.slow
def test_fold_whole_is_fold_text() -> None:
    """Character by character, and in long texts of mixed scripts that the table folds (Latin with
    accents, Cyrillic with ё, Greek with its final sigma) and that it leaves to fold_text."""
    for code in range(0x110000):
        if not 0xD800 <= code < 0xE000:
            assert fold_whole(chr(code)) == fold_text(chr(code)), hex(code)
    rng = random.Random(7)
    alphabet = "aãçéíõúÀÉÇ ёЁйЙпПЖж ΑΣσς ,.;\n" + "".join(chr(c) for c in range(0x100, 0x250))
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300)))
        assert fold_whole(text) == fold_text(text) == text.lower().translate(FOLD_TABLE)
    for text in ["Configurações da Assinatura", "СЧЁТ клиента", "plain ascii", "ĳssel and ǆ", "İstanbul",
                 "ΟΔΟΣ ΟΔΟΣ.", "emoji 😀 é", "\udcff lone"]:
        assert fold_whole(text) == fold_text(text)


def test_ranking_topics_by_reductions_is_sorting_them() -> None:
    """best_per_topic and first_ranked give what sorting every document gives (the documents in
    Whoosh's order, the best of each topic, topics by weighted score then id), ties included."""
    rng = np.random.default_rng(7)
    for count, n in ((1, 1), (5, 40), (300, 2000), (3000, 900)):
        ids = rng.permutation(5 * n)[:n]
        scores = rng.integers(1, 6, n) / 4  # few values: many ties
        place = rng.integers(0, count, n)
        weighted = scores * rng.choice([1.0, 0.5, 0.75], n)
        found = np.lexsort((ids, -scores))  # Whoosh's order: score, then document number
        ids, scores, place, weighted = ids[found], scores[found], place[found], weighted[found]
        order = np.lexsort((np.arange(n), -weighted, place))
        first = np.ones(n, dtype=bool)
        first[1:] = place[order][1:] != place[order][:-1]
        best = order[first]
        expected = best[np.lexsort((place[best], -weighted[best]))]
        places, docs, top = best_per_topic(count, place, ids, scores, weighted)
        assert places.tolist() == sorted(set(place.tolist()))
        for k in (0, 1, 3, 10, len(places)):
            chosen = first_ranked(top, k)
            assert docs[chosen].tolist() == ids[expected][:k].tolist(), (count, n, k)
            assert top[chosen].tolist() == weighted[expected][:k].tolist()


def test_positions_decoded_together_are_whooshs() -> None:
    """_decode_positions gives what the format's decode_positions gives value by value: with
    Whoosh's Positions (all at once) and with a format decoding them its own way (one by one);
    long lists, short ones, an empty one."""
    class Odd(Positions):
        def decode_positions(self, valuestring: bytes) -> list[int]:
            return [p + 1 for p in super().decode_positions(valuestring)]

    rng = random.Random(7)
    for fmt in (Positions(), Odd(), text_field("pt").format):
        for size in (0, 1, 5, 300):
            lists = [sorted(rng.sample(range(5000), rng.randrange(1, 1200 if i % 50 == 0 else 6)))
                     for i in range(size)]
            values = [fmt.encode(positions) for positions in [*lists, *([[]] if size == 1 else [])]]
            counts, positions = _decode_positions(fmt, values)
            expected = [fmt.decode_positions(v) for v in values]
            assert counts.tolist() == [len(p) for p in expected]
            assert positions.tolist() == [p for each in expected for p in each]
