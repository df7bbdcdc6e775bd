"""The site's view of the corpus (:class:`SiteData`, built once per build) and its interface strings
(:class:`Strings`, from ``site_templates/strings.json``).
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kb import memos, urls
from kb.align.resolve import ContentFolders, UidIndex, serving_member
from kb.errors import KbError
from kb.ingest.docfx import asset_key, from_docset_root, is_api_uid, xref_target
from kb.ingest.render import BodyText, LinkStatus, LinkTarget, page_anchors
from kb.locales import is_locale_folder, language
from kb.model import ARTICLE_SUFFIXES, PAGE_STEMS, Alignment, Corpus, Document, Redirect, Topic, TopicMember


def _templates() -> Path:
    """``site_templates/``: inside the package when kb is installed from a wheel (``pip install .``,
    ``pipx``), else at the project root beside ``kb/`` (a source tree, an editable install)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "site_templates", package.parent / "site_templates"):
        if (folder / "base.html").is_file():
            return folder
    return package / "site_templates"  # neither: the build stops with TemplatesMissing naming this folder


TEMPLATES = _templates()
UI_DEFAULT = "en"
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
FILE_TYPES = IMAGE_TYPES | {
    ".pdf", ".zip", ".docx", ".xlsx", ".pptx", ".vsd", ".vsdx", ".csv", ".txt", ".mp4", ".webm", ".ps1", ".cer",
}
"""Files a document may link to that the site copies: never a type a browser runs as a page (``.html``,
``.js``, ``.xml``), which a copy on the site's own origin would let a document's files script."""
XREF_PATH = "/dotnet/api/"
"""An ``xref:UID`` link to no document of the corpus, when the UID names an API member, goes to the link
base, this path, and the member's page (:func:`api_path`)."""
def api_path(uid: str) -> str:
    """Learn's page of an API member: the uid lower-cased, an overload's ``*`` and a signature left out,
    a generic's arity and a constructor's ``#`` written with ``-`` (``list-1``, ``string.-ctor``)."""
    name = uid.split("(", 1)[0].rstrip("*")
    return XREF_PATH + name.replace("`", "-").replace("#", "-").lower()


class TemplatesMissing(KbError):
    code = "templates_missing"
    status = 500


# --- the site's view of the corpus ---------------------------------------------------------------


# Each pattern stops at the next "<" (or "[") so that a search from every opening never scans past the
# next one: linear in the body, where "[^>]*?" read a hostile "<a <a <a …" quadratically (8,000 of them: 42 s).
_TAG = re.compile(r"<(a|img)\b([^<>]*)", re.I)
_REF_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"'<>]+)["']""", re.I)
_MD_REF = re.compile(r"""(!?)\[[^\[\]\n]*\]\(\s*<?([^\s)>]+)""")


def body_references(body: str) -> tuple[set[str], set[str]]:
    """(link targets, image sources) written in a Markdown body, raw HTML included: what its page may
    render, whether or not ingest collected them as the links of a segment."""
    hrefs: set[str] = set()
    srcs: set[str] = set()
    for tag, attrs in _TAG.findall(body):
        if (ref := _REF_ATTR.search(attrs)) is not None:
            (srcs if tag.lower() == "img" else hrefs).add(html.unescape(ref.group(1)))
    for bang, value in _MD_REF.findall(body):
        (srcs if bang else hrefs).add(value)
    return hrefs, srcs


def is_noindex(doc: Document) -> bool:
    """Does the document's metadata (its front matter, or its docfx.json's ``fileMetadata`` or
    ``globalMetadata``) say ``ROBOTS: NOINDEX``? Its page then tells search engines so and stays out
    of the sitemap."""
    robots = doc.front_matter.get("ROBOTS", doc.front_matter.get("robots"))
    if robots is None:
        robots = next((v for k, v in doc.front_matter.items() if k.lower() in ("robots", "ms.robots")), "")
    return "noindex" in str(robots).lower()


def link_base_for(link_base: str, locale: str) -> str:
    """``--link-base`` for a document in ``locale`` (``{locale}`` replaced), without a trailing ``/``."""
    return link_base.replace("{locale}", locale.lower()).rstrip("/")


