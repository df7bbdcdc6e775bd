"""Document body → safe HTML for the site, from the same DocFX markdown-it parser that ingest uses.

The site decides where every link goes (:class:`LinkTarget`, gathered before rendering); this module
only turns a body and those decisions into HTML: alerts styled by kind, heading ids kept, HTML blocks
kept with the Markdown that writers put inside HTML cells rendered too, links pointed at their pages
or marked as not in the corpus, images with alt text. Everything then goes through nh3, so no script,
event handler, ``javascript:`` URL or iframe from a document reaches a page.

:func:`render_body` is a pure function of picklable data, so pages can be rendered in worker processes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import pickle
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any

import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from kb.ingest import markdown


class LinkStatus(StrEnum):
    """What a link in a document leads to on the site."""

    PAGE = "page"
    """An article of the corpus, in the page's locale (and edition when it has one)."""
    OTHER_LOCALE = "other-locale"
    """An article of the corpus that is not translated into the page's locale: its topic hub."""
    MISSING = "missing"
    """An article, file or site path that is not in the corpus: shown as such, never a 404."""
    EXTERNAL = "external"
    """An absolute URL elsewhere."""
    ANCHOR = "anchor"
    """A fragment of the same page."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where one link of a document goes, decided by the site before rendering."""

    status: LinkStatus
    href: str | None = None
    """The URL to use (a site URL, an external URL or ``#fragment``); None for a missing target."""
    title: str = ""
    """A tooltip: the target's title, or why the target is not there."""


@dataclass(frozen=True, slots=True)
class BodyText:
    """The words the renderer adds to a body, in the page's language."""

    alerts: Mapping[str, str] = field(
        default_factory=lambda: {
            "NOTE": "Note",
            "TIP": "Tip",
            "IMPORTANT": "Important",
            "WARNING": "Warning",
            "CAUTION": "Caution",
        }
    )
    """Alert titles by kind (``NOTE`` → ``Note``)."""
    missing_link: str = "not in this knowledge base"
    """Said (visually hidden) after the text of a link whose target is not in the corpus."""
    missing_image: str = "image not available"
    """Said beside the alt text of an image that is not in the corpus."""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str


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


# --- links and images ----------------------------------------------------------------------------


def _is_external(href: str) -> bool:
    return href.lower().startswith(("http:", "https:", "mailto:", "//", "ftp:"))


def target_of(href: str, links: Mapping[str, LinkTarget]) -> LinkTarget:
    """The site's decision for ``href``; an href the site did not decide on is external, a fragment,
    or (for anything else, including ``javascript:``) missing."""
    found = links.get(href)
    if found is not None:
        return found
    if href.startswith("#"):
        return LinkTarget(LinkStatus.ANCHOR, href)
    if _is_external(href):
        return LinkTarget(LinkStatus.EXTERNAL, href)
    return LinkTarget(LinkStatus.MISSING, None, href)


def _attrs(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in pairs)


def open_link(target: LinkTarget) -> tuple[str, str]:
    """The opening and closing tags for a link to ``target``."""
    if target.status is LinkStatus.MISSING or target.href is None:
        return f'<span class="link-missing"{_attrs([("title", target.title)])}>', "</span>"
    pairs: list[tuple[str, str]] = [("href", target.href)]
    if target.status is LinkStatus.EXTERNAL:
        pairs += [("class", "link-external"), ("rel", "noopener noreferrer")]
    elif target.status is LinkStatus.OTHER_LOCALE:
        pairs.append(("class", "link-other-locale"))
    if target.title:
        pairs.append(("title", target.title))
    return f"<a{_attrs(pairs)}>", "</a>"


def missing_suffix(text: BodyText) -> str:
    return f'<span class="visually-hidden"> ({html.escape(text.missing_link)})</span>'


def image_html(src: str, alt: str, images: Mapping[str, str], text: BodyText) -> str:
    """An ``<img>`` for an image the site has, else its alt text marked as not available."""
    url = images.get(src) or (src if src.lower().startswith(("http:", "https:")) else None)
    if url:
        return f"<img{_attrs([('src', url), ('alt', alt), ('loading', 'lazy')])}>"
    label = f"{alt} ({text.missing_image})" if alt else text.missing_image
    attrs = _attrs([("aria-label", label), ("title", src)])
    return f'<span class="image-missing" role="img"{attrs}>{html.escape(alt or text.missing_image)}</span>'


# --- the Markdown renderer -----------------------------------------------------------------------


@dataclass
class _State:
    """Per-render state kept in markdown-it's ``env``: what each open element has to close with."""

    links: Mapping[str, LinkTarget]
    images: Mapping[str, str]
    text: BodyText
    ids: set[str] = field(default_factory=set)
    """Ids already on the page (headings first), so an anchor never repeats one."""
    closers: list[str] = field(default_factory=list)
    blockquotes: list[str] = field(default_factory=list)
    html_links: list[str] = field(default_factory=list)


