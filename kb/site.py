"""The static cross-language site, rendered with Jinja2 from ``site_templates/`` into ``OUT/site``.

:func:`render_site` is a thin orchestrator: it gathers every page's data first (:func:`collect_pages`:
plain frozen dataclasses, every link already decided), renders each page with :func:`render_page` (a
pure function of that data, so a pool of processes can share the work), then writes only the files
whose content changed. All site paths come from :mod:`kb.urls`.

Pages: ``/`` (the locales), ``/{locale}/`` (navigation from ``TOC.md``, else by title, and the topics
not yet translated), ``/{locale}/{slug}/`` (a document), ``/topics/{id}/`` (locales × editions),
``/compare/{topic}/{a}..{b}/`` (segments side by side), ``/search/`` and ``/search/{locale}/`` (calls
``/api/search`` of ``kb serve``), ``404.html``, ``sitemap.xml`` and ``robots.txt``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from kb import glossary, urls
from kb.editions import EDITIONS
from kb.errors import InvalidParameter, KbError
from kb.incremental import Reuse, fingerprint
from kb.locales import is_locale_folder, language
from kb.memory import release_free_memory
from kb.model import Alignment, Corpus, Document, FindingCounts, NavNode, Topic, TopicMember, unpack_text
from kb.render import BodyText, LinkStatus, LinkTarget, render_body

if TYPE_CHECKING:
    from kb.build import BuildOptions

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"
ASSETS = ("site.css", "search.js")
UI_DEFAULT = "en"
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
SEARCH_PATH = "search/"
API_SEARCH = "/api/search"
API_HEALTH = "/api/health"


class TemplatesMissing(KbError):
    code = "templates_missing"
    status = 500


# --- page data -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Nav:
    """One link of a page's chrome (switchers, breadcrumbs, alternates, lists)."""

    label: str
    href: str | None = None
    """None: shown as unavailable."""
    lang: str | None = None
    """The language of the label and of the target (``lang`` / ``hreflang``)."""
    current: bool = False
    note: str = ""
    """A short remark shown beside the label (e.g. the edition or language it lands on)."""


@dataclass(frozen=True, slots=True)
class NavTree:
    """A navigation entry with children (a locale's ``TOC.md``)."""

    label: str
    href: str | None
    children: tuple[NavTree, ...] = ()


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every HTML page carries around its content."""

    lang: str
    """``<html lang>``; also picks the interface strings."""
    title: str
    description: str = ""
    canonical: str = ""
    alternates: tuple[Nav, ...] = ()
    """``<link rel="alternate" hreflang>``: one per translation, and ``x-default``."""
    breadcrumbs: tuple[Nav, ...] = ()
    languages: tuple[Nav, ...] = ()
    """The language switcher (empty: none shown)."""
    editions: tuple[Nav, ...] = ()
    """The edition switcher (empty: none shown)."""
    search: str = ""
    """The search page in this page's language."""
    search_locale: str = ""
    """The ``locale`` filter the header's search box sends."""
    noindex: bool = False


@dataclass(frozen=True, slots=True)
class DocumentView:
    document: Document
    links: Mapping[str, LinkTarget]
    """Every link of the body, as written, with where it goes."""
    images: Mapping[str, str]
    """Image sources of the body that the site has a copy of → their URL."""
    edition_labels: tuple[str, ...]
    topic_url: str
    compare: tuple[Nav, ...]
    on_this_page: bool = True


@dataclass(frozen=True, slots=True)
class TopicCell:
    title: str
    href: str
    date: str | None
    type: str | None
    """``HT``, ``MT`` or None."""
    freshness: str
    """``current``, ``behind`` or ``unknown``."""
    days_behind: int | None = None


@dataclass(frozen=True, slots=True)
class TopicRow:
    locale: Nav
    cells: tuple[TopicCell | None, ...]
    """One per edition of the topic, in :attr:`TopicView.editions` order; None: missing."""


@dataclass(frozen=True, slots=True)
class TopicView:
    id: str
    titles: tuple[Nav, ...]
    editions: tuple[str, ...]
    rows: tuple[TopicRow, ...]
    compare: tuple[Nav, ...]


@dataclass(frozen=True, slots=True)
class LocaleHomeView:
    locale: str
    sections: tuple[NavTree, ...]
    """One per ``TOC.md`` of the locale."""
    others: tuple[Nav, ...]
    """Articles of the locale that no TOC reaches (all of them when there is no TOC), by title."""
    untranslated: tuple[Nav, ...]
    """Topics that exist in other locales only."""


