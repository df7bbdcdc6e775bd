"""Document body → safe HTML for the site, from the same DocFX markdown-it parser that ingest uses.

The site decides where every link goes (:class:`LinkTarget`, gathered before rendering);
:func:`render_body` turns a body and those decisions into HTML with the rules of
:mod:`kb.ingest.html_rules` (alerts styled by kind, heading ids kept, HTML blocks kept with the Markdown
inside HTML cells rendered too, links pointed at their pages or marked as not in the corpus, images
with alt text), from the body's skeleton when ingest made one (:mod:`kb.ingest.skeleton`: the same
HTML, without parsing again), else from the Markdown. Everything then goes through nh3
(:func:`sanitize`), so no script, event handler, ``javascript:`` URL or iframe from a document
reaches a page.

:func:`render_body` is a pure function of picklable data, so pages can be rendered in worker processes.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import nh3

from kb.ingest import markdown
from kb.ingest.html_rules import (
    BodyText,
    Heading,
    LinkStatus,
    LinkTarget,
    RenderState,
    SiteRenderer,
    heading_ids,
    headings_of,
    join_html_lists,
    leading_h1,
)
from kb.ingest.skeleton import fill_holes, unpack_skeleton
from kb.model import Document

# The site names the renderer's vocabulary (defined in kb.ingest.html_rules) from here, with the renderer.
__all__ = ["BodyText", "LinkStatus", "LinkTarget", "RenderedBody", "page_anchors", "render_body", "sanitize",
           "scrollable_tables"]

# (stops at the next "<": linear in the body, where "[^>]*?" read a hostile "<a <a <a …" quadratically)
_START_TAG = re.compile(r"<([a-zA-Z][\w-]*)([^<>]*)")
_ID_ATTR = re.compile(r"""(?:^|\s)id\s*=\s*["']([^"'<>]+)["']""", re.I)
_NAME_ATTR = re.compile(r"""(?:^|\s)name\s*=\s*["']([^"'<>]+)["']""", re.I)


def anchor_ids(body: str) -> set[str]:
    """The fragments raw HTML written in a body gives an element for: the ``id`` of any element (a
    landing page's ``<ul id="products">``) and the ``name`` of an ``<a>``."""
    found = set()
    for tag, attrs in _START_TAG.findall(body):
        if m := _ID_ATTR.search(attrs):
            found.add(m.group(1))
        if tag.lower() == "a" and (m := _NAME_ATTR.search(attrs)):
            found.add(m.group(1))
    return found


def page_anchors(doc: Document) -> frozenset[str]:
    """The fragments a document's page has an element for: its headings' ids (every anchor of a heading
    is kept) and what raw HTML in its body names (:func:`anchor_ids`)."""
    return frozenset({s.anchor for s in doc.headings if s.anchor} | anchor_ids(doc.body))


@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: str
    """Sanitised HTML of the body (without its leading ``<h1>``, which is in :attr:`h1`)."""
    headings: tuple[Heading, ...]
    """Every Markdown heading with its id, in order (for an on-page table of contents)."""
    h1: str = ""
    """Sanitised HTML of the ``<h1>`` the body starts with, or empty (the page then shows the title);
    kept apart so a page can put the date and notices under the title."""


# --- sanitising ----------------------------------------------------------------------------------

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "col": {"span", "width"},
    "colgroup": {"span"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "pre": {"tabindex"},
    "section": {"data-tab"},  # a tab panel's id (kb.ingest.docfx), read by docfx.js
}
_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(fragment: str) -> str:
    """Keep structure and text; drop scripts, styles, event handlers, iframes and unsafe URLs."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        clean_content_tags={
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "template",
            "noscript",
            "svg",
            "math",
        },
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,  # rel is set on external links only (internal ones must stay plain)
        strip_comments=True,
    )


# --- entry point ---------------------------------------------------------------------------------

_RENDERER: SiteRenderer | None = None


def _renderer() -> SiteRenderer:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = SiteRenderer(markdown.parser())
    return _RENDERER


def render_body(
    body: str,
    links: Mapping[str, LinkTarget] | None = None,
    images: Mapping[str, str] | None = None,
    text: BodyText | None = None,
    skeleton: bytes | None = None,
) -> RenderedBody:
    """Render a document body (Markdown after the front matter) to sanitised HTML.

    ``links`` maps each href as written to the site's decision; ``images`` maps image sources to the
    URLs of copies on the site. Hrefs not in ``links`` are external, fragments, or missing.
    ``skeleton`` (:func:`kb.ingest.skeleton.pack_skeleton` of the body's tokens, made by ingest) spares
    parsing again."""
    state = RenderState(links or {}, images or {}, text or BodyText())
    found = unpack_skeleton(skeleton) if skeleton else None
    if found is not None:
        state.ids.update(found.ids)
        state.headings.update((h.id, h.text) for h in found.headings)
        h1 = sanitize(fill_holes(found.h1, found.h1_holes, state)) if found.h1 is not None else ""
        raw = fill_holes(found.parts, found.holes, state)
        return RenderedBody(scrollable_tables(sanitize(raw)), found.headings, h1)
    tokens = join_html_lists(markdown.parse(body))
    options = markdown.parser().options
    state.ids.update(heading_ids(tokens))
    h1 = ""
    start = leading_h1(tokens)
    if start is not None:
        h1 = sanitize(_renderer().render(tokens[start : start + 3], options, {"kb": state}))
        tokens = tokens[:start] + tokens[start + 3 :]
    headings = headings_of(tokens)
    state.headings.update((h.id, h.text) for h in headings)
    env: dict[str, Any] = {"kb": state}
    raw = _renderer().render(tokens, options, env)
    return RenderedBody(scrollable_tables(sanitize(raw)), headings, h1)


_TABLE_OPEN = re.compile(r"<table\b")
_TABLE_CLOSE = re.compile(r"</table>")


def scrollable_tables(fragment: str) -> str:
    """Wrap each table of sanitised HTML in a focusable scroll box, so a wide table scrolls on its own
    (by keyboard too) instead of widening the page. Runs after nh3, which drops ``tabindex`` on divs."""
    fragment = _TABLE_OPEN.sub('<div class="table-scroll" tabindex="0"><table', fragment)
    return _TABLE_CLOSE.sub("</table></div>", fragment)
