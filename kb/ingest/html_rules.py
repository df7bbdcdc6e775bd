"""The site's rules for turning a body's tokens into HTML, shared by rendering from the Markdown
(:mod:`kb.ingest.render`) and by skeletons rendered at ingest (:mod:`kb.ingest.skeleton`).

The site decides where every link goes (:class:`LinkTarget`, gathered before rendering); the rules
here turn those decisions into HTML: alerts styled by kind, HTML blocks kept with the Markdown that
writers put inside HTML cells rendered too, links pointed at their pages or marked as not in the
corpus, images with alt text. :class:`SiteRenderer` is markdown-it's HTML renderer with these rules;
the ``rule_*`` functions are the rules themselves, each a function of the render state and its
token's data, so that a skeleton's holes can be filled by the same code. Also here: what both paths
do to the tokens first (HTML lists joined, the leading ``<h1>`` and the headings found).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from kb.ingest import docfx, htmlblocks, markdown
from kb.ingest.docfx import normalize_href, xref_name
from kb.ingest.highlight import code_html


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
    missing_code: str = "Code not available"
    """Said where code taken from a file could not be taken (the file absent, or its region)."""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str


# --- links and images ----------------------------------------------------------------------------


def _is_external(href: str) -> bool:
    return href.lower().startswith(("http:", "https:", "mailto:", "//", "ftp:"))


def target_of(href: str, links: Mapping[str, LinkTarget]) -> LinkTarget:
    """The site's decision for ``href``; an href the site did not decide on is external, a fragment,
    or (for anything else, including ``javascript:``) missing."""
    found = links.get(href)
    if found is None and ("\\" in href or "##" in href):  # raw HTML's '..\x.md': the model has '../x.md'
        found = links.get(normalize_href(href))
    if found is not None:
        return found
    if href.startswith("#"):
        return LinkTarget(LinkStatus.ANCHOR, normalize_href(href))
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


def _image_url(src: str, images: Mapping[str, str]) -> str | None:
    return images.get(src) or (src if src.lower().startswith(("http:", "https:")) else None)


def missing_code_html(target: str, text: BodyText) -> str:
    """Where code from a file could not be taken: said so, naming the file, so that the text around it
    ("the following code:") does not lead the reader to nothing."""
    name = target.rstrip("/").rsplit("/", 1)[-1] or target
    return (f'<p class="code-missing" role="note"{_attrs([("title", target)])}>{html.escape(text.missing_code)}: '
            f"<code>{html.escape(name)}</code></p>\n")


def image_html(
    src: str, alt: str, images: Mapping[str, str], text: BodyText, classes: str = "", lightbox: str = ""
) -> str:
    """An ``<img>`` for an image the site has (in a link to its full-size file for a ``lightbox``), else
    its alt text marked as not available; one without alt text is decorative, and only a small mark."""
    url = _image_url(src, images)
    if url:
        pairs = [("src", url), ("alt", alt), ("loading", "lazy")] + ([("class", classes)] if classes else [])
        tag = f"<img{_attrs(pairs)}>"
        full = _image_url(lightbox, images) if lightbox else None
        return f'<a{_attrs([("href", full), ("class", "image-lightbox")])}>{tag}</a>' if full else tag
    if not alt.strip():  # decorative (an icon in an "applies to" line): a small mark, not a sentence
        return f'<span class="image-missing image-decorative" aria-hidden="true"{_attrs([("title", src)])}></span>'
    label = f"{alt} ({text.missing_image})"
    attrs = _attrs([("aria-label", label), ("title", src)])
    return f'<span class="image-missing" role="img"{attrs}>{html.escape(alt or text.missing_image)}</span>'


# --- the Markdown renderer -----------------------------------------------------------------------


@dataclass
class RenderState:
    """Per-render state kept in markdown-it's ``env``: what each open element has to close with."""

    links: Mapping[str, LinkTarget]
    images: Mapping[str, str]
    text: BodyText
    ids: set[str] = field(default_factory=set)
    """Ids already on the page (headings first), so an anchor never repeats one."""
    closers: list[str] = field(default_factory=list)
    blockquotes: list[str] = field(default_factory=list)
    html_links: list[str] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    """Each heading's text by its id: the words of a link to it that has none (:func:`rule_link_open`)."""


def _state(env: EnvType) -> RenderState:
    state = env["kb"]
    assert isinstance(state, RenderState)
    return state


# The rules whose output depends on the site (where links go, which images exist, the page's words,
# ids already used): each is a function of its token's data and the render state, so that a body can
# be rendered once without the site (kb.ingest.skeleton, at ingest) and these filled in later.