def _state(env: EnvType) -> _State:
    state = env["kb"]
    assert isinstance(state, _State)
    return state


# The rules whose output depends on the site (where links go, which images exist, the page's words,
# ids already used): each is a function of its token's data and the render state, so that a body can
# be rendered once without the site (:class:`BodySkeleton`, in ingest) and these filled in later.


def _link_tags(st: _State, href: str) -> tuple[str, str]:
    """The opening tag of a link to ``href`` and what closes it (with the missing-page mark)."""
    target = target_of(href, st.links)
    opening, closing = open_link(target)
    if target.status is LinkStatus.MISSING:
        closing = missing_suffix(st.text) + closing
    return opening, closing


def _link_open(st: _State, href: str) -> str:
    opening, closing = _link_tags(st, href)
    st.closers.append(closing)
    return opening


def _link_close(st: _State) -> str:
    return st.closers.pop() if st.closers else "</a>"


def _image(st: _State, src: str, alt: str) -> str:
    return image_html(src, alt, st.images, st.text)


def _blockquote_open(st: _State, alert: str | None, div: str | None) -> str:
    if alert:
        title = st.text.alerts.get(alert, alert.title())
        st.blockquotes.append("</div>\n")
        return (
            f'<div class="alert alert-{alert.lower()}" role="note"{_attrs([("aria-label", title)])}>\n'
            f'<p class="alert-title">{html.escape(title)}</p>\n'
        )
    if div is not None:
        st.blockquotes.append("</div>\n")
        classes = " ".join(["docfx-div", *div.split()])
        return f"<div{_attrs([('class', classes)])}>\n"
    st.blockquotes.append("</blockquote>\n")
    return "<blockquote>\n"


def _blockquote_close(st: _State) -> str:
    return st.blockquotes.pop() if st.blockquotes else "</blockquote>\n"


def _quote_args(tok: Token) -> tuple[str | None, str | None]:
    meta = tok.meta or {}
    return (str(meta["alert"]) if meta.get("alert") else None), (str(meta["div"]) if "div" in meta else None)


class SiteRenderer(RendererHTML):
    """markdown-it's HTML renderer with the site's rules for links, images, alerts and raw HTML."""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _link_open(_state(env), str(tokens[idx].attrGet("href") or ""))

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _link_close(_state(env))

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return _image(_state(env), str(tok.attrGet("src") or ""), alt)

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _blockquote_open(_state(env), *_quote_args(tokens[idx]))

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _blockquote_close(_state(env))

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return render_html(tokens[idx].content, _state(env))

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _html_inline(tokens[idx].content, _state(env))

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        lang = tok.info.strip().split(maxsplit=1)[0] if tok.info.strip() else ""
        cls = f' class="language-{html.escape(lang)}"' if lang else ""
        return f'<pre tabindex="0"><code{cls}>{html.escape(tok.content)}</code></pre>\n'


_HTML_A_OPEN = re.compile(r"""^<a\b(?P<attrs>[^>]*)>$""", re.I | re.S)
_HTML_ATTR = re.compile(
    r"""\b(?P<name>href|id|name)\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s>]+))""", re.I
)
_HTML_IMG = re.compile(r"^<img\b", re.I)


