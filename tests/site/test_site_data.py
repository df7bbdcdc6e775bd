"""kb.site.data.SiteData: how a session's builds hand each other the anchors of unchanged documents.
(Links, switchers and the rest of what SiteData decides: tests/site/test_site.py.)"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import CONTENT

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.ingest.render import anchor_ids
from kb.model import Alignment, Corpus
from kb.site.data import SiteData, body_references


@pytest.fixture(scope="module")
def gathered() -> tuple[Corpus, Alignment]:
    corpus = ingest(CONTENT)
    return corpus, align(corpus.documents)


def test_found_anchors_are_those_asked_for_so_far_with_their_documents(gathered) -> None:
    corpus, alignment = gathered
    data = SiteData.gather(corpus, alignment, "/")
    assert data.found_anchors() == {}
    doc = corpus.documents[0]
    anchors = data.anchors(doc)
    assert data.found_anchors() == {doc.path: (doc, anchors)}


def test_a_next_build_adopts_the_anchors_of_the_very_same_documents_only(gathered) -> None:
    corpus, alignment = gathered
    same, edited = corpus.documents[0], corpus.documents[1]
    data = SiteData.gather(corpus, alignment, "/")
    data.adopt_anchors({
        same.path: (same, frozenset({"adopted"})),
        edited.path: (dataclasses.replace(edited), frozenset({"stale"})),  # an equal document, not the same one
        "gone.md": (same, frozenset({"gone"})),  # no longer in the corpus
    })
    assert data.anchors(same) == {"adopted"}
    assert data.anchors(edited) == SiteData.gather(corpus, alignment, "/").anchors(edited)
    assert set(data.found_anchors()) == {same.path, edited.path}


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("pt-BR", "5 de mar. de 2019"),
        ("ru-RU", "5 мар. 2019\u202fг."),  # CLDR: a narrow no-break space before "г."
        ("es-ES", "5 mar 2019"),
        ("it-IT", "5 mar 2019"),
        ("xx-YY", "Mar 5, 2019"),  # a locale CLDR does not know: English
    ],
)
def test_dates_are_shown_in_each_locales_format(lang: str, shown: str) -> None:
    from kb.site.data import Strings

    assert Strings(lang).format_date("2019-03-05") == shown
    assert Strings(lang).format_date("as written") == "as written"


@pytest.mark.parametrize(
    ("body", "hrefs", "srcs", "ids"),
    [
        ('<a name="q" href="a.md#x">A</a> <IMG alt="x" src="i.png">', {"a.md#x"}, {"i.png"}, {"q"}),
        ("[t](b.md) ![i](c.png) [<x>](<d.md>)", {"b.md", "d.md"}, {"c.png"}, set()),
        ('## <a name="first"></a><a id="4"></a>Title', set(), set(), {"first", "4"}),
        ('<a href="a&amp;b.md">x</a>', {"a&b.md"}, set(), set()),
        # any element's id (a landing page's "#products" list); a name only of an <a>; never data-id
        ('<ul id="products" class="c"><li><input name="n" data-id="d"><A NAME=\'m\'></A>', set(), set(),
         {"products", "m"}),
        # hostile: every opening unclosed. Each search stops at the next opening, so this takes a second
        # (the patterns that scanned to the end from each one took hours on it)
        ("<a " * 200_000 + "[" * 200_000 + '<a id="end" href="x.md">', {"x.md"}, set(), {"end"}),
    ],
)
def test_references_and_anchor_ids_written_in_a_body(body: str, hrefs: set[str], srcs: set[str], ids: set[str]) -> None:
    assert body_references(body) == (hrefs, srcs)
    assert anchor_ids(body) == ids