def _link_tags(st: RenderState, href: str) -> tuple[str, str]:
    """The opening tag of a link to ``href`` and what closes it (with the missing-page mark). A link
    to nothing (``[text]()``) is its text, as an ``<a>`` of raw HTML without an href is."""
    if not href.strip():
        return "", ""
    target = target_of(href, st.links)
    opening, closing = open_link(target)
    if target.status is LinkStatus.MISSING:
        closing = missing_suffix(st.text) + closing
    return opening, closing


def rule_link_open(st: RenderState, href: str, empty: str = "") -> str:
    """A link's opening tag; for a link with no text (``[](#card-layout)``: machine translation drops
    it), also the words Learn leaves out, so the reader (and a screen reader) has something to follow:
    the heading it leads to, the page's title, else the address as written."""
    opening, closing = _link_tags(st, href)
    st.closers.append(closing)
    if not empty or not opening:
        return opening
    target = target_of(href, st.links)
    label = st.headings.get(href[1:], "") if href.startswith("#") else target.title if target.href else ""
    if not label and href.lower().startswith("xref:"):
        label = xref_name(href[5:])
    return opening + html.escape(label or href, quote=False)


def link_is_empty(tokens: Sequence[Token], idx: int) -> str:
    """``"empty"`` when the link opening at ``idx`` closes right away, else ``""`` (a skeleton hole's field)."""
    return "empty" if idx + 1 < len(tokens) and tokens[idx + 1].type == "link_close" else ""


def rule_link_close(st: RenderState) -> str:
    return st.closers.pop() if st.closers else "</a>"


def rule_image(st: RenderState, src: str, alt: str, classes: str = "", lightbox: str = "") -> str:
    return image_html(src, alt, st.images, st.text, classes, lightbox)


def image_args(tok: Token) -> tuple[str, str]:
    """The classes and lightbox target of an image token (``:::image`` gives them)."""
    return str(tok.attrGet("class") or ""), str(tok.attrGet("lightbox") or "")


def rule_blockquote_open(st: RenderState, alert: str | None, div: str | None) -> str:
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


def rule_blockquote_close(st: RenderState) -> str:
    return st.blockquotes.pop() if st.blockquotes else "</blockquote>\n"


def rule_alert_label(st: RenderState, alert: str) -> str:
    """An alert's title inside a line of text (where no alert block can start)."""
    title = st.text.alerts.get(alert, alert.title())
    return f'<strong class="alert-label alert-label-{alert.lower()}">{html.escape(title)}:</strong> '


def quote_args(tok: Token) -> tuple[str | None, str | None]:
    meta = tok.meta or {}
    return (str(meta["alert"]) if meta.get("alert") else None), (str(meta["div"]) if "div" in meta else None)