def _html_attrs(attrs: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _HTML_ATTR.finditer(attrs):
        value = (
            m.group("d")
            if m.group("d") is not None
            else m.group("s")
            if m.group("s") is not None
            else m.group("u")
        )
        out.setdefault(m.group("name").lower(), html.unescape(value or ""))
    return out


def _anchor(st: _State, name: str) -> str:
    """A fragment target for ``<a name>`` / ``<a href="" id>``, unless a heading already has that id."""
    if not name or name in st.ids:
        return ""
    st.ids.add(name)
    return f"<span{_attrs([('id', name)])}></span>"


def _html_inline(content: str, st: _State) -> str:
    """Inline raw HTML: ``<a href>`` and ``<img>`` go through the same decisions as Markdown ones;
    anchors (``<a name>``, ``<a href="" id>``) become ids."""
    m = _HTML_A_OPEN.match(content.strip())
    if m:
        attrs = _html_attrs(m.group("attrs"))
        href = attrs.get("href", "")
        if not href:
            st.html_links.append("")
            return _anchor(st, attrs.get("id") or attrs.get("name") or "")
        opening, closing = _link_tags(st, href)
        st.html_links.append(closing)
        return opening
    if content.strip().lower() == "</a>":
        return st.html_links.pop() if st.html_links else ""
    if _HTML_IMG.match(content.strip()):
        tag = BeautifulSoup(content, "html.parser").find("img")
        if isinstance(tag, Tag):
            return image_html(str(tag.get("src") or ""), str(tag.get("alt") or ""), st.images, st.text)
    return content


# Markdown inside HTML text: inline only, and with raw HTML off (BeautifulSoup already decoded the
# text's entities, so ``&lt;b&gt;`` must not become a tag).
_INLINE: MarkdownIt | None = None
_MARKDOWN_HINT = re.compile(r"\[[^\]]*\]\([^)]*\)|`[^`]+`|\*\*?[^*\s][^*]*\*|\b_[^_]+_\b|!\[")


def _inline_parser() -> MarkdownIt:
    global _INLINE
    if _INLINE is None:
        _INLINE = MarkdownIt("commonmark", {"html": False}, renderer_cls=SiteRenderer)
        _INLINE.enable(["strikethrough"])
    return _INLINE


def render_html(content: str, st: _State) -> str:
    """A raw HTML block with its links resolved and the Markdown inside its text rendered."""
    soup = BeautifulSoup(content, "html.parser")
    for a in soup.find_all("a"):
        href = str(a.get("href") or "")
        if not href:
            anchor = _anchor(st, str(a.get("id") or a.get("name") or ""))
            if anchor or a.contents:
                a.replace_with(BeautifulSoup(anchor + a.decode_contents(), "html.parser"))
            else:
                a.decompose()
            continue
        target = target_of(href, st.links)
        a.replace_with(_link_element(soup, a, target, st.text))
    for img in soup.find_all("img"):
        img.replace_with(
            BeautifulSoup(
                image_html(str(img.get("src") or ""), str(img.get("alt") or ""), st.images, st.text),
                "html.parser",
            )
        )
    for node in list(soup.find_all(string=True)):
        if type(node) is not NavigableString or not _MARKDOWN_HINT.search(str(node)):
            continue
        if node.find_parent(["code", "pre", "a", "script", "style"]) is not None:
            continue
        rendered = _inline_parser().renderInline(str(node), {"kb": st})
        node.replace_with(BeautifulSoup(rendered, "html.parser"))
    return str(soup)


def _link_element(soup: BeautifulSoup, a: Tag, target: LinkTarget, text: BodyText) -> Tag:
    opening, closing = open_link(target)
    inner = a.decode_contents()
    if target.status is LinkStatus.MISSING:
        closing = missing_suffix(text) + closing
    new = BeautifulSoup(opening + inner + closing, "html.parser")
    first = next(c for c in new.children if isinstance(c, Tag))
    return first


# --- entry point ---------------------------------------------------------------------------------

_RENDERER: SiteRenderer | None = None


def _renderer() -> SiteRenderer:
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = SiteRenderer(markdown.parser())
    return _RENDERER


def _headings(tokens: list[Token]) -> tuple[Heading, ...]:
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            text = "".join(
                c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline")
            )
            out.append(Heading(int(tok.tag[1]), str(tok.attrGet("id") or ""), " ".join(text.split())))
    return tuple(out)


_LIST_OPEN = re.compile(r"<(?:ol|ul|dl)\b", re.I)
_LIST_CLOSE = re.compile(r"</(?:ol|ul|dl)\s*>", re.I)


def join_html_lists(tokens: list[Token]) -> list[Token]:
    """Join an HTML list that blank lines cut into several HTML blocks back into one block.

    CommonMark ends a raw HTML block at a blank line, DocFX does not: ``<ol>``, blank line, ``<li>``…
    would otherwise become a closed empty list followed by stray list items."""
    out: list[Token] = []
    depth = 0
    for tok in tokens:
        if tok.type == "html_block" and depth > 0 and out and out[-1].type == "html_block":
            out[-1].content += "\n" + tok.content
        else:
            depth = 0
            out.append(tok)
        if tok.type == "html_block":
            depth += len(_LIST_OPEN.findall(tok.content)) - len(_LIST_CLOSE.findall(tok.content))
    return out


def _leading_h1(tokens: list[Token]) -> int | None:
    """Index of the ``heading_open`` of an ``<h1>`` that starts the body (after anchor-only HTML)."""
    for i, tok in enumerate(tokens):
        if tok.type == "html_block" and not BeautifulSoup(tok.content, "html.parser").get_text().strip():
            continue
        return i if tok.type == "heading_open" and tok.tag == "h1" else None
    return None


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
    ``skeleton`` (:func:`pack_skeleton` of the body's tokens, made by ingest) spares parsing again."""
    state = _State(links or {}, images or {}, text or BodyText())
    found = unpack_skeleton(skeleton) if skeleton else None
    if found is not None:
        state.ids.update(found.ids)
        h1 = sanitize(_fill(found.h1, found.h1_holes, state)) if found.h1 is not None else ""
        raw = _fill(found.parts, found.holes, state)
        return RenderedBody(scrollable_tables(sanitize(raw)), found.headings, h1)
    tokens = join_html_lists(markdown.parse(body))
    options = markdown.parser().options
    state.ids.update(_heading_ids(tokens))
    h1 = ""
    start = _leading_h1(tokens)
    if start is not None:
        h1 = sanitize(_renderer().render(tokens[start : start + 3], options, {"kb": state}))
        tokens = tokens[:start] + tokens[start + 3 :]
    env: dict[str, Any] = {"kb": state}
    raw = _renderer().render(tokens, options, env)
    return RenderedBody(scrollable_tables(sanitize(raw)), _headings(tokens), h1)


def _heading_ids(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(str(t.attrGet("id")) for t in tokens if t.type == "heading_open" and t.attrGet("id"))


# --- skeletons: a body rendered once, without the site --------------------------------------------

_HOLE = "\ue000"
"""Stands in the skeleton's HTML for the output of a site-dependent rule (a private-use character; a
body whose HTML already holds one gets no skeleton)."""

Hole = tuple[str, ...]
"""A site-dependent rule and its token's data: ``("link_open", href)``, ``("link_close",)``,
``("image", src, alt)``, ``("quote_open", alert, div)`` (empty strings for None, plus a flag),
``("quote_close",)``, ``("html_block", content)``, ``("html_inline", content)``."""


@dataclass(frozen=True, slots=True)
class BodySkeleton:
    """A body's HTML with holes where the site decides (links, images, alerts, raw HTML): the tokens
    are rendered here once, and :func:`render_body` fills the holes in order with the same rules, so
    the HTML is exactly what rendering from the Markdown gives."""

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


@functools.cache
def skeleton_version() -> str:
    h = hashlib.sha256()
    for name in ("render.py", "markdown.py"):
        h.update((Path(__file__).resolve().parent / name).read_bytes())
    for lib in ("markdown-it-py", "mdit-py-plugins", "beautifulsoup4", "nh3"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{lib}={metadata.version(lib)}".encode())
    return h.hexdigest()[:16]


class _SkeletonRenderer(SiteRenderer):
    """Renders the site-dependent rules as holes (recorded in ``env["holes"]``)."""

    def _hole(self, env: EnvType, *hole: str) -> str:
        env["holes"].append(hole)
        return _HOLE

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "link_open", str(tokens[idx].attrGet("href") or ""))

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "link_close")

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return self._hole(env, "image", str(tok.attrGet("src") or ""), alt)

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        alert, div = _quote_args(tokens[idx])
        return self._hole(env, "quote_open", alert or "", div or "", "div" if div is not None else "")

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._hole(env, "quote_close")

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
    ids = _heading_ids(tokens)
    h1: tuple[tuple[str, ...], tuple[Hole, ...]] | None = None
    start = _leading_h1(tokens)
    if start is not None:
        h1 = _split(tokens[start : start + 3])
        if h1 is None:
            return None
        tokens = tokens[:start] + tokens[start + 3 :]
    body = _split(tokens)
    if body is None:
        return None
    skeleton = BodySkeleton(
        skeleton_version(), body[0], body[1], h1[0] if h1 else None, h1[1] if h1 else (), _headings(tokens), ids
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


def _fill(parts: Sequence[str], holes: Sequence[Hole], st: _State) -> str:
    """The HTML of a skeleton with every hole filled, in order, by its rule."""
    out = [parts[0]]
    for hole, part in zip(holes, parts[1:], strict=True):
        out.append(_FILL[hole[0]](st, *hole[1:]))
        out.append(part)
    return "".join(out)


def _fill_quote(st: _State, alert: str, div: str, has_div: str) -> str:
    return _blockquote_open(st, alert or None, div if has_div else None)


_FILL: dict[str, Any] = {
    "link_open": _link_open,
    "link_close": _link_close,
    "image": _image,
    "quote_open": _fill_quote,
    "quote_close": _blockquote_close,
    "html_block": lambda st, content: render_html(content, st),
    "html_inline": lambda st, content: _html_inline(content, st),
}


_TABLE_OPEN = re.compile(r"<table\b")
_TABLE_CLOSE = re.compile(r"</table>")


def scrollable_tables(fragment: str) -> str:
    """Wrap each table of sanitised HTML in a focusable scroll box, so a wide table scrolls on its own
    (by keyboard too) instead of widening the page. Runs after nh3, which drops ``tabindex`` on divs."""
    fragment = _TABLE_OPEN.sub('<div class="table-scroll" tabindex="0"><table', fragment)
    return _TABLE_CLOSE.sub("</table></div>", fragment)