@dataclass(frozen=True, slots=True)
class HomeView:
    locales: tuple[Nav, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CompareSide:
    key: str
    document: Document
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class CompareView:
    topic_id: str
    topic_url: str
    a: CompareSide
    b: CompareSide
    findings: tuple[Any, ...] = ()
    """Translation findings shown on the page (filled by the translators' checks)."""


@dataclass(frozen=True, slots=True)
class SearchView:
    locale: str
    """The locale filter preselected ('' for all)."""
    locales: tuple[Nav, ...]
    editions: tuple[Nav, ...]
    api: str
    health: str


@dataclass(frozen=True, slots=True)
class NotFoundView:
    locales: tuple[Nav, ...]


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    loc: str
    alternates: tuple[Nav, ...] = ()


@dataclass(frozen=True, slots=True)
class SitemapView:
    entries: tuple[SitemapEntry, ...]


@dataclass(frozen=True, slots=True)
class SitemapIndexView:
    sitemaps: tuple[str, ...]
    """The URL of each part of a sitemap too large for one file."""


@dataclass(frozen=True, slots=True)
class RobotsView:
    base_path: str
    """The site's path on its host (``/`` or ``/docs/``)."""
    sitemap: str | None
    """The sitemap's absolute URL, when the base URL names the host."""


@dataclass(frozen=True, slots=True)
class Page:
    """One file of the site: where it goes, which template renders it, and all its data."""

    path: str
    """File path inside the site folder (``pt-br/multichannel/index.html``, ``sitemap.xml``)."""
    template: str
    chrome: Chrome
    view: Any


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Site-wide values every template may use."""

    base_url: str
    home: str
    assets: Mapping[str, str]
    """Asset name → URL with a content hash (cache busting on CDNs)."""
    documents: int
    locales: int


# --- the site's view of the corpus ---------------------------------------------------------------


_ID_ATTR = re.compile(r"""<a\b[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)


def title_key(title: str) -> str:
    """Sort key for titles: case and accents ignored, so "Artículo" sorts between "Arte" and "Astro"."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _locale_key(tag: str) -> str:
    return tag.lower()


@dataclass
class SiteData:
    """Indexes over the corpus and alignment that page gathering needs; built once per build."""

    corpus: Corpus
    alignment: Alignment
    base_url: str
    by_path: dict[str, Document] = field(default_factory=dict)
    member_of: dict[str, tuple[Topic, TopicMember]] = field(default_factory=dict)
    by_root_path: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    by_dir: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[tuple[str, str], list[Document]] = field(default_factory=lambda: defaultdict(list))
    """(locale, lower-case file name) → its documents (a link's last resort, without scanning them all)."""
    locales: list[str] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)
    """Content path of an image → site path of its copy."""
    _anchors: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def gather(cls, corpus: Corpus, alignment: Alignment, base_url: str) -> SiteData:
        data = cls(corpus, alignment, base_url)
        for doc in corpus.documents:
            data.by_path[doc.path] = doc
            data.by_root_path[doc.locale_root_path.lower()].append(doc)
            data.by_dir[posixpath.dirname(doc.path)].append(doc)
            data.by_name[(doc.locale, doc.path.rsplit("/", 1)[-1].lower())].append(doc)
        for topic in alignment.topics:
            for m in topic.members:
                data.member_of[m.document.path] = (topic, m)
        data.locales = sorted(
            {d.locale for d in corpus.documents if d.path in data.member_of}, key=_locale_key
        )
        return data

    # -- URLs
    def url(self, path: str) -> str:
        return urls.join(self.base_url, path)

    def doc_url(self, member: TopicMember) -> str:
        return self.url(urls.document_path(member.document.locale, member.slug))

    def topic_url(self, topic: Topic) -> str:
        return self.url(urls.topic_path(topic.id))

    # -- choosing a member of a topic
    def pick(
        self, topic: Topic, locale: str, editions: Sequence[str] = (), prefer: Document | None = None
    ) -> TopicMember | None:
        """The member of ``topic`` that serves ``locale``, sharing an edition with ``editions`` if
        one does (``prefer`` first), else the locale's main member."""
        members = [m for m in topic.members if m.document.locale == locale]
        if not members:
            return None
        wanted = set(editions)
        ranked = sorted(
            members,
            key=lambda m: (
                not (wanted & set(m.document.editions)),
                m.document is not prefer,
                m.slug != topic.slug,
                m.document.path,
            ),
        )
        return ranked[0]

    # -- links
    def resolve_path(self, from_dir: str, locale: str, target: str) -> Document | None:
        """The document a relative ``.md`` path names, seen from ``from_dir`` in ``locale``.

        Tried in order: the exact path; a file in the same folder whose name ends with ``-{name}``
        (editions published under a prefix, such as ``China-billing.md`` for ``billing.md``); the same
        path below another locale root; the same file name elsewhere in the locale."""
        path = posixpath.normpath(posixpath.join(from_dir, target))
        if path.startswith("../") or path == "..":
            return None
        doc = self.by_path.get(path)
        if doc is not None:
            return doc
        folder, name = posixpath.split(path)
        low = name.lower()
        variants = [
            d for d in self.by_dir.get(folder, []) if d.path.rsplit("/", 1)[-1].lower().endswith("-" + low)
        ]
        if len(variants) == 1:
            return variants[0]
        from kb.locales import strip_locale_folder

        same_root = self.by_root_path.get(strip_locale_folder(path).lower(), [])
        if same_root:
            return next((d for d in same_root if d.locale == locale), same_root[0])
        named = self.by_name.get((locale, low), [])
        return named[0] if len(named) == 1 else None

    def resolve_published(self, locale: str, path: str) -> Document | None:
        """A site-absolute link as DocFX publishes it (``/partner-center/billing``, ``/pt-br/x/``):
        the article at that path below the locale root, without or with ``index.md``."""
        parts = [p for p in path.split("/") if p]
        if parts and is_locale_folder(parts[0]):
            parts = parts[1:]
        stem = "/".join(parts)
        if not stem:
            return None
        candidates = [stem + "/index.md"] if path.endswith("/") else [stem, stem + ".md", stem + "/index.md"]
        for rel in candidates:
            docs = self.by_root_path.get(rel.lower(), [])
            found = next((d for d in docs if d.locale == locale), None)
            if found is not None:
                return found
        return None

    def anchors(self, doc: Document) -> frozenset[str]:
        """The fragment ids a document's page has: its headings' and the ids/names in its HTML."""
        found = self._anchors.get(doc.path)
        if found is None:
            found = frozenset({s.anchor for s in doc.headings if s.anchor} | set(_ID_ATTR.findall(doc.body)))
            self._anchors[doc.path] = found
        return found

    def resolve(self, doc: Document, href: str, t: Strings, self_url: str = "") -> LinkTarget:
        """Where a link written as ``href`` in ``doc`` goes on the site. A fragment the target page
        does not have is dropped (the link then opens the page at its top)."""
        from_dir, locale, editions = posixpath.dirname(doc.path), doc.locale, doc.editions
        if href.startswith("#"):
            fragment = href.lstrip("#")
            if fragment in self.anchors(doc):
                return LinkTarget(LinkStatus.ANCHOR, "#" + fragment)
            return LinkTarget(LinkStatus.PAGE, self_url or "#", doc.title)
        low = href.lower()
        if low.startswith(("http:", "https:", "mailto:", "//", "ftp:")):
            return LinkTarget(LinkStatus.EXTERNAL, href)
        path, _, fragment = href.partition("#")
        fragment = fragment.lstrip("#")
        path = unquote(path.split("?", 1)[0])
        missing = LinkTarget(LinkStatus.MISSING, None, t.fmt("missing_link_title", target=href))
        if not path or ":" in path.split("/", 1)[0]:
            return missing  # other schemes (javascript:, data:) are never followed
        if path.startswith("/"):
            target = self.resolve_published(locale, path)
        elif path.lower().endswith(".md"):
            target = self.resolve_path(from_dir, locale, path)
        else:
            return missing
        if target is None or target.path not in self.member_of:
            return missing
        topic, member = self.member_of[target.path]
        chosen = self.pick(topic, locale, editions, prefer=target)
        suffix = f"#{fragment}" if fragment and chosen and fragment in self.anchors(chosen.document) else ""
        if chosen is None:
            name = t.locale_name(locale)
            return LinkTarget(
                LinkStatus.OTHER_LOCALE, self.topic_url(topic), t.fmt("other_locale_title", language=name)
            )
        return LinkTarget(LinkStatus.PAGE, self.doc_url(chosen) + suffix, chosen.document.title)

    def image_map(self, doc: Document) -> dict[str, str]:
        """Image sources of ``doc`` that exist in the content folder → URLs of their site copies."""
        out: dict[str, str] = {}
        root = Path(self.corpus.root)
        for link in doc.links:
            if link.kind != "image" or link.is_external or not link.target:
                continue
            rel = posixpath.normpath(
                posixpath.join(posixpath.dirname(doc.path), unquote(link.target.split("?")[0]))
            )
            if rel.startswith("..") or posixpath.splitext(rel)[1].lower() not in IMAGE_TYPES:
                continue
            if (root / rel).is_file() and not (root / rel).is_symlink():
                site_path = "files/" + rel
                self.images[rel] = site_path
                out[link.target] = self.url(site_path)
        return out


# --- interface strings ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _strings_file() -> dict[str, Any]:
    path = TEMPLATES / "strings.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplatesMissing(f"site templates not found: '{path}' is missing") from None
    return data


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
        data = _strings_file()
        own = data.get(language(self.lang), {}) if self.lang else {}
        return own.get(key, data[UI_DEFAULT].get(key, key))

    def fmt(self, key: str, **values: object) -> str:
        return str(self.get(key)).format(**values)

    def locale_name(self, tag: str) -> str:
        names: dict[str, str] = _strings_file()["locale_names"]
        return names.get(tag) or names.get(language(tag)) or tag

    def locale_names_json(self) -> dict[str, str]:
        names: dict[str, str] = _strings_file()["locale_names"]
        return dict(names)

    def edition_name(self, edition: str) -> str:
        names: dict[str, str] = self.get("edition_names")
        return names.get(edition, edition)

    def body_text(self) -> BodyText:
        return BodyText(
            dict(self.get("alerts")), str(self.get("missing_link")), str(self.get("missing_image"))
        )


# --- gathering pages -----------------------------------------------------------------------------


def side_key(topic: Topic, member: TopicMember) -> str:
    """A compare side: ``pt-br`` for the locale's main member, ``pt-br-21vianet`` for another edition."""
    loc = member.document.locale.lower()
    if member.slug == topic.slug:
        return loc
    return f"{loc}-{member.document.editions[0]}"


def compare_pairs(topic: Topic) -> list[tuple[TopicMember, TopicMember]]:
    """What translators compare: one edition across two locales (the locales' main members sharing an
    edition, and each pair of same-edition members), and two editions within one locale."""
    members = sorted(topic.members, key=lambda m: side_key(topic, m))
    pairs = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            same_locale = a.document.locale == b.document.locale
            shared = set(a.document.editions) & set(b.document.editions)
            if same_locale or shared:
                pairs.append((a, b))
    return pairs


def compare_url(data: SiteData, topic: Topic, a: TopicMember, b: TopicMember) -> str:
    ka, kb_ = sorted((side_key(topic, a), side_key(topic, b)))
    return data.url(urls.compare_path(topic.id, ka, kb_))


def _member_label(t: Strings, topic: Topic, m: TopicMember, full: bool = True) -> str:
    """A member's locale, and its editions when they tell it apart (``full``, for topics with several)."""
    label = t.locale_name(m.document.locale)
    if full and len(topic.editions) > 1:
        label += f" · {', '.join(t.edition_name(e) for e in m.document.editions)}"
    return label


def pair_labels(t: Strings, topic: Topic, a: TopicMember, b: TopicMember) -> tuple[str, str]:
    """Labels of two compared members: editions are named only when the two differ in them."""
    full = a.document.editions != b.document.editions
    return _member_label(t, topic, a, full), _member_label(t, topic, b, full)


def language_switcher(data: SiteData, topic: Topic, member: TopicMember, t: Strings) -> tuple[Nav, ...]:
    """Every locale of the site: the same topic where it exists (same edition when it can), else
    unavailable."""
    doc = member.document
    out = []
    for loc in data.locales:
        name = t.locale_name(loc)
        if loc == doc.locale:
            out.append(Nav(name, data.doc_url(member), loc, current=True))
            continue
        chosen = data.pick(topic, loc, doc.editions)
        if chosen is None:
            out.append(Nav(name, None, loc, note=t.unavailable))
            continue
        shared = set(chosen.document.editions) & set(doc.editions)
        note = "" if shared else ", ".join(t.edition_name(e) for e in chosen.document.editions)
        out.append(Nav(name, data.doc_url(chosen), loc, note=note))
    return tuple(out)


def edition_switcher(data: SiteData, topic: Topic, member: TopicMember, t: Strings) -> tuple[Nav, ...]:
    """Every edition of the topic: this locale's version where there is one, else the version in the
    first locale that has it (said beside it); editions the topic lacks are not listed."""
    doc = member.document
    eds = [e for e in EDITIONS if e in topic.editions] + sorted(set(topic.editions) - set(EDITIONS))
    if len(eds) < 2:
        return ()
    out = []
    for ed in eds:
        label = t.edition_name(ed)
        if ed in doc.editions:
            out.append(Nav(label, data.doc_url(member), doc.locale, current=True))
            continue
        here = data.pick(topic, doc.locale, (ed,))
        if here is not None and ed in here.document.editions:
            out.append(Nav(label, data.doc_url(here), doc.locale))
            continue
        elsewhere = [
            m
            for loc in data.locales
            for m in topic.members
            if m.document.locale == loc and ed in m.document.editions
        ]
        if elsewhere:
            m = elsewhere[0]
            note = t.fmt("only_in", language=t.locale_name(m.document.locale))
            out.append(Nav(label, data.doc_url(m), m.document.locale, note=note))
        else:
            out.append(Nav(label, None, None, note=t.unavailable))
    return tuple(out)


def alternates(data: SiteData, topic: Topic, editions: Sequence[str]) -> tuple[Nav, ...]:
    """hreflang alternates: one per locale of the topic (same edition where it exists), and x-default
    (the topic hub, which lists them all)."""
    out = []
    for loc in sorted(topic.locales, key=_locale_key):
        m = data.pick(topic, loc, editions)
        if m is not None:
            out.append(Nav(loc, data.doc_url(m), loc))
    out.append(Nav("x-default", data.topic_url(topic), "x-default"))
    return tuple(out)


@dataclass
class NavIndex:
    """A locale's navigation trees with every entry resolved, and where each document sits in them."""

    sections: tuple[NavTree, ...] = ()
    crumbs: dict[str, tuple[Nav, ...]] = field(default_factory=dict)
    """Document path → its ancestors in the navigation (outermost first)."""
    reached: set[str] = field(default_factory=set)


def build_nav(data: SiteData, locale: str, t: Strings) -> NavIndex:
    out = NavIndex()
    sections: list[NavTree] = []
    for nav in data.corpus.navigation:
        if nav.locale != locale:
            continue
        folder = posixpath.dirname(nav.path)
        trees = tuple(
            tree
            for node in nav.items
            if (tree := _nav_tree(data, locale, folder, node, (), out, t)) is not None
        )
        if not trees:
            continue  # a TOC that reaches no article (DocFX breadcrumb files) adds nothing
        sections.extend(trees if len(trees) == 1 else [NavTree("", None, trees)])
    out.sections = tuple(sections)
    return out


def _nav_tree(
    data: SiteData,
    locale: str,
    folder: str,
    node: NavNode,
    ancestors: tuple[Nav, ...],
    out: NavIndex,
    t: Strings,
) -> NavTree | None:
    href: str | None = None
    doc: Document | None = None
    if node.href and node.href.lower().split("#")[0].endswith(".md") and "://" not in node.href:
        doc = data.resolve_path(folder, locale, unquote(node.href.split("#")[0]))
        if doc is not None and doc.path in data.member_of and doc.locale == locale:
            href = data.doc_url(data.member_of[doc.path][1])
        else:
            doc = None
    me = Nav(node.title, href, locale)
    children = tuple(
        c
        for child in node.children
        if (c := _nav_tree(data, locale, folder, child, (*ancestors, me), out, t))
    )
    if doc is not None:
        out.reached.add(doc.path)
        out.crumbs.setdefault(doc.path, ancestors)
    if href is None and not children:
        return None
    return NavTree(node.title, href, children)


def freshness(topic: Topic, doc: Document) -> tuple[str, int | None]:
    """How ``doc`` compares with the newest version of its topic in an edition it shares."""
    import datetime as dt

    def when(d: Document) -> dt.date | None:
        for value in (d.translation.handoff, d.translation.date):
            with contextlib.suppress(TypeError, ValueError):
                return dt.date.fromisoformat(str(value))
        return None

    mine = when(doc)
    if mine is None:
        return "unknown", None
    peers = [when(d) for d in topic.documents if set(d.editions) & set(doc.editions)]
    newest = max((p for p in peers if p is not None), default=mine)
    days = (newest - mine).days
    return ("current", 0) if days <= 0 else ("behind", days)


class Gatherer:
    """Builds every :class:`Page` of the site from :class:`SiteData`; no rendering, no I/O."""

    def __init__(self, data: SiteData) -> None:
        self.data = data
        self.navs: dict[str, NavIndex] = {}
        self._findings: dict[str, tuple[Any, ...]] = {}
        self.counts: dict[str, FindingCounts] = {}
        """Document path → its :class:`FindingCounts`, once every topic's pages are made."""

    def strings(self, lang: str) -> Strings:
        return Strings(lang)

    def nav(self, locale: str) -> NavIndex:
        if locale not in self.navs:
            self.navs[locale] = build_nav(self.data, locale, self.strings(locale))
        return self.navs[locale]

    def search_url(self, locale: str | None = None) -> str:
        return self.data.url(SEARCH_PATH + (f"{locale.lower()}/" if locale else ""))

    def home_crumb(self, t: Strings) -> Nav:
        return Nav(t.home, self.data.url(""))

    @functools.cached_property
    def checks(self) -> Any:
        """The translators' checks (:class:`kb.check.CorpusChecks`), run topic by topic."""
        from kb.check import CorpusChecks

        return CorpusChecks.prepare(self.data.corpus, self.data.alignment)

    def topic_findings(self, topic: Topic) -> tuple[Any, ...]:
        """The translators' findings about the documents of ``topic``, once per site."""
        found = self._findings.get(topic.id)
        if found is None:
            found = self._findings[topic.id] = tuple(self.checks.topic(topic))
        return found

    def finding_counts(self, topic: Topic) -> dict[str, FindingCounts]:
        """:func:`kb.check.count_findings` of the topic's findings; forgets them (its pages are made)."""
        from kb.check import count_findings

        counts = count_findings(self.topic_findings(topic))
        self._findings.pop(topic.id, None)
        return counts

    def topic_pages(self, topic: Topic) -> list[Page]:
        """The pages of one topic: its hub, its documents and its compare pages."""
        pages = [self.topic_page(topic)]
        pages += [self.document_page(topic, m) for m in topic.members]
        pages += [self.compare_page(topic, a, b) for a, b in compare_pairs(topic)]
        return pages

    # -- documents
    def document_page(self, topic: Topic, member: TopicMember) -> Page:
        d, doc = self.data, member.document
        t = self.strings(doc.locale)
        links = {
            link.target: d.resolve(doc, link.target, t, d.doc_url(member))
            for link in doc.links
            if link.kind == "link"
        }
        crumbs = (
            self.home_crumb(t),
            Nav(t.locale_name(doc.locale), d.url(urls.locale_home_path(doc.locale)), doc.locale),
            *self.nav(doc.locale).crumbs.get(doc.path, ()),
            Nav(doc.title, None, doc.locale, current=True),
        )
        compare = tuple(
            Nav(pair_labels(t, topic, member, other)[1], compare_url(d, topic, a, b), other.document.locale)
            for a, b in compare_pairs(topic)
            if member in (a, b)
            for other in [b if a is member else a]
        )
        view = DocumentView(
            document=doc,
            links=links,
            images=d.image_map(doc),
            edition_labels=tuple(t.edition_name(e) for e in doc.editions),
            topic_url=d.topic_url(topic),
            compare=compare,
        )
        chrome = Chrome(
            lang=doc.locale,
            title=doc.title,
            description=doc.description,
            canonical=d.doc_url(member),
            alternates=alternates(d, topic, doc.editions),
            breadcrumbs=crumbs,
            languages=language_switcher(d, topic, member, t),
            editions=edition_switcher(d, topic, member, t),
            search=self.search_url(doc.locale),
            search_locale=doc.locale,
        )
        return Page(urls.document_path(doc.locale, member.slug) + "index.html", "document.html", chrome, view)

    # -- topic hubs
    def topic_page(self, topic: Topic) -> Page:
        d = self.data
        t = self.strings(UI_DEFAULT)
        eds = tuple(e for e in EDITIONS if e in topic.editions) + tuple(
            sorted(set(topic.editions) - set(EDITIONS))
        )
        rows = []
        for loc in sorted(topic.locales, key=_locale_key):
            cells: list[TopicCell | None] = []
            for ed in eds:
                m = next(
                    (m for m in topic.members if m.document.locale == loc and ed in m.document.editions), None
                )
                if m is None:
                    cells.append(None)
                    continue
                fresh, days = freshness(topic, m.document)
                cells.append(
                    TopicCell(
                        m.document.title,
                        d.doc_url(m),
                        m.document.translation.date,
                        m.document.translation.type,
                        fresh,
                        days,
                    )
                )
            rows.append(
                TopicRow(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc), tuple(cells))
            )
        titles = tuple(Nav(title, None, loc) for loc, title in sorted(topic.titles.items()))
        first = titles[0].label if titles else topic.id
        compare = tuple(
            Nav(" ↔ ".join(pair_labels(t, topic, a, b)), compare_url(d, topic, a, b))
            for a, b in compare_pairs(topic)
        )
        chrome = Chrome(
            lang=UI_DEFAULT,
            title=f"{first} — {t.topic_title}",
            canonical=d.topic_url(topic),
            alternates=alternates(d, topic, ()),
            breadcrumbs=(self.home_crumb(t), Nav(first, None, current=True)),
            search=self.search_url(),
        )
        return Page(
            urls.topic_path(topic.id) + "index.html",
            "topic.html",
            chrome,
            TopicView(topic.id, titles, eds, tuple(rows), compare),
        )

    # -- compare pages
    def compare_page(self, topic: Topic, a: TopicMember, b: TopicMember) -> Page:
        d = self.data
        t = self.strings(UI_DEFAULT)
        (ka, ma), (kb_, mb) = sorted(((side_key(topic, a), a), (side_key(topic, b), b)))
        la, lb = pair_labels(t, topic, ma, mb)
        sa = CompareSide(ka, ma.document, la, d.doc_url(ma))
        sb = CompareSide(kb_, mb.document, lb, d.doc_url(mb))
        title = t.fmt("compare_title", a=sa.label, b=sb.label)
        chrome = Chrome(
            lang=UI_DEFAULT,
            title=f"{title} — {ma.document.title}",
            canonical=compare_url(d, topic, a, b),
            breadcrumbs=(
                self.home_crumb(t),
                Nav(ma.document.title, d.topic_url(topic), ma.document.locale),
                Nav(title, None, current=True),
            ),
            search=self.search_url(),
            noindex=True,
        )
        path = urls.compare_path(topic.id, ka, kb_) + "index.html"
        from kb.check import findings_about

        found = findings_about(self.topic_findings(topic), (ma.document.path, mb.document.path))
        return Page(path, "compare.html", chrome, CompareView(topic.id, d.topic_url(topic), sa, sb, found))

    # -- homes
    def locale_home(self, locale: str) -> Page:
        d = self.data
        t = self.strings(locale)
        nav = self.nav(locale)
        members = [
            (topic, m) for topic in d.alignment.topics for m in topic.members if m.document.locale == locale
        ]
        others = sorted(
            (
                Nav(
                    m.document.title,
                    d.doc_url(m),
                    locale,
                    note=", ".join(t.edition_name(e) for e in m.document.editions if e != "global"),
                )
                for topic, m in members
                if m.document.path not in nav.reached
            ),
            key=lambda n: title_key(n.label),
        )
        untranslated = []
        for topic in d.alignment.topics:
            if locale in topic.locales or not topic.members:
                continue
            src = topic.source or topic.members[0].document
            untranslated.append(
                Nav(src.title, d.topic_url(topic), src.locale, note=t.locale_name(src.locale))
            )
        untranslated.sort(key=lambda n: title_key(n.label))
        homes = tuple(
            Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc, current=loc == locale)
            for loc in d.locales
        )
        chrome = Chrome(
            lang=locale,
            title=f"{t.site_name} — {t.locale_name(locale)}",
            canonical=d.url(urls.locale_home_path(locale)),
            alternates=(
                *(Nav(n.lang or "", n.href, n.lang) for n in homes),
                Nav("x-default", d.url(""), "x-default"),
            ),
            breadcrumbs=(self.home_crumb(t), Nav(t.locale_name(locale), None, locale, current=True)),
            languages=homes,
            search=self.search_url(locale),
            search_locale=locale,
        )
        view = LocaleHomeView(locale, nav.sections, tuple(others), tuple(untranslated))
        return Page(urls.locale_home_path(locale) + "index.html", "locale_home.html", chrome, view)

    def site_home(self) -> Page:
        d = self.data
        t = self.strings(UI_DEFAULT)
        counts: dict[str, int] = defaultdict(int)
        for topic in d.alignment.topics:
            for m in topic.members:
                counts[m.document.locale] += 1
        homes = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
        chrome = Chrome(
            lang=UI_DEFAULT,
            title=t.site_name,
            canonical=d.url(""),
            alternates=(
                *(Nav(n.lang or "", n.href, n.lang) for n in homes),
                Nav("x-default", d.url(""), "x-default"),
            ),
            languages=(),
            search=self.search_url(),
        )
        return Page(
            "index.html", "home.html", chrome, HomeView(homes, tuple(counts[loc] for loc in d.locales))
        )

    # -- search, 404, sitemap, robots
    def search_page(self, locale: str | None) -> Page:
        d = self.data
        t = self.strings(locale or UI_DEFAULT)
        filters = tuple(Nav(t.locale_name(loc), loc, loc, current=loc == locale) for loc in d.locales)
        editions = sorted(
            {e for doc in d.corpus.documents for e in doc.editions},
            key=lambda e: EDITIONS.index(e) if e in EDITIONS else len(EDITIONS),
        )
        eds = tuple(Nav(t.edition_name(e), e) for e in editions)
        others = tuple(
            Nav(t.locale_name(loc), self.search_url(loc), loc, current=loc == locale) for loc in d.locales
        )
        chrome = Chrome(
            lang=locale or UI_DEFAULT,
            title=f"{t.search_title} — {t.site_name}",
            canonical=self.search_url(locale),
            breadcrumbs=(self.home_crumb(t), Nav(t.search_title, None, current=True)),
            languages=others,
            search=self.search_url(locale),
            search_locale=locale or "",
            noindex=True,
        )
        path = SEARCH_PATH + (f"{locale.lower()}/" if locale else "") + "index.html"
        return Page(
            path, "search.html", chrome, SearchView(locale or "", filters, eds, API_SEARCH, API_HEALTH)
        )

    def not_found(self) -> Page:
        d = self.data
        t = self.strings(UI_DEFAULT)
        homes = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
        chrome = Chrome(
            lang=UI_DEFAULT,
            title=t.not_found_title,
            search=self.search_url(),
            noindex=True,
            breadcrumbs=(self.home_crumb(t), Nav(t.not_found_title, None, current=True)),
        )
        return Page("404.html", "404.html", chrome, NotFoundView(homes))

    def sitemaps(self, pages: Sequence[Page]) -> list[Page]:
        return self.sitemaps_of([e for p in pages if (e := sitemap_entry(p)) is not None])

    def sitemaps_of(self, entries: Sequence[SitemapEntry]) -> list[Page]:
        """``sitemap.xml``, or, over the protocol's limits for one file (SITEMAP_URLS, SITEMAP_BYTES),
        ``sitemap-1.xml``, ``sitemap-2.xml``, … and ``sitemap.xml`` as their index."""
        parts = sitemap_parts(entries)
        if len(parts) == 1:
            return [Page("sitemap.xml", "sitemap.xml", Chrome("", "sitemap"), SitemapView(parts[0]))]
        pages = [
            Page(f"sitemap-{n}.xml", "sitemap.xml", Chrome("", "sitemap"), SitemapView(part))
            for n, part in enumerate(parts, 1)
        ]
        index = SitemapIndexView(tuple(self.data.url(p.path) for p in pages))
        return [*pages, Page("sitemap.xml", "sitemap_index.xml", Chrome("", "sitemap"), index)]

    def robots(self) -> Page:
        sitemap = self.data.url("sitemap.xml")
        absolute = sitemap if sitemap.lower().startswith(("http:", "https:")) else None
        from urllib.parse import urlsplit

        view = RobotsView(urlsplit(self.data.base_url).path or "/", absolute)
        return Page("robots.txt", "robots.txt", Chrome("", "robots"), view)


