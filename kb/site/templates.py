"""Rendering a page to text with the Jinja2 templates of ``site_templates/``: a pure function of the
page's data (:class:`kb.site.views.Page`), so a pool of processes can share the work."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from kb import memos
from kb.ingest.render import render_body
from kb.model import Document
from kb.site.data import TEMPLATES, UI_DEFAULT, Strings, TemplatesMissing
from kb.site.views import CompareRow, CompareView, DocumentView, Page, SiteInfo


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
        # The templates are code (kb.output.incremental.code_version hashes them): a process never
        # sees them change, and checking each one's file time at every include was a stat a page.
        auto_reload=False,
    )
    from kb.site.loops import breadcrumbs_html, switchers_html

    env.globals.update(breadcrumbs=breadcrumbs_html, switchers=switchers_html)
    return env


def compile_templates() -> None:
    """Compile every page template now (and the partials they import): a process about to fork
    workers that render pages shares them, each worker compiled them again otherwise (~0.15 s)."""
    env = environment()
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        env.get_template(name)


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
        from kb.site.loops import finding_groups, findings_html

        has_rows, rows_html = compare_rows_text(page.view.a.document, page.view.b.document, page.chrome.lang, t)
        extra = {
            "rows": () if has_rows else None,
            "rows_html": rows_html,
            "finding_groups": [
                (kind, severity, len(group), findings_html(group, t))
                for kind, severity, group in finding_groups(page.view.findings)
            ],
        }
    template = environment().get_template(page.template)
    return str(template.render(page=page, chrome=page.chrome, view=page.view, site=site, t=t, **extra))


class _Holes:
    """Interface strings as holes: the rows of a compare page are made once for all its locales."""

    def fmt(self, key: str, side: str = "") -> str:
        return f"\x00kb-{key}-{side}\x00"


HOLES = _Holes()
_HOLE = re.compile("\x00kb-([a-z_]+-[AB]?)\x00")


def compare_rows_text(a: Document, b: Document, page_lang: str, t: Strings) -> tuple[bool, Any]:
    """(whether segment alignment is available, the ``<tr>`` of every row) of two documents' compare
    page in the language of ``t``: the bytes :func:`kb.site.loops.compare_rows_html` writes, made once
    per pair with holes for the interface text (a pair has a page in every locale of the site, made
    one after the other)."""
    from markupsafe import Markup

    from kb.site.loops import compare_rows_html, escape

    memo = memos.mapping("compare-rows")
    key = (a.path, a.content_hash, b.path, b.content_hash)
    found = memo.get(key)
    if found is None:
        rows = compare_rows(a, b)
        text = str(compare_rows_html(rows or (), a.locale, b.locale, HOLES.fmt("lang"), HOLES))
        found = (rows is not None, tuple(_HOLE.split(text)))
        memo.add(key, found)
    has_rows, parts = found
    values = {
        "lang-": escape(page_lang),
        "only_in_side-A": escape(t.fmt("only_in_side", side="A")),
        "only_in_side-B": escape(t.fmt("only_in_side", side="B")),
    }
    # (the text between holes at even places, a hole's name at odd ones: one join a page)
    return has_rows, Markup("".join(values[part] if i % 2 else part for i, part in enumerate(parts)))


def compare_rows(a: Document, b: Document) -> tuple[CompareRow, ...] | None:
    """The aligned segments of two documents as rows, or None when segment alignment is unavailable."""
    try:
        from kb.quality.context import aligned_segments  # the checks' memo: a pair they aligned is not redone
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