LEARN_HOSTS = frozenset({"learn.microsoft.com", "docs.microsoft.com"})
"""Microsoft's documentation site under its name and its former one, which older articles link."""


@functools.cache  # (asked for every http link of every page)
def publisher_hosts(link_base: str) -> frozenset[str]:
    """The hosts of the publisher's site ``--link-base`` names: a link there may name a page of the corpus."""
    host = (urlsplit(link_base.replace("{locale}", "x")).hostname or "").lower()
    return LEARN_HOSTS if host in LEARN_HOSTS else frozenset({host} if host else ())


def title_key(title: str) -> str:
    """Sort key for titles: case and accents ignored, so "Artículo" sorts between "Arte" and "Astro"."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def locale_key(tag: str) -> str:
    return tag.lower()


_FOLDER_PAGES = frozenset({"index", "readme", "default", "toc"})
"""File names (without suffix) of a folder's default page: found elsewhere, they are another folder's."""

@dataclass
class SiteData:
    """Indexes over the corpus and alignment that page gathering needs; built once per build."""

    corpus: Corpus
    alignment: Alignment
    base_url: str
    link_base: str = ""
    """Where links to other docsets go (``{locale}`` in it replaced; ``kb.output.options.LINK_BASE`` by
    default in a build); empty: they are shown missing."""
    by_path: dict[str, Document] = field(default_factory=dict)
    member_of: dict[str, tuple[Topic, TopicMember]] = field(default_factory=dict)
    by_root_path: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    by_dir: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[tuple[str, str], list[Document]] = field(default_factory=lambda: defaultdict(list))
    """(locale, lower-case file name) → its documents (a link's last resort, without scanning them all)."""
    content_folders: ContentFolders = field(default_factory=lambda: ContentFolders(()))
    """Which links from the site's root name files of the content (the others: other docsets)."""
    by_uid: UidIndex = field(default_factory=lambda: UidIndex(()))
    """Where ``xref:uid`` goes: a document of a topic with that uid (the reader's locale is chosen from the
    topic)."""
    locales: list[str] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)
    """Content path of an image or another file a document refers to → site path of its copy."""
    redirects: dict[str, Redirect] = field(default_factory=dict)
    """Content path of a ``redirect_url`` stub → the stub."""
    _anchors: dict[str, frozenset[str]] = field(default_factory=dict)
    _noindex: dict[str, bool] = field(default_factory=dict)
    _main_locale: str = ""

    @classmethod
    def gather(cls, corpus: Corpus, alignment: Alignment, base_url: str, link_base: str = "") -> SiteData:
        data = cls(corpus, alignment, base_url, link_base)
        data.redirects = {r.path: r for r in corpus.redirects}
        for doc in corpus.documents:
            data.by_path[doc.path] = doc
            data.by_root_path[doc.locale_root_path.lower()].append(doc)
            data.by_dir[posixpath.dirname(doc.path)].append(doc)
            data.by_name[(doc.locale, doc.path.rsplit("/", 1)[-1].lower())].append(doc)
        for topic in alignment.topics:
            for m in topic.members:
                data.member_of[m.document.path] = (topic, m)
        data.locales = sorted({d.locale for d in corpus.documents if d.path in data.member_of}, key=locale_key)
        data.by_uid = UidIndex(d for d in corpus.documents if d.path in data.member_of)
        data.content_folders = ContentFolders(
            [d.path for d in corpus.documents] + [p.path for p in corpus.problems] + [n.path for n in corpus.navigation]
        )
        return data

    # -- URLs
    def url(self, path: str) -> str:
        return urls.join(self.base_url, path)

    def doc_url(self, member: TopicMember) -> str:
        return self.url(urls.document_path(member.document.locale, member.slug))

    def topic_url(self, topic: Topic, locale: str) -> str:
        """The topic's hub in ``locale``'s interface."""
        return self.url(urls.topic_path(topic.id, locale))

    def main_locale(self) -> str:
        """The locale with the most documents (the first by tag among equals): where the old addresses
        without a locale send a reader, and the language of the site-wide ``404.html``."""
        if not self._main_locale:  # counted once: every document page asks (its x-default alternate)
            counts: dict[str, int] = defaultdict(int)
            for doc in self.corpus.documents:
                counts[doc.locale] += 1
            self._main_locale = min(self.locales, key=lambda loc: (-counts[loc], locale_key(loc)), default="")
        return self._main_locale

    # -- links
    def resolve_path(self, from_dir: str, locale: str, target: str) -> Document | None:
        """The document a relative ``.md`` path names, seen from ``from_dir`` in ``locale``.

        Tried in order: the exact path; a file in the same folder whose name ends with ``-{name}``
        (editions published under a prefix, such as ``China-billing.md`` for ``billing.md``); the same
        path below another locale root; when ``target`` is a file name alone, the same file name
        elsewhere in the locale (not a folder's default page, :data:`_FOLDER_PAGES`): Lync Server's
        ``lyncservertoc/toc.yml`` names its 1,900 articles so. A path that names a folder (``../x.md``,
        ``saving/x.md``) names that folder: the same name elsewhere is as often another article (EF Core's
        ``saving/concurrency.md`` and ``modeling/concurrency.md``), and a missing link beats a wrong one."""
        path = posixpath.normpath(posixpath.join(from_dir, target))
        if path.startswith("../") or path == "..":
            return None
        doc = self.by_path.get(path)
        if doc is not None:
            return doc
        folder, name = posixpath.split(path)
        low = name.lower()
        variants = [d for d in self.by_dir.get(folder, []) if d.path.rsplit("/", 1)[-1].lower().endswith("-" + low)]
        if len(variants) == 1:
            return variants[0]
        from kb.locales import strip_locale_folder

        same_root = self.by_root_path.get(strip_locale_folder(path).lower(), [])
        if same_root:
            return next((d for d in same_root if d.locale == locale), same_root[0])
        if low.rsplit(".", 1)[0] in _FOLDER_PAGES:
            return None  # every folder may have one: its name says nothing about which
        if len([part for part in target.split("/") if part not in ("", ".")]) > 1:
            return None
        named = self.by_name.get((locale, low), [])
        return named[0] if len(named) == 1 else None

    def resolve_published(self, locale: str, path: str) -> Document | None:
        """A site-absolute link as DocFX publishes it (``/partner-center/billing``, ``/pt-br/x/``):
        the article at that path below the locale root (:data:`kb.model.PAGE_STEMS`); else, for a path
        of three parts or more, at the path after its first part: the docset's address on the publisher's
        site, which its repository does not name (``/sql/relational-databases/security/x`` is the SQL
        Server repository's ``relational-databases/security/x.md``)."""
        parts = [p for p in path.split("/") if p]
        if parts and is_locale_folder(parts[0]):
            parts = parts[1:]
        found = self._published(locale, "/".join(parts), path.endswith("/"))
        if found is None and len(parts) >= 3:
            found = self._published(locale, "/".join(parts[1:]), path.endswith("/"))
        return found

    def _published(self, locale: str, stem: str, folder: bool) -> Document | None:
        if not stem:
            return None
        candidates = [stem + s for s in PAGE_STEMS if s.startswith("/index.")] if folder else [
            stem + s for s in PAGE_STEMS]
        for rel in candidates:
            docs = self.by_root_path.get(rel.lower(), [])
            found = next((d for d in docs if d.locale == locale), None)
            if found is not None:
                return found
        return None

    def adopt_anchors(self, found: Mapping[str, tuple[Document, frozenset[str]]]) -> None:
        """Take the anchors a previous build found (:meth:`found_anchors`) of the documents that did not
        change since: the very same objects (a session's build keeps them)."""
        self._anchors.update({p: a for p, (doc, a) in found.items() if self.by_path.get(p) is doc})

    def found_anchors(self) -> dict[str, tuple[Document, frozenset[str]]]:
        """Document path → (the document, its anchors), for every document of this build whose anchors
        were found so far: what a session's next build adopts (:meth:`adopt_anchors`)."""
        return {p: (self.by_path[p], a) for p, a in self._anchors.items() if p in self.by_path}

    def noindex(self, doc: Document) -> bool:
        """:func:`is_noindex`, once per document (its metadata is unpacked to tell)."""
        found = self._noindex.get(doc.path)
        if found is None:
            found = self._noindex[doc.path] = is_noindex(doc)
        return found

    def anchors(self, doc: Document) -> frozenset[str]:
        """The fragment ids a document's page has: its headings' and the ids/names in its HTML."""
        found = self._anchors.get(doc.path)
        if found is None:
            found = self._anchors[doc.path] = page_anchors(doc)
        return found

    def resolve(self, doc: Document, href: str, t: Strings, self_url: str = "") -> LinkTarget:
        """Where a link written as ``href`` in ``doc`` goes on the site. A fragment the target page
        does not have is dropped (the link then opens the page at its top)."""
        from_dir, locale, editions = posixpath.dirname(doc.path), doc.locale, doc.editions
        if href.startswith("#"):
            fragment = href.lstrip("#")
            if unquote(fragment) in self.anchors(doc):  # (#caf%C3%A9 is the element "café")
                return LinkTarget(LinkStatus.ANCHOR, "#" + fragment)
            return LinkTarget(LinkStatus.PAGE, self_url or "#", doc.title)
        low = href.lower()
        if low.startswith(("http:", "https:")) and (own := self.published_here(doc, href, t)) is not None:
            return own
        if low.startswith(("http:", "https:", "mailto:", "//", "ftp:")):
            return LinkTarget(LinkStatus.EXTERNAL, href)
        missing = LinkTarget(LinkStatus.MISSING, None, t.fmt("missing_link_title", target=href))
        if (asset := asset_key(href)) is not None:  # assetId:///GUID: the document with that ms.assetid
            by_asset = self.by_uid.get(asset[0])
            return self._to_document(by_asset, locale, editions, asset[1], t) if by_asset is not None else missing
        if low.startswith("xref:"):
            uid, fragment = xref_target(href)
            target = self.by_uid.get(uid)
            if target is None:
                return (self.elsewhere(locale, api_path(uid)) if is_api_uid(uid) else None) or missing
            return self._to_document(target, locale, editions, fragment, t)
        path, _, fragment = href.partition("#")
        fragment = fragment.lstrip("#")
        path = unquote(path.split("?", 1)[0]).replace("\\", "/")  # ..\x.md is ../x.md to DocFX
        if not path or ":" in path.split("/", 1)[0]:
            return missing  # other schemes (javascript:, data:) are never followed
        if path.startswith("~/"):
            from_root = self.written_path(doc.path, path)
            if from_root is None:
                return missing
            path, from_dir = from_root, ""
        if path.startswith("/"):
            target = self.resolve_published(locale, path)
            if target is None:
                return self.beyond_corpus(doc.path, locale, path, href) or missing
        elif path.lower().endswith(ARTICLE_SUFFIXES):
            target = self.resolve_path(from_dir, locale, path) or self.redirected(from_dir, path)
        else:
            copy = self.copy_file(posixpath.join(from_dir, path), FILE_TYPES)
            return LinkTarget(LinkStatus.PAGE, copy) if copy else missing
        if target is None or target.path not in self.member_of:
            return missing
        return self._to_document(target, locale, editions, fragment, t)

    def published_here(self, doc: Document, href: str, t: Strings) -> LinkTarget | None:
        """A link to the publisher's site that names a page of the corpus (:meth:`publisher_page`): that page
        of this site, in the reader's locale, as the publisher's site takes a reader there in theirs."""
        target = self.publisher_page(doc.locale, href)
        if target is None:
            return None
        return self._to_document(target, doc.locale, doc.editions, urlsplit(href).fragment.lstrip("#"), t)

    def publisher_page(self, locale: str, href: str) -> Document | None:
        """The document of the corpus an address on the publisher's site (:func:`publisher_hosts`) names
        (``https://docs.microsoft.com/partner-center/billing-basics``), seen from ``locale``. None for any
        other address, and for one into a locale the site has not (``…/en-us/…``: that language's page is
        what it asks for)."""
        try:
            parts = urlsplit(href)
        except ValueError:  # (a malformed address, '[::1': an external link as written)
            return None
        host = (parts.hostname or "").lower()
        if not host or host not in publisher_hosts(self.link_base):
            return None
        path = unquote(parts.path)
        first = path.strip("/").split("/", 1)[0].lower()
        if is_locale_folder(first) and first not in {loc.lower() for loc in self.locales}:
            return None
        target = self.resolve_published(locale, path)
        return target if target is not None and target.path in self.member_of else None

    def _to_document(
        self, target: Document, locale: str, editions: tuple[str, ...], fragment: str, t: Strings
    ) -> LinkTarget:
        """A link to ``target``: the page of its topic in ``locale`` (and ``editions``) that serves the
        reader, with ``fragment`` if that page has it; the topic's hub when the locale has none."""
        topic, _ = self.member_of[target.path]
        chosen = serving_member(topic, locale, editions, prefer=target)
        suffix = f"#{fragment}" if fragment and chosen and unquote(fragment) in self.anchors(chosen.document) else ""
        if chosen is None:
            name = t.locale_name(locale)
            return LinkTarget(
                LinkStatus.OTHER_LOCALE, self.topic_url(topic, locale), t.fmt("other_locale_title", language=name)
            )
        return LinkTarget(LinkStatus.PAGE, self.doc_url(chosen) + suffix, chosen.document.title)

    def beyond_corpus(self, from_path: str, locale: str, path: str, written: str) -> LinkTarget | None:
        """Where a link from the site's root (``path``, as ``written`` in the file ``from_path``) that names no page
        of the corpus goes: nowhere (None) when it names a file of this repository the corpus lacks
        (:class:`ContentFolders`), else to another docset's page on the publisher's site (:meth:`elsewhere`)."""
        if self.content_folders.names_content(from_path, path):
            return None
        return self.elsewhere(locale, written.replace("\\", "/"))

    def elsewhere(self, locale: str, path: str) -> LinkTarget | None:
        """A link to a page of another docset (``/azure/…``) on the publisher's site (:attr:`link_base`),
        marked external; None without a link base."""
        if not self.link_base:
            return None
        parts = path.lstrip("/").split("/", 1)
        if parts and is_locale_folder(parts[0]):  # /pt-br/azure/… : the base names the locale
            path = parts[1] if len(parts) > 1 else ""
        address = re.split(r"[?#]", path, maxsplit=1)[0]
        stem, ext = posixpath.splitext(address)
        if ext.lower() in ARTICLE_SUFFIXES:  # written as its file: Learn's address has no extension,
            name = posixpath.basename(stem)   # and an index page's is its folder's
            path = (stem[:-len(name)] if name.lower() == "index" else stem) + path[len(address):]
        return LinkTarget(LinkStatus.EXTERNAL, link_base_for(self.link_base, locale) + "/" + path.lstrip("/"))

    def redirected(self, from_dir: str, path: str) -> Document | None:
        """The document a link to a ``redirect_url`` stub ends at, when the corpus has it."""
        stub = self.redirects.get(posixpath.normpath(posixpath.join(from_dir, path)))
        return self.by_path.get(stub.target_path) if stub is not None and stub.target_path else None

    def written_path(self, doc_path: str, written: str) -> str | None:
        """The path from the content root that ``written`` (``~/…``, from the docset's root) names in
        ``doc_path`` (:func:`from_docset_root`): a document, a stub or a file where there is one."""
        root = Path(self.corpus.root)
        return from_docset_root(doc_path, unquote(written),
                                lambda c: c in self.by_path or c in self.redirects or (root / c).is_file())

    def copy_file(self, written: str, types: set[str]) -> str | None:
        """The URL of the site's copy of the file at ``written`` (a path from the content root, as a
        document wrote it), when it is a file of the content folder of one of ``types`` that a
        document may refer to; the writer then copies it. Never a path out of the content folder."""
        rel = posixpath.normpath(unquote(written.split("?")[0].split("#")[0]).replace("\\", "/"))
        if rel.startswith(("../", "/")) or rel == ".." or posixpath.splitext(rel)[1].lower() not in types:
            return None
        if self.corpus.resources and rel not in self.corpus.resources:
            return None  # excluded by its docset's resource groups, or absent
        path = Path(self.corpus.root) / rel
        if not path.is_file() or path.is_symlink():
            return None
        site_path = "files/" + rel
        self.images[rel] = site_path
        return self.url(site_path)

    def image_map(self, doc: Document, written: set[str] | None = None) -> dict[str, str]:
        """Image sources of ``doc`` that exist in the content folder → URLs of their site copies.
        ``written``: the sources its body holds (:func:`body_references`), when the caller has them."""
        out: dict[str, str] = {}
        folder = posixpath.dirname(doc.path)
        text = doc.text
        written = body_references(text.body)[1] if written is None else written
        sources = {link.target for link in text.links if link.kind == "image"} | written
        for src in sorted(sources):
            if not src or src.lower().startswith(("http:", "https:", "//", "data:")):
                continue
            written_path = self.written_path(doc.path, src) if src.startswith("~/") else posixpath.join(folder, src)
            url = self.copy_file(written_path, IMAGE_TYPES) if written_path else None
            if url:
                out[src] = url
        return out