SITEMAP_URLS = 50_000
"""The sitemaps protocol's limit of URLs in one file (sitemaps.org): a larger sitemap is split."""
SITEMAP_BYTES = 50 * 1024 * 1024
"""Its limit of bytes in one (uncompressed) file."""


def sitemap_parts(entries: Sequence[SitemapEntry]) -> list[tuple[SitemapEntry, ...]]:
    """``entries`` in order, cut into parts within the protocol's limits (one part, maybe empty, when
    they fit in one file). A part's size is measured over-generously: the template's markup per URL
    and per alternate, with every character counted as 4 bytes of UTF-8."""
    parts: list[tuple[SitemapEntry, ...]] = []
    start, size = 0, 0
    for i, e in enumerate(entries):
        chars = len(e.loc) + sum(len(a.lang or "") + len(a.href or "") for a in e.alternates)
        cost = 4 * chars + 40 + 80 * len(e.alternates)
        if i > start and (i - start >= SITEMAP_URLS or size + cost > SITEMAP_BYTES - 4096):
            parts.append(tuple(entries[start:i]))
            start, size = i, 0
        size += cost
    parts.append(tuple(entries[start:]))
    return parts


def sitemap_entry(page: Page) -> SitemapEntry | None:
    """The sitemap's entry for ``page``: pages with a canonical URL that search engines may index."""
    if not page.chrome.canonical or page.chrome.noindex:
        return None
    return SitemapEntry(page.chrome.canonical, tuple(a for a in page.chrome.alternates if a.href))