class SiteRenderer(RendererHTML):
    """markdown-it's HTML renderer with the site's rules for links, images, alerts and raw HTML."""

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_link_open(_state(env), str(tokens[idx].attrGet("href") or ""), link_is_empty(tokens, idx))

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_link_close(_state(env))

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        alt = self.renderInlineAsText(tok.children or [], options, env)
        return rule_image(_state(env), str(tok.attrGet("src") or ""), alt, *image_args(tok))

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_blockquote_open(_state(env), *quote_args(tokens[idx]))

    def alert_label(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_alert_label(_state(env), str((tokens[idx].meta or {}).get("alert", "NOTE")))

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_blockquote_close(_state(env))

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return render_html(tokens[idx].content, _state(env))

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return rule_html_inline(tokens[idx].content, _state(env))

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        tok = tokens[idx]
        lang = tok.info.strip().split(maxsplit=1)[0] if tok.info.strip() else ""
        if lang == docfx.MISSING_CODE:
            return missing_code_html(tok.content.strip(), _state(env).text)
        cls = f' class="language-{html.escape(lang)} highlight"' if lang else ""
        return f'<pre tabindex="0"><code{cls}>{code_html(tok.content, lang)}</code></pre>\n'

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _cell_open(tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return _cell_open(tokens[idx])


_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


def _cell_open(tok: Token) -> str:
    """A pipe table's cell: its column's alignment as a class (the sanitizer drops ``style``)."""
    m = _ALIGN.search(str(tok.attrGet("style") or ""))
    return f'<{tok.tag} class="align-{m.group(1)}">' if m else f"<{tok.tag}>"


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


_EMBED = re.compile(rf"^<(?:{'|'.join(htmlblocks.INLINE_EMBED_TAGS)})\b", re.I)
_EMBED_CLOSE = re.compile(rf"^</(?:{'|'.join(htmlblocks.EMBED_TAGS)})\s*>$", re.I)


def embed_html(frame: Tag, st: RenderState, block: bool) -> str:
    """A frame or player (:data:`htmlblocks.EMBED_TAGS`) as a link to what it showed: a card like
    ``[!VIDEO]``'s where it stood alone, the link itself inside a line of text; nothing without a source."""
    src = htmlblocks.embed_source(frame)
    if not src:
        return ""
    target = target_of(src, st.links)
    opening, closing = open_link(target)
    if target.status is LinkStatus.MISSING:
        closing = missing_suffix(st.text) + closing
    link = opening + html.escape(htmlblocks.embed_label(frame, src), quote=False) + closing
    return f'<div class="video-card"><p>{link}</p></div>' if block else link


def _anchor(st: RenderState, name: str) -> str:
    """A fragment target for ``<a name>`` / ``<a href="" id>``, unless a heading already has that id."""
    if not name or name in st.ids:
        return ""
    st.ids.add(name)
    return f"<span{_attrs([('id', name)])}></span>"


def rule_html_inline(content: str, st: RenderState) -> str:
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
    if _EMBED.match(content.strip()):
        frame = BeautifulSoup(content, "html.parser").find(htmlblocks.INLINE_EMBED_TAGS)
        return embed_html(frame, st, block=False) if isinstance(frame, Tag) else ""
    if _EMBED_CLOSE.match(content.strip()):
        return ""
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


def prepare() -> None:
    """Make now what rendering HTML blocks makes on first use (the inline parser, BeautifulSoup's
    entity tables): a process that forks workers to render calls it first, so they share it."""
    _inline_parser()
    BeautifulSoup("<p>&amp;</p>", "html.parser").decode()


def render_html(content: str, st: RenderState) -> str:
    """A raw HTML block with its links resolved and the Markdown inside its text rendered; the wrappers
    it closes or leaves open stay so (:func:`kb.ingest.htmlblocks.open_ends`), for the sanitizer, which
    reads the whole body, to nest what lies between them."""
    content, still_open = htmlblocks.open_ends(content)
    soup = BeautifulSoup(content, "html.parser")
    # Markdown blocks inside the HTML (alerts in cells) are rendered last, so nothing below reads
    # their HTML again.
    blocks = [(c, md) for c in soup.find_all(string=lambda s: isinstance(s, Comment))
              if (md := htmlblocks.markdown_comment(str(c))) is not None]
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
    for frame in soup.find_all(htmlblocks.EMBED_TAGS):
        frame.replace_with(BeautifulSoup(embed_html(frame, st, block=True), "html.parser"))
    for node in list(soup.find_all(string=True)):
        if type(node) is not NavigableString or not _MARKDOWN_HINT.search(str(node)):
            continue
        if node.find_parent(["code", "pre", "a", "script", "style"]) is not None:
            continue
        rendered = _inline_parser().renderInline(str(node), {"kb": st})
        node.replace_with(BeautifulSoup(rendered, "html.parser"))
    for comment, md in blocks:
        comment.replace_with(BeautifulSoup(_block_markdown(md, st), "html.parser"))
    return htmlblocks.left_open(str(soup), still_open)


_BLOCK: SiteRenderer | None = None


def _block_markdown(text: str, st: RenderState) -> str:
    global _BLOCK
    if _BLOCK is None:
        _BLOCK = SiteRenderer(markdown.parser())
    tokens = markdown.parse(text)
    return _BLOCK.render(tokens, markdown.parser().options, {"kb": st})


def _link_element(soup: BeautifulSoup, a: Tag, target: LinkTarget, text: BodyText) -> Tag:
    opening, closing = open_link(target)
    inner = a.decode_contents()
    if target.status is LinkStatus.MISSING:
        closing = missing_suffix(text) + closing
    new = BeautifulSoup(opening + inner + closing, "html.parser")
    first = next(c for c in new.children if isinstance(c, Tag))
    return first


# --- the body's tokens, before either path renders them ------------------------------------------


def headings_of(tokens: list[Token]) -> tuple[Heading, ...]:
    """Every heading of the tokens with its id and its text, in order."""
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


def leading_h1(tokens: list[Token]) -> int | None:
    """Index of the ``heading_open`` of an ``<h1>`` that starts the body (after anchor-only HTML)."""
    for i, tok in enumerate(tokens):
        if tok.type == "html_block" and not BeautifulSoup(tok.content, "html.parser").get_text().strip():
            continue
        return i if tok.type == "heading_open" and tok.tag == "h1" else None
    return None


def heading_ids(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(str(t.attrGet("id")) for t in tokens if t.type == "heading_open" and t.attrGet("id"))
