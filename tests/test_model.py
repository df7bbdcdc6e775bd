"""A Document keeps its text packed (kb.model.pack_text) and gives it back unchanged on access."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import CONTENT

from kb.ingest.reader import ingest
from kb.model import DocumentText, Link, Segment, SegmentKind, pack_text, unpack_text

INCLUDE = Link("includes/note.md", "", "include", 1)
LINK = Link("other.md#anchor", "other", "link", 4)
IMAGE = Link("media/x.png", "alt", "image", 6)
PARAGRAPH = Segment(SegmentKind.PARAGRAPH, "p[0]", "See other.", (LINK, IMAGE), line=4)
HEADING = Segment(SegmentKind.HEADING, "h[0]", "Título", (), anchor="titulo", level=2, line=2)
CODE = Segment(SegmentKind.CODE, "code[0]", "x = 1", code=("x = 1",), line=8)


@pytest.mark.parametrize(
    "links",
    [(INCLUDE, LINK, IMAGE), (LINK, IMAGE), (IMAGE, LINK), (INCLUDE,), ()],
    ids=["includes-then-inline", "inline", "reordered", "include-only", "none"],
)
def test_a_packed_text_unpacks_to_an_equal_one(links: tuple[Link, ...]) -> None:
    text = DocumentText({"title": "Título", "ms.date": "04/23/2019", "keywords": ["a", None]},
                        (HEADING, PARAGRAPH, CODE), links, "## Título\n\nSee [other](other.md).\n")
    assert unpack_text(pack_text(text)) == text


def test_equal_texts_pack_to_equal_bytes_whichever_strings_are_one_object() -> None:
    shared = "p[0]"
    one = DocumentText({}, (Segment(SegmentKind.PARAGRAPH, shared, "a"), Segment(SegmentKind.PARAGRAPH, shared, "b")),
                       (), "a\n\nb\n")
    two = DocumentText({}, (Segment(SegmentKind.PARAGRAPH, "".join(["p[", "0]"]), "a"),
                            Segment(SegmentKind.PARAGRAPH, "".join(["p", "[0]"]), "b")), (), "a\n\nb\n")
    assert pack_text(one) == pack_text(two)


def test_documents_give_their_text_back_and_pickle_small(tmp_path: Path) -> None:
    docs = ingest(CONTENT).documents
    assert len(docs) == 5
    for doc in docs:
        text = doc.text
        assert (doc.segments, doc.links, doc.body, doc.front_matter) == (
            text.segments, text.links, text.body, text.front_matter)
        assert doc.segments and doc.body.strip()
        again = pickle.loads(pickle.dumps(doc))
        assert again == doc and again.segments == doc.segments
        # as objects, the same text pickles to several times the size
        assert len(doc.packed) * 3 < len(pickle.dumps(text))