# Further page producers (the translators' status page registers one): gathered after the rest.
PageProducer = Callable[[Gatherer], Iterable[Page]]
EXTRA_PAGES: list[PageProducer] = []


# --- the translation status page (the translators' checks, kb.check) ------------------------------

STATUS_PATH = "translation-status/"


@dataclass(frozen=True, slots=True)
class StatusLink:
    """One document in a cell of the status table."""

    label: str
    """Its edition, when the topic has several; else empty."""
    href: str
    compare: str | None
    """The compare page with the document it is checked against."""
    stale: bool
    mt: bool
    counts: tuple[int, int, int]
    """Findings: (errors, warnings, info)."""


@dataclass(frozen=True, slots=True)
class StatusTopicRow:
    title: Nav
    """The topic's title, linking to its hub."""
    cells: tuple[tuple[StatusLink, ...], ...]
    """One per locale of the site; empty: the topic lacks the locale."""


@dataclass(frozen=True, slots=True)
class StatusView:
    locales: tuple[Nav, ...]
    rows: tuple[StatusTopicRow, ...]
    totals: tuple[tuple[int, int, int, int, int], ...]
    """Per locale: (documents, topics missing, stale, machine-translated, error findings)."""


def _status_link(g: Gatherer, topic: Topic, entry: Any, t: Strings) -> StatusLink:
    d = g.data
    member = d.member_of[entry.path][1]
    other = d.member_of.get(entry.compare_with or "")
    pairs = compare_pairs(topic)
    compare = None
    if other is not None and ((member, other[1]) in pairs or (other[1], member) in pairs):
        compare = compare_url(d, topic, member, other[1])
    label = ""
    if len(topic.editions) > 1:
        label = ", ".join(t.edition_name(e) for e in member.document.editions)
    return StatusLink(label, d.doc_url(member), compare, entry.stale, entry.machine_translated, entry.counts)


