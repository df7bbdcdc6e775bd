"""Both development corpora built end to end, as DocFX repositories: every word a document's source
writes for its reader is on its page, links are shown missing only where
their target is absent from the corpus, every image whose file exists is shown; on skype-2024, every
internal link and fragment of the site resolves, and the repository's own files and redirect stubs are
no problems. Slow: each builds a whole corpus; skipped when ../shared is absent."""

from __future__ import annotations

import html
import posixpath
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from conftest import CORPUS, ROOT
from linkcheck import check_site

from kb import urls
from kb.build.pipeline import BuildResult, build
from kb.ingest import frontmatter
from kb.ingest.render import LinkStatus
from kb.output.options import LINK_BASE, BuildOptions
from kb.site.data import SiteData, Strings, body_references
from kb.site.redirects import redirect_slug

SKYPE = ROOT.parent / "shared" / "corpus" / "skype-2024"
SKYPE_MAX_MISSING = 360
"""Issue 21: skype-2024 shows "at most about 350" links as missing (1,337 before; most of those were
links whose articles exist). 354 on 2026-12-05, every one to a file the corpus's folder does not have
(the test checks each on disk)."""

pytestmark = pytest.mark.slow


def _built(folder: Path, tmp: Path) -> tuple[BuildResult, Path]:
    if not folder.is_dir():
        pytest.skip(f"the corpus ../shared/corpus/{folder.name} is not present")
    out = tmp / "out"
    return build(folder, out, BuildOptions(jobs=2)), out / "site"


@pytest.fixture(scope="module", params=[SKYPE, CORPUS], ids=["skype-2024", "partner-center-2019"])
def corpus_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    return _built(request.param, tmp_path_factory.mktemp(request.param.name))


def _pages(result: BuildResult, site: Path) -> dict[str, str]:
    """Document path → the HTML of its page."""
    out = {}
    for topic in result.alignment.topics:
        for m in topic.members:
            page = site / urls.document_path(m.document.locale, m.slug) / "index.html"
            out[m.document.path] = page.read_text(encoding="utf-8")
    return out