# --- interface strings ---------------------------------------------------------------------------


@functools.cache  # read once a process
def _strings_file() -> dict[str, Any]:
    path = TEMPLATES / "strings.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplatesMissing(f"site templates not found: '{path}' is missing") from None
    return data


@functools.cache  # one table a language: a page reads a few dozen strings
def _strings_of(lang: str) -> dict[str, Any]:
    """The strings of a locale (``zh-TW``), else of its language (``zh``), else English."""
    data = _strings_file()
    own = (data.get(lang) or data.get(language(lang), {})) if lang else {}
    return {**data[UI_DEFAULT], **own}


@functools.cache
def _own_name(tag: str) -> str:
    """CLDR's name of a locale in its own language, capitalised as a language menu shows it (Babel:
    ``Français (France)``, ``中文 (简体, 中国)``); the tag itself for a locale CLDR does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        found = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return tag
    name = found.get_display_name(found) or tag
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Strings:
    """The interface text of one language, with English for any key a language lacks."""

    lang: str

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        return self.get(key)

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def get(self, key: str) -> Any:
        return _strings_of(self.lang).get(key, key)

    def fmt(self, key: str, **values: object) -> str:
        return str(self.get(key)).format(**values)

    def locale_name(self, tag: str) -> str:
        """A locale's name in its own language: the strings file's, else CLDR's (``日本語 (日本)``)."""
        names: dict[str, str] = _strings_file()["locale_names"]
        return names.get(tag) or names.get(language(tag)) or _own_name(tag)

    def locale_names_json(self, tags: Iterable[str] = ()) -> dict[str, str]:
        """The strings file's locale names, with the names of ``tags`` (the site's locales)."""
        names: dict[str, str] = _strings_file()["locale_names"]
        return {**names, **{tag: self.locale_name(tag) for tag in tags}}

    def format_date(self, iso: str | None) -> str:
        """An ISO date (``2019-03-05``) in this language's medium format with Babel: ``5 de mar. de
        2019``, ``5 мар. 2019 г.``; a value that is not an ISO date is shown as written."""
        if not iso:
            return ""
        shown = memos.mapping("shown-dates")
        key = (iso, self.lang)
        if key not in shown:
            shown.add(key, self._format_date(iso))
        return str(shown[key])

    def _format_date(self, iso: str) -> str:
        import datetime as dt

        from babel.core import UnknownLocaleError
        from babel.dates import format_date

        try:
            day = dt.date.fromisoformat(iso[:10])
        except ValueError:
            return iso
        for tag in (self.lang.replace("-", "_"), language(self.lang), UI_DEFAULT):
            try:
                return str(format_date(day, format="medium", locale=tag))
            except (UnknownLocaleError, ValueError):
                continue  # a locale CLDR does not know: its language's format, else English
        return iso

    def edition_name(self, edition: str) -> str:
        names: dict[str, str] = self.get("edition_names")
        return names.get(edition, edition)

    def body_text(self) -> BodyText:
        return BodyText(dict(self.get("alerts")), str(self.get("missing_link")), str(self.get("missing_image")),
                        str(self.get("missing_code")))
