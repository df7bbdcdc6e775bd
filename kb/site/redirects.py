"""Redirects: each ``redirect_url`` stub of the corpus (:class:`kb.model.Redirect`) becomes a page at
``/{locale}/{slug}/`` that browsers leave at once for the target (``<meta http-equiv="refresh">``, with
a canonical link to it), never in the sitemap or the search index, and an entry of ``redirects.json``,
from which ``kb serve`` answers 301 (:mod:`kb.serve.static`), to a path of the site only.

The target is the document the stub names (ingest resolved a relative ``redirect_url`` as DocFX does),
else a site-absolute path (``/azure/…``) on the link base, else an external ``https`` URL, which the
page names and marks as external (kb serve never redirects off the site).
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from kb import urls
from kb.ingest.html_rules import LinkStatus
from kb.model import Redirect
from kb.site.data import UI_DEFAULT, SiteData
from kb.site.views import Chrome, Page, RedirectView

REDIRECTS_FILE = "redirects.json"
"""Site path of the map ``kb serve`` answers 301 from: {site path of a stub's page: site path of its target}."""


def redirect_slug(stub: Redirect) -> str:
    """``pt-br/Skype/optimizing-your-network/index.md`` → ``skype-optimizing-your-network``."""
    from kb.locales import strip_locale_folder

    path = PurePosixPath(strip_locale_folder(stub.path)).with_suffix("")
    parts = path.parts[:-1] if path.name.lower() == "index" and len(path.parts) > 1 else path.parts
    return re.sub(r"[^a-z0-9]+", "-", "/".join(parts).lower()).strip("-") or "index"


def _target(data: SiteData, stub: Redirect, locale: str) -> RedirectView:
    doc = data.by_path.get(stub.target_path) if stub.target_path else None
    if doc is None and stub.target.startswith("/"):
        doc = data.resolve_published(locale, stub.target.split("#")[0].split("?")[0])
    if doc is not None and doc.path in data.member_of:
        topic, member = data.member_of[doc.path]
        return RedirectView(data.doc_url(member), doc.title, refresh=True)
    low = stub.target.lower()
    if low.startswith(("https://", "http://")):
        return RedirectView(stub.target, stub.target, external=True, refresh=low.startswith("https://"))
    if stub.target.startswith("/") and (elsewhere := data.elsewhere(locale, stub.target)) is not None:
        href = elsewhere.href
        assert elsewhere.status is LinkStatus.EXTERNAL and href is not None
        return RedirectView(href, href, external=True, refresh=href.lower().startswith("https://"))
    return RedirectView(None, stub.target)


def redirect_pages(data: SiteData) -> tuple[list[Page], dict[str, str]]:
    """(the stubs' pages, the map of ``redirects.json``: stub page path → target site path, for the
    targets on this site). A stub whose page path a document already has gets no page."""
    taken = {urls.document_path(m.document.locale, m.slug) for t in data.alignment.topics for m in t.members}
    pages: list[Page] = []
    same_site: dict[str, str] = {}
    for stub in data.corpus.redirects:
        target_doc = data.by_path.get(stub.target_path) if stub.target_path else None
        locale = stub.locale or (target_doc.locale if target_doc else UI_DEFAULT)
        slug = redirect_slug(stub)
        path = urls.document_path(locale, slug)
        if path in taken or slug in urls.RESERVED_SLUGS:  # a document's, or one of the site's own folders
            continue
        taken.add(path)
        view = _target(data, stub, locale)
        chrome = Chrome(lang=locale, title=view.label, canonical=view.href or "", noindex=True)
        pages.append(Page(path + "index.html", "redirect.html", chrome, view))
        if view.href and not view.external:
            same_site[path] = view.href
    return pages, same_site


def redirects_json(data: SiteData, same_site: dict[str, str]) -> bytes:
    """``redirects.json``: each stub page's site path (no leading ``/``) → its target's path on the site
    (without the base URL), for ``kb serve``."""
    base = data.url("")
    out = {path: href[len(base):] for path, href in sorted(same_site.items()) if href.startswith(base)}
    return json.dumps(out, ensure_ascii=False, indent=0, sort_keys=True).encode()
