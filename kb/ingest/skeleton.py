"""Skeletons: a body rendered once at ingest, without the site, with holes where the site decides.

:func:`pack_skeleton` renders a body's tokens with :class:`kb.ingest.html_rules.SiteRenderer`'s rules
except those that depend on the site (links, images, alerts, raw HTML), which leave holes recording
their token's data; the compressed skeleton is kept beside the document
(:attr:`kb.model.Document.skeleton`). :func:`fill_holes` fills them in order with the same rules
(``rule_*`` of :mod:`kb.ingest.html_rules`), so :func:`kb.ingest.render.render_body` gives exactly
the HTML that rendering from the Markdown gives, without parsing the body again.
:func:`skeleton_version` hashes the code that renders, so another code's skeleton is never used.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from kb.ingest import markdown
from kb.ingest.html_rules import (
    Heading,
    RenderState,
    SiteRenderer,
    heading_ids,
    headings_of,
    image_args,
    join_html_lists,
    leading_h1,
    link_is_empty,
    quote_args,
    render_html,
    rule_alert_label,
    rule_blockquote_close,
    rule_blockquote_open,
    rule_html_inline,
    rule_image,
    rule_link_close,
    rule_link_open,
)

_HOLE = "\ue000"
"""Stands in the skeleton's HTML for the output of a site-dependent rule (a private-use character; a
body whose HTML already holds one gets no skeleton)."""

Hole = tuple[str, ...]
"""A site-dependent rule and its token's data: ``("link_open", href, "empty" or "")``, ``("link_close",)``,
``("image", src, alt, classes, lightbox)``, ``("quote_open", alert, div)`` (empty strings for None, plus a flag),
``("quote_close",)``, ``("alert_label", kind)``, ``("html_block", content)``, ``("html_inline", content)``."""


@dataclass(frozen=True, slots=True)
class BodySkeleton:
    """A body's HTML with holes where the site decides (links, images, alerts, raw HTML): the tokens
    are rendered here once, and :func:`kb.ingest.render.render_body` fills the holes in order with the
    same rules, so the HTML is exactly what rendering from the Markdown gives."""

    version: str
    """:func:`skeleton_version` of the code that made it: another code's skeleton is not used."""
    parts: tuple[str, ...]
    """HTML between the holes of the body (one more than ``holes``)."""
    holes: tuple[Hole, ...]
    h1: tuple[str, ...] | None
    """The same for the leading ``<h1>``, rendered apart; None when the body has none."""
    h1_holes: tuple[Hole, ...]
    headings: tuple[Heading, ...]
    ids: tuple[str, ...]
    """The headings' ids (anchors in raw HTML never repeat them)."""


RENDERING_MODULES = ("render.py", "html_rules.py", "skeleton.py", "markdown.py", "docfx.py", "exl.py", "htmlblocks.py",
                     "highlight.py", "verbatim.py")
"""The modules of ``kb/ingest`` whose code a body's HTML comes from: every one the renderer imports
from ``kb.ingest`` (``tests/ingest/test_skeleton.py`` holds this list to the imports)."""


@functools.cache
def skeleton_version() -> str:
    """A hash of the code a skeleton's HTML comes from (:data:`RENDERING_MODULES`) and of the libraries
    it uses: a skeleton made by other code is not used."""
    h = hashlib.sha256()
    for name in RENDERING_MODULES:
        h.update((Path(__file__).resolve().parent / name).read_bytes())
    for lib in ("markdown-it-py", "mdit-py-plugins", "beautifulsoup4", "nh3", "Pygments"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{lib}={metadata.version(lib)}".encode())
    return h.hexdigest()[:16]


class _SkeletonRenderer(SiteRenderer):
    """Renders the site-dependent rules as holes (recorded in ``env["holes"]``)."""

    def _hole(self, env: EnvType, *hole: str) -> str:
        env["holes"].append(hole)
        return _HOLE

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "link_open", str(tokens[idx].attrGet("href") or ""), link_is_empty(tokens, idx))

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "link_close")

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return self._hole(env, "image", str(tok.attrGet("src") or ""), alt, *image_args(tok))

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        alert, div = quote_args(tokens[idx])
        return self._hole(env, "quote_open", alert or "", div or "", "div" if div is not None else "")

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "quote_close")

    def alert_label(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "alert_label", str((tokens[idx].meta or {}).get("alert", "NOTE")))

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "html_block", tokens[idx].content)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "html_inline", tokens[idx].content)


_SKELETON_RENDERER: _SkeletonRenderer | None = None


def _split(tokens: list[Token]) -> tuple[tuple[str, ...], tuple[Hole, ...]] | None:
    global _SKELETON_RENDERER
    if _SKELETON_RENDERER is None:
        _SKELETON_RENDERER = _SkeletonRenderer(markdown.parser())
    env: dict[str, Any] = {"holes": []}
    out = _SKELETON_RENDERER.render(tokens, markdown.parser().options, env)
    parts = tuple(out.split(_HOLE))
    holes = tuple(env["holes"])
    return (parts, holes) if len(parts) == len(holes) + 1 else None


def pack_skeleton(tokens: list[Token]) -> bytes | None:
    """The skeleton of a body from its tokens (which it may change), compressed: it is kept beside the
    document (:attr:`kb.model.Document.skeleton`) for as long as the document. None when there is none;
    never raises (ingest calls it, and the site can always render from the Markdown instead)."""
    try:
        return _pack(tokens)
    except Exception:
        return None


def _pack(tokens: list[Token]) -> bytes | None:
    tokens = join_html_lists(tokens)
    ids = heading_ids(tokens)
    h1: tuple[tuple[str, ...], tuple[Hole, ...]] | None = None
    start = leading_h1(tokens)
    if start is not None:
        h1 = _split(tokens[start : start + 3])
        if h1 is None:
            return None
        tokens = tokens[:start] + tokens[start + 3 :]
    body = _split(tokens)
    if body is None:
        return None
    skeleton = BodySkeleton(
        skeleton_version(), body[0], body[1], h1[0] if h1 else None, h1[1] if h1 else (), headings_of(tokens), ids
    )
    return zlib.compress(pickle.dumps(skeleton, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack_skeleton(data: bytes) -> BodySkeleton | None:
    """The skeleton :func:`pack_skeleton` made, if this code made it."""
    try:
        skeleton = pickle.loads(zlib.decompress(data))
    except Exception:  # a skeleton of other code: rendering from the Markdown is only slower
        return None
    if not isinstance(skeleton, BodySkeleton) or skeleton.version != skeleton_version():
        return None
    return skeleton


def fill_holes(parts: Sequence[str], holes: Sequence[Hole], st: RenderState) -> str:
    """The HTML of a skeleton with every hole filled, in order, by its rule."""
    out = [parts[0]]
    for hole, part in zip(holes, parts[1:], strict=True):
        out.append(_FILL[hole[0]](st, *hole[1:]))
        out.append(part)
    return "".join(out)


def _fill_quote(st: RenderState, alert: str, div: str, has_div: str) -> str:
    return rule_blockquote_open(st, alert or None, div if has_div else None)


_FILL: dict[str, Any] = {
    "link_open": rule_link_open,
    "link_close": rule_link_close,
    "image": rule_image,
    "quote_open": _fill_quote,
    "quote_close": rule_blockquote_close,
    "alert_label": rule_alert_label,
    "html_block": lambda st, content: render_html(content, st),
    "html_inline": lambda st, content: rule_html_inline(content, st),
}