def translation_status_page(g: Gatherer) -> Iterable[Page]:
    """``/translation-status/``: topics × locales — present, missing, stale, MT, findings — linking
    every document to its compare page."""
    from kb.check import translation_status

    d, t = g.data, g.strings(UI_DEFAULT)
    totals = {loc: [0, 0, 0, 0, 0] for loc in d.locales}
    rows = []
    topics: dict[str, Topic] = {}
    for t_ in d.alignment.topics:
        topics.setdefault(t_.id, t_)  # as Alignment.topic: the first of an id, without a scan per row
    for row in translation_status(d.corpus, d.alignment, g.counts):
        topic = topics.get(row.topic)
        if topic is None or not topic.members:
            continue
        cells = []
        for loc, entries in row.cells:
            if loc not in totals:
                continue
            links = tuple(_status_link(g, topic, e, t) for e in entries if e.path in d.member_of)
            cells.append(links)
            n = totals[loc]
            n[0] += len(links)
            n[1] += 0 if links else 1
            n[2] += sum(link.stale for link in links)
            n[3] += sum(link.mt for link in links)
            n[4] += sum(link.counts[0] for link in links)
        loc, title = sorted(topic.titles.items())[0]
        rows.append(StatusTopicRow(Nav(title, d.topic_url(topic), loc), tuple(cells)))
    rows.sort(key=lambda r: title_key(r.title.label))
    locales = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
    chrome = Chrome(
        lang=UI_DEFAULT,
        title=f"{t.status_title} — {t.site_name}",
        canonical=d.url(STATUS_PATH),
        breadcrumbs=(g.home_crumb(t), Nav(t.status_title, None, current=True)),
        search=g.search_url(),
        noindex=True,
    )
    counts = tuple((a, b, c, e, f) for a, b, c, e, f in (totals[loc] for loc in d.locales))
    view = StatusView(locales, tuple(rows), counts)
    return [Page(STATUS_PATH + "index.html", "status.html", chrome, view)]