def _written(doc_dir: str, target: str) -> str:
    """A relative link's target as a path from the content root."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    return posixpath.normpath(posixpath.join(doc_dir, path))


_MISSING_TITLE = re.compile(r'<span class="link-missing" title="([^"]*)"')


def test_links_are_missing_only_where_the_target_is_absent(corpus_build: tuple[BuildResult, Path]) -> None:
    result, site = corpus_build
    corpus = result.corpus
    data = SiteData.gather(corpus, result.alignment, "/", LINK_BASE)
    documents = {d.path for d in corpus.documents} | {r.path for r in corpus.redirects}
    failed = {p.path for p in corpus.problems}  # files that are in the folder but not in the corpus
    pages = _pages(result, site)
    wrongly, undecided = [], []
    shown = to_failed = 0
    for doc in corpus.documents:
        if doc.path not in pages:
            continue
        t = Strings(doc.locale)
        hrefs = {link.target for link in doc.links if link.kind == "link"} | body_references(doc.body)[0]
        missing = {
            t.fmt("missing_link_title", target=href): href for href in hrefs
            if data.resolve(doc, href, t).status is LinkStatus.MISSING
        }
        for title in _MISSING_TITLE.findall(pages[doc.path]):
            href = missing.get(html.unescape(title))
            if href is None:  # a mark the site decided on no link for
                undecided.append((doc.path, html.unescape(title)))
                continue
            shown += 1
            written = "" if href.startswith("/") else _written(posixpath.dirname(doc.path), href)
            if written in documents or (written and (Path(corpus.root) / written).exists()):
                wrongly.append((doc.path, href))
            to_failed += written in failed
    assert undecided == []
    assert wrongly == [], f"{len(wrongly)} links shown missing to files of the corpus: {wrongly[:10]}"
    print(f"\n{Path(corpus.root).name}: {shown} links shown missing, {to_failed} of them to files with a problem")
    if Path(corpus.root).name == SKYPE.name:
        # a file that is in the folder but failed to parse (a problem) is not in the corpus either
        assert shown - to_failed <= SKYPE_MAX_MISSING


_WORD = re.compile(r"[^\W\d_]{4,}")
_NOT_SHOWN = [  # what of a source no reader sees as words: markup, addresses, the bilingual pages' English
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r'<span class="sxs-lookup">.*?</span></span>', re.S),
    re.compile(r"\]\((?:\\.|[^)\\])*\)|\]\[[^\]]*\]|^[ \t]*\[[^\]\n]+\]:.*$", re.M),  # targets, labels, definitions
    re.compile(r"<[^>]+>|&\w+;|https?://\S+|\{[^}\n]*\}"),
    re.compile(r"^[ \t>]*(?:```|~~~)[^\n]*|:::[^\n]*|\[!(?:INCLUDE|include|code-\w+|VIDEO|video)[^\n]*", re.M),
    re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION|div)[^\]]*\]", re.I),
]


def _source_words(text: str) -> Counter[str]:
    _, body, _ = frontmatter.split(text)
    for pattern in _NOT_SHOWN:
        body = pattern.sub(" ", body)
    return Counter(w.lower() for w in _WORD.findall(body))


def test_every_word_a_documents_source_writes_for_its_reader_is_on_its_page(
    corpus_build: tuple[BuildResult, Path],
) -> None:
    """Content lost on the way to the page (an HTML block closed early, a construct dropped) shows as words
    of the source's prose missing from the page's article: none may be (YAML pages are walked, not
    written as prose; an include's words are the included file's, which the page adds)."""
    result, site = corpus_build
    root = Path(result.corpus.root)
    lost = {}
    for path, page in _pages(result, site).items():
        if path.endswith((".yml", ".yaml")):
            continue
        article = BeautifulSoup(page, "lxml").find("article")
        assert article is not None
        shown = {w.lower() for w in _WORD.findall(article.get_text(" "))}
        shown |= {w.lower() for t in article.find_all(True) for a in ("alt", "title", "aria-label")
                  for w in _WORD.findall(str(t.get(a) or ""))}
        source = _source_words((root / path).read_text(encoding="utf-8-sig", errors="replace"))
        if missing := sorted(w for w in source if w not in shown):
            lost[path] = missing[:10]
    assert lost == {}


_IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc="([^"]*)"')


def test_every_image_shown_is_a_file_of_the_site(corpus_build: tuple[BuildResult, Path]) -> None:
    result, site = corpus_build
    sources = Counter(html.unescape(src) for page in _pages(result, site).values() for src in _IMG_SRC.findall(page))
    local = [src for src in sources if not src.startswith(("https://", "http://"))]
    absent = [src for src in local if not (site / unquote(src).lstrip("/")).is_file()]
    assert absent == []
    if Path(result.corpus.root).name == SKYPE.name:  # partner-center-2019 has no image files
        assert len(local) > 500, "the corpus shows its images"


def test_every_image_whose_file_exists_is_shown(corpus_build: tuple[BuildResult, Path]) -> None:
    result, site = corpus_build
    root = Path(result.corpus.root)
    resources = result.corpus.resources
    pages = _pages(result, site)
    unseen = []
    for doc in result.corpus.documents:
        page = pages.get(doc.path)
        if page is None:
            continue
        shown = {unquote(html.unescape(src)) for src in _IMG_SRC.findall(page)}
        for link in doc.links:
            if link.kind != "image" or link.is_external or not link.target:
                continue
            rel = _written(posixpath.dirname(doc.path), link.target)
            exists = not rel.startswith("../") and (root / rel).is_file() and (not resources or rel in resources)
            if exists and "/files/" + rel not in shown:
                unseen.append((doc.path, link.target))
    assert unseen == []



def test_skype_site_links_and_fragments_all_resolve(corpus_build: tuple[BuildResult, Path]) -> None:
    """Issue 21 on skype-2024 (tests/site/test_linkcheck.py does the dev corpus): every internal link of
    the built site names a file of it, and every ``#fragment`` an id of its target page. A fragment the
    target's source never defines (12 such links) is dropped by the site: the link opens the page."""
    result, site = corpus_build
    if Path(result.corpus.root).name != SKYPE.name:
        pytest.skip("skype-2024 only")
    pages, problems = check_site(site, "/")
    assert problems == [], "\n".join(problems[:20])
    assert len(pages) > len(result.corpus.documents)


def test_skype_repository_files_and_redirect_stubs_are_no_problems(corpus_build: tuple[BuildResult, Path]) -> None:
    result, site = corpus_build
    if Path(result.corpus.root).name != SKYPE.name:
        pytest.skip("skype-2024 only")
    root = Path(result.corpus.root)
    stubs = sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*.md")
        if re.search(r"^redirect_url:", p.read_text(encoding="utf-8-sig", errors="replace"), re.M)
    )
    assert [r.path for r in result.corpus.redirects] == stubs
    assert not [p for p in result.corpus.problems if p.path.rsplit("/", 1)[-1] in ("README.md", "SECURITY.md")]
    assert not [p for p in result.corpus.problems if p.path in stubs]
    assert not [d for d in result.corpus.documents if "/includes/" in d.path]
    print(f"\nskype-2024: {len(result.corpus.problems)} problems, {len(stubs)} redirects")
    redirects = result.corpus.redirects
    pages = [site / urls.document_path(r.locale or "", redirect_slug(r)) / "index.html" for r in redirects]
    assert [p for p in pages if not p.is_file()] == []
