"""Both development corpora through ingest and render: what Learn shows is what kb shows and finds.

Every document is rendered as the site would (links to documents of the same corpus decided as
pages, the rest left undecided) and its visible text checked: no DocFX marker printed literally, no
link to a fragment its target page lacks; then 200 sentences picked at random (fixed seed) from the
visible text of the pages are each searched as an exact phrase, and must find their page.
Slow: each corpus is ingested and rendered whole (the skype corpus has 5,873 documents).
"""

from __future__ import annotations

import posixpath
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import ROOT

from kb.align.topics import align
from kb.ingest.html_rules import BodyText, LinkStatus, LinkTarget
from kb.ingest.reader import ingest
from kb.ingest.render import render_body
from kb.model import Corpus
from kb.output.options import BuildOptions
from kb.search.index import write_index
from kb.search.query import search

pytestmark = pytest.mark.slow

CORPORA = ("partner-center-2019", "skype-2024")
MARKERS = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION|INCLUDE|VIDEO|div)\b|:::|>\s*\[!", re.I)


@dataclass
class Rendered:
    corpus: Corpus
    pages: dict[str, BeautifulSoup]
    """Each document's rendered page (its ``<h1>`` and body), by path."""


def _resolve(doc_path: str, href: str, paths: set[str]) -> tuple[str, str] | None:
    """(target document path, fragment) of a link to a document of the corpus, else None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//|^/", href, re.I):
        return None
    target, _, fragment = href.partition("#")
    if not target:
        return doc_path, fragment
    found = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), unquote(target.split("?")[0])))
    return (found, fragment) if found in paths else None


def _render(root: Path) -> Rendered:
    corpus = ingest(root, jobs=2)
    paths = {d.path for d in corpus.documents}
    pages = {}
    for doc in corpus.documents:
        links = {}
        for link in doc.links:
            found = _resolve(doc.path, link.target, paths)
            if found and link.kind == "link":
                target, fragment = found
                links[link.target] = LinkTarget(LinkStatus.PAGE, f"/{target}" + (f"#{fragment}" if fragment else ""))
        body = render_body(doc.body, links, {}, BodyText(), doc.skeleton)
        pages[doc.path] = BeautifulSoup(body.h1 + body.html, "html.parser")
    return Rendered(corpus, pages)


_RENDERED: dict[str, Rendered] = {}  # each corpus is rendered once for the whole module


def _corpus(name: str) -> Rendered:
    root = ROOT.parent / "shared" / "corpus" / name
    if not root.is_dir():
        pytest.skip(f"the development corpus ../shared/corpus/{name} is not present")
    if name not in _RENDERED:
        _RENDERED[name] = _render(root)
    return _RENDERED[name]


@pytest.fixture(params=CORPORA)
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return _corpus(request.param)


def _visible_text(page: BeautifulSoup) -> str:
    return page.get_text(" ")


def test_no_docfx_marker_is_left_literal(rendered: Rendered) -> None:
    literal = {}
    for path, page in rendered.pages.items():
        text = _visible_text(page)
        if m := MARKERS.search(text):
            literal[path] = text[max(0, m.start() - 60) : m.end() + 60]
    assert literal == {}


def test_every_fragment_names_an_element_of_its_target_page(rendered: Rendered) -> None:
    """Every anchor of a page is kept, so a link's fragment lands, unless the target's source has no
    such anchor at all (skype-2024's translations of one article name all four of their anchors
    '__toc328126910' and link to …911, …912, …913: Learn's pages land at the top too)."""
    ids = {path: {str(t.get("id")) for t in page.find_all(id=True)} for path, page in rendered.pages.items()}
    bodies = {d.path: d.body for d in rendered.corpus.documents}
    dead, broken_in_source = [], []
    for path, page in rendered.pages.items():
        for a in page.find_all("a", href=True):
            href = str(a["href"])
            if "#" not in href or not href.startswith(("/", "#")):
                continue
            target, _, fragment = href.partition("#")
            target = target[1:] if target else path
            if target in ids and unquote(fragment) not in ids[target]:
                named = re.search(rf"""(?:name|id)\s*=\s*["']{re.escape(unquote(fragment))}["']""", bodies[target])
                (dead if named else broken_in_source).append(f"{path} → {href}")
    assert dead == [], "\n".join(dead)
    assert len(broken_in_source) <= 12, "\n".join(broken_in_source)


# --- search finds what pages show --------------------------------------------------------------

_BLOCKS = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_WORD = re.compile(r"\w+")


def _sentences(page: BeautifulSoup) -> Iterator[str]:
    """Sentences of a page's prose (not code, not the words the renderer adds), 6 to 30 words."""
    page = BeautifulSoup(str(page), "html.parser")
    for hidden in page.select(".visually-hidden, .alert-title, .code-missing, pre, code"):
        hidden.decompose()
    for block in page.find_all(_BLOCKS):
        if not isinstance(block, Tag) or block.find(_BLOCKS):
            continue
        for sentence in _SENTENCE_END.split(" ".join(block.get_text(" ").split())):
            if 6 <= len(_WORD.findall(sentence)) <= 30:
                yield sentence


def _finds(index: Path, phrase: str, locale: str, path: str, topic: str) -> bool:
    """Whether an exact phrase search finds the page (or its topic), on any page of results: a sentence
    of the Lync articles' boilerplate ("Open a browser window, …") is on hundreds of pages."""
    page, pages = 1, 1
    while page <= pages:
        found = search(index, f'"{phrase}"', locale=locale, limit=100, page=page)
        if any(hit.path == path or hit.topic == topic for hit in found.results):
            return True
        page, pages = page + 1, found.pages
    return False


def test_200_random_visible_sentences_find_their_page(tmp_path: Path) -> None:
    rng = random.Random(21)
    missed = []
    for n, rendered in enumerate([_corpus(name) for name in CORPORA]):
        documents = {d.path: d for d in rendered.corpus.documents}
        alignment = align(rendered.corpus.documents)
        topic_of = {m.document.path: t.id for t in alignment.topics for m in t.members}
        index = tmp_path / f"index{n}"
        write_index(index, rendered.corpus, alignment, BuildOptions(jobs=2))
        picked = []
        for path in sorted(rendered.pages):
            picked.extend((path, s) for s in _sentences(rendered.pages[path]))
        for path, sentence in rng.sample(picked, 100):
            phrase = sentence.replace('"', " ")  # the index's analyzer splits it as it split the page
            if not _finds(index, phrase, documents[path].locale, path, topic_of[path]):
                missed.append(f"{path}: {phrase}")
    assert missed == [], "\n".join(missed)
