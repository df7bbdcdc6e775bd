"""The static cross-language site, rendered with Jinja2 from ``site_templates/`` into ``OUT/site``.

:func:`render_site` is a thin orchestrator: it gathers every page's data first (:mod:`kb.site.pages`, into
the plain frozen dataclasses of :mod:`kb.site.views`, every link already decided), renders each page with
:func:`render_page` (a pure function of that data, so a pool of processes can share the work), then
writes only the files whose content changed. All site paths come from :mod:`kb.urls`.

Pages: ``/`` (the locales), ``/{locale}/`` (navigation from ``TOC.md``, else by title, and the topics
not yet translated), ``/{locale}/{slug}/`` (a document), ``/topics/{id}/`` (locales × editions),
``/compare/{topic}/{a}..{b}/`` (segments side by side), ``/search/`` and ``/search/{locale}/`` (calls
``/api/search`` of ``kb serve``), ``404.html``, ``sitemap.xml`` and ``robots.txt``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb import memos, urls
from kb.errors import InvalidParameter
from kb.ingest.render import render_body
from kb.model import Alignment, Corpus, Document
from kb.output.incremental import Reuse, fingerprint
from kb.site.data import TEMPLATES, UI_DEFAULT, SiteData, Strings, TemplatesMissing
from kb.site.pages import EXTRA_PAGES, Gatherer, check_unique, front_pages, sitemap_entry
from kb.site.views import CompareRow, CompareView, DocumentView, Page, SiteInfo

if TYPE_CHECKING:
    from kb.output.options import BuildOptions


ASSETS = ("site.css", "search.js")


# --- rendering (pure) ----------------------------------------------------------------------------


@functools.cache  # made once a process
def environment() -> Any:
    import jinja2

    if not (TEMPLATES / "base.html").is_file():
        raise TemplatesMissing(f"site templates not found in '{TEMPLATES}'")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_page(page: Page, site: SiteInfo) -> str:
    """The text of one page: a pure function of its data (and the templates)."""
    from markupsafe import Markup

    t = Strings(page.chrome.lang or UI_DEFAULT)
    extra: dict[str, Any] = {}
    if isinstance(page.view, DocumentView):
        doc = page.view.document
        body = render_body(doc.body, page.view.links, page.view.images, t.body_text(), doc.skeleton)
        extra = {"body": Markup(body.html), "h1": Markup(body.h1), "headings": body.headings}
    elif isinstance(page.view, CompareView):
        from kb.site.loops import compare_rows_html, findings_html

        rows = compare_rows(page.view.a.document, page.view.b.document)
        lang_a, lang_b = page.view.a.document.locale, page.view.b.document.locale
        extra = {
            "rows": rows,
            "rows_html": compare_rows_html(rows or (), lang_a, lang_b, page.chrome.lang, t),
            "findings_html": findings_html(page.view.findings, t),
        }
    template = environment().get_template(page.template)
    return str(template.render(page=page, chrome=page.chrome, view=page.view, site=site, t=t, **extra))


def compare_rows(a: Document, b: Document) -> tuple[CompareRow, ...] | None:
    """The aligned segments of two documents as rows, or None when segment alignment is unavailable."""
    try:
        from kb.quality.checks import aligned_segments  # the checks' memo: a pair they aligned is not redone
    except ImportError:
        return None
    rows = []
    for pair in aligned_segments(a, b):
        sa = tuple((r.segment, r.text) for r in pair.a)
        sb = tuple((r.segment, r.text) for r in pair.b)
        status = "matched" if sa and sb else ("only-a" if sa else "only-b")
        rows.append(CompareRow(sa, sb, pair.score, status))
    return tuple(rows)


def _render_chunk(args: tuple[list[Page], SiteInfo]) -> list[tuple[str, str]]:
    pages, site = args
    return [(p.path, render_page(p, site)) for p in pages]


def render_pages(
    pages: Sequence[Page], site: SiteInfo, jobs: int = 1, min_pool: int = 200
) -> Iterator[tuple[str, str]]:
    """(path, text) of every page, in ``jobs`` worker processes when there are ``min_pool`` pages or
    more (below that, starting workers costs more than it saves)."""
    if jobs <= 1 or len(pages) < min_pool:
        for p in pages:
            yield p.path, render_page(p, site)
        return
    size = max(8, len(pages) // (jobs * 4) + 1)
    chunks = [(list(pages[i : i + size]), site) for i in range(0, len(pages), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for rendered in pool.map(_render_chunk, chunks):
            yield from rendered


# --- writing -------------------------------------------------------------------------------------


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written."""
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def asset_urls(base_url: str) -> dict[str, str]:
    out = {}
    for name in ASSETS:
        digest = hashlib.sha256((TEMPLATES / "assets" / name).read_bytes()).hexdigest()[:10]
        out[name] = urls.join(base_url, f"assets/{name}?v={digest}")
    return out