EXTRA_PAGES.append(translation_status_page)


def front_pages(g: Gatherer) -> list[Page]:
    """The pages before the topics': the homes, 404 and the search pages."""
    pages: list[Page] = [g.site_home(), g.not_found(), g.search_page(None)]
    for loc in g.data.locales:
        pages += [g.locale_home(loc), g.search_page(loc)]
    return pages


def collect_pages(data: SiteData) -> list[Page]:
    """Every page of the site, as data."""
    g = Gatherer(data)
    pages = front_pages(g)
    for topic in data.alignment.topics:
        if topic.members:
            pages += g.topic_pages(topic)
    for produce in EXTRA_PAGES:
        pages += list(produce(g))
    _check_unique((p.path, p.template) for p in pages)
    pages += [*g.sitemaps(pages), g.robots()]
    return pages


def _check_unique(pages: Iterable[tuple[str, str]]) -> None:
    """No two pages go to one file: (path, template) of every page."""
    seen: dict[str, str] = {}
    for path, template in pages:
        if path in seen:
            raise KbError(f"two pages would be written to '{path}' ({seen[path]} and {template})")
        seen[path] = template


# --- rendering (pure) ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
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
        from kb.sitehtml import compare_rows_html, findings_html

        rows = compare_rows(page.view.a.document, page.view.b.document)
        lang_a, lang_b = page.view.a.document.locale, page.view.b.document.locale
        extra = {
            "rows": rows,
            "rows_html": compare_rows_html(rows or (), lang_a, lang_b, page.chrome.lang, t),
            "findings_html": findings_html(page.view.findings, t),
        }
    template = environment().get_template(page.template)
    return str(template.render(page=page, chrome=page.chrome, view=page.view, site=site, t=t, **extra))


