"""``kb build``'s site writer: :func:`render_site` makes ``OUT/site``, the static cross-language site.

It is a thin orchestrator: each topic's pages are gathered as data (:mod:`kb.site.pages`, into the plain
frozen dataclasses of :mod:`kb.site.views`, every link already decided), rendered
(:func:`kb.site.templates.render_page`, a pure function of that data) and written (:mod:`kb.site.files`,
only the files whose content changed) by worker processes (:mod:`kb.site.workers`); the pages over the
whole site (:mod:`kb.site.sitewide`) follow here. All site paths come from :mod:`kb.urls`.

Pages: ``/`` (the locales), and in every locale: ``/{locale}/`` (its docsets' navigation, the main one
first, and the topics not yet translated), ``/{locale}/{slug}/`` (a document), ``/{locale}/toc/{docset}/``
(a docset's whole tree), ``/{locale}/topics/{id}/`` (locales × editions), ``/{locale}/compare/{topic}/{a}..{b}/``
(segments side by side), ``/{locale}/search/`` (calls ``/api/search`` of ``kb serve``),
``/{locale}/translation-status/`` and ``/{locale}/404.html``; ``404.html``, ``sitemap.xml``, ``robots.txt``,
and redirect stubs at the old addresses without a locale (:mod:`kb.site.stubs`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from kb import memos, urls
from kb.errors import InvalidParameter
from kb.ingest import html_rules
from kb.ingest.skeleton import skeleton_version
from kb.model import Alignment, Corpus
from kb.output.incremental import Reuse, code_version, fingerprint
from kb.site.data import TEMPLATES, SiteData, TemplatesMissing
from kb.site.files import remove_stale, write_if_changed
from kb.site.pages import Gatherer
from kb.site.redirects import REDIRECTS_FILE, redirect_pages, redirects_json
from kb.site.sitemaps import robots, sitemap_entry, sitemaps_of
from kb.site.sitewide import EXTRA_PAGES, check_unique, front_pages
from kb.site.templates import compile_templates
from kb.site.views import SiteInfo
from kb.site.workers import TopicJob, run_session, run_topics

if TYPE_CHECKING:
    from kb.output.options import BuildOptions


ASSETS = ("site.css", "search.js", "favicon.svg", "docfx.css", "docfx.js", "status.js")  # docfx.*: kb.ingest.docfx
ROOT_FILES = ("favicon.ico",)
"""Files of the site's root that browsers ask for by name (``/favicon.ico``), copied from the templates."""


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
    base_url = check_base_url(options.base_url)
    if not (TEMPLATES / "base.html").is_file():
        raise TemplatesMissing(f"site templates not found in '{TEMPLATES}'")
    data = SiteData.gather(corpus, alignment, base_url, options.link_base)
    memo = options.session.memo("site") if options.session is not None else None
    if memo is not None:  # anchors of unchanged documents (the same objects) from the previous build
        data.adopt_anchors(memo.setdefault("anchors", {}))
    site = SiteInfo(base_url, urls.join(base_url, ""), asset_urls(base_url), len(corpus.documents), len(data.locales))
    dest.mkdir(parents=True, exist_ok=True)
    # An incremental build hard-links each page whose data did not change from the previous release
    # and renders only the others (kb.output.incremental): the same bytes as rendering everything.
    reuse = Reuse.between("site", options.previous_release if options.record_state else None, options.recycled)
    g = Gatherer(data)
    for loc in data.locales:
        g.nav(loc)  # before the workers fork, which then share it
    g.checks  # noqa: B018 - the corpus-wide part of the checks, likewise shared
    compile_templates()  # likewise: compiled in every worker of every pool otherwise
    html_rules.prepare()
    code_version(), skeleton_version()  # (hashes of kb's files: read again by every worker otherwise)
    if memo is None:  # a one-off build: what the checks remembered of texts serves a session's next build
        memos.forget_after("checks")
        memos.release_free_memory()
    job = TopicJob(g, site, dest, reuse, session=memo is not None)
    topics = [t for t in alignment.topics if t.members]
    if memo is not None:
        results = run_session(job, topics, options.jobs, memo.setdefault("topics", {}))
        memo["anchors"] = data.found_anchors()
    else:
        results = run_topics(job, topics, options.jobs, options.cores_taken)
    for r in results:
        data.images.update(r.images)
        g.counts.update(r.counts)
    front = front_pages(g)
    extra = [p for produce in EXTRA_PAGES for p in produce(g)]
    moved, same_site = redirect_pages(data)
    extra += moved  # noindex: never in the sitemap
    topic_pages = [pt for r in results for pt in r.pages]
    check_unique([*((p.path, p.template) for p in front), *topic_pages, *((p.path, p.template) for p in extra)])
    entries = [e for p in front if (e := sitemap_entry(p)) is not None]
    entries += [e for r in results for e in r.sitemap]
    entries += [e for p in extra if (e := sitemap_entry(p)) is not None]
    for p in [*front, *extra, *sitemaps_of(data, entries), robots(data)]:
        job.write(p)
    if same_site:  # what kb serve answers 301 from; a site without redirect_url stubs has none
        moves = redirects_json(data, same_site)
        if not (reuse.unchanged(REDIRECTS_FILE, fingerprint(moves)) and reuse.take(REDIRECTS_FILE, dest)):
            write_if_changed(dest / REDIRECTS_FILE, moves)
    for rel in [f"assets/{name}" for name in ASSETS] + list(ROOT_FILES):
        asset = (TEMPLATES / rel).read_bytes()
        if not (reuse.unchanged(rel, fingerprint(asset)) and reuse.take(rel, dest)):
            write_if_changed(dest / rel, asset)
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