def check_base_url(base_url: str) -> str:
    low = base_url.lower()
    if not (base_url.startswith("/") or low.startswith(("http://", "https://"))):
        raise InvalidParameter(f"--base-url must start with '/' or 'http(s)://', not '{base_url}'")
    if any(c in base_url for c in "\"'<> \\"):
        raise InvalidParameter(f"--base-url contains characters a URL cannot hold: '{base_url}'")
    return base_url if base_url.endswith("/") else base_url + "/"


def render_site(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    """``kb build``'s site output: each topic's pages (hub, documents, compares, and the checks they
    show) are gathered, rendered and written topic by topic in worker processes (:mod:`kb.site.workers`);
    then the pages over the whole site (homes, status, sitemap) here."""
    from kb.site.workers import TopicJob, run_session, run_topics

    base_url = check_base_url(options.base_url)
    if not (TEMPLATES / "base.html").is_file():
        raise TemplatesMissing(f"site templates not found in '{TEMPLATES}'")
    data = SiteData.gather(corpus, alignment, base_url)
    memo = options.session.memo("site") if options.session is not None else None
    if memo is not None:  # anchors of unchanged documents (the same objects) from the previous build
        anchors = memo.setdefault("anchors", {})
        data._anchors.update({p: a for p, (doc, a) in anchors.items() if data.by_path.get(p) is doc})
    site = SiteInfo(base_url, urls.join(base_url, ""), asset_urls(base_url), len(corpus.documents), len(data.locales))
    dest.mkdir(parents=True, exist_ok=True)
    # An incremental build hard-links each page whose data did not change from the previous release
    # and renders only the others (kb.output.incremental): the same bytes as rendering everything.
    reuse = Reuse.between("site", options.previous_release if options.record_state else None, options.recycled)
    g = Gatherer(data)
    for loc in data.locales:
        g.nav(loc)  # before the workers fork, which then share it
    g.checks  # noqa: B018 - the corpus-wide part of the checks, likewise shared
    if memo is None:  # a one-off build: what the checks remembered of texts serves a session's next build
        memos.forget_after("checks")
        memos.release_free_memory()
    job = TopicJob(g, site, dest, reuse, session=memo is not None)
    topics = [t for t in alignment.topics if t.members]
    if memo is not None:
        results = run_session(job, topics, options.jobs, memo.setdefault("topics", {}))
        memo["anchors"] = {p: (data.by_path[p], a) for p, a in data._anchors.items() if p in data.by_path}
    else:
        results = run_topics(job, topics, options.jobs, options.cores_taken)
    for r in results:
        data.images.update(r.images)
        g.counts.update(r.counts)
    front = front_pages(g)
    extra = [p for produce in EXTRA_PAGES for p in produce(g)]
    topic_pages = [pt for r in results for pt in r.pages]
    check_unique([*((p.path, p.template) for p in front), *topic_pages, *((p.path, p.template) for p in extra)])
    entries = [e for p in front if (e := sitemap_entry(p)) is not None]
    entries += [e for r in results for e in r.sitemap]
    entries += [e for p in extra if (e := sitemap_entry(p)) is not None]
    for p in [*front, *extra, *g.sitemaps_of(entries), g.robots()]:
        job.write(p)
    for name in ASSETS:
        asset = (TEMPLATES / "assets" / name).read_bytes()
        if not (reuse.unchanged(f"assets/{name}", fingerprint(asset)) and reuse.take(f"assets/{name}", dest)):
            write_if_changed(dest / "assets" / name, asset)
    root = Path(corpus.root)
    for rel, site_path in sorted(data.images.items()):
        image = (root / rel).read_bytes()
        # written beside and renamed like every file: a hard link shared with another release is
        # never written through
        if not (reuse.unchanged(site_path, fingerprint(image)) and reuse.take(site_path, dest)):
            write_if_changed(dest / site_path, image)
    remove_stale(dest, reuse.stale())
    if options.record_state:
        reuse.save(dest.parent)


def remove_stale(dest: Path, paths: list[str]) -> None:
    """Remove files a recycled release had and this one does not, and the folders they leave empty."""
    for rel in paths:
        path = dest / rel
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        for folder in path.parents:
            if folder == dest:
                break
            try:
                folder.rmdir()
            except OSError:  # not empty (or gone): the folders above are not empty either
                break