@dataclass(frozen=True, slots=True)
class CompareRow:
    a: tuple[tuple[str, str], ...]
    """(segment path, text) of side a; empty when a has no counterpart."""
    b: tuple[tuple[str, str], ...]
    score: float
    status: str
    """``matched``, ``only-a`` or ``only-b``."""


def compare_rows(a: Document, b: Document) -> tuple[CompareRow, ...] | None:
    """The aligned segments of two documents as rows, or None when segment alignment is unavailable."""
    try:
        from kb.check import aligned_segments  # the checks' memo: a pair they aligned is not redone
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
    show) are gathered, rendered and written topic by topic in worker processes (:mod:`kb.sitejobs`);
    then the pages over the whole site (homes, status, sitemap) here."""
    from kb.sitejobs import TopicJob, run_session, run_topics

    base_url = check_base_url(options.base_url)
    if not (TEMPLATES / "base.html").is_file():
        raise TemplatesMissing(f"site templates not found in '{TEMPLATES}'")
    data = SiteData.gather(corpus, alignment, base_url)
    memo = options.session.memo("site") if options.session is not None else None
    if memo is not None:  # anchors of unchanged documents (the same objects) from the previous build
        anchors = memo.setdefault("anchors", {})
        data._anchors.update({p: a for p, (doc, a) in anchors.items() if data.by_path.get(p) is doc})
    site = SiteInfo(
        base_url, urls.join(base_url, ""), asset_urls(base_url), len(corpus.documents), len(data.locales)
    )
    dest.mkdir(parents=True, exist_ok=True)
    # An incremental build hard-links each page whose data did not change from the previous release
    # and renders only the others (kb.incremental): the same bytes as rendering everything.
    reuse = Reuse.between("site", options.previous_release if options.record_state else None, options.recycled)
    g = Gatherer(data)
    for loc in data.locales:
        g.nav(loc)  # before the workers fork, which then share it
    g.checks  # noqa: B018 - the corpus-wide part of the checks, likewise shared
    if memo is None:  # a one-off build: what the checks remembered of texts serves a session's next build
        glossary.forget()
        unpack_text.cache_clear()
        release_free_memory()
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
    _check_unique([*((p.path, p.template) for p in front), *topic_pages, *((p.path, p.template) for p in extra)])
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
