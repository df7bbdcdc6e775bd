"""The site's page data: plain frozen dataclasses, every link already decided, one per kind of page.

A page (:class:`Page`) is a template, its chrome and its view; :func:`kb.site.templates.render_page` turns it
into text, a pure function of this data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kb.ingest.render import LinkTarget
from kb.model import Badge, Document


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
    current: bool = False
    """The page showing it (an article's branch)."""
    open: bool = False
    """On the branch that leads to the current page: its children are shown."""
    more: bool = False
    """It has children that an article's branch leaves out."""
    external: bool = False
    """Its ``href`` is another site's page (a TOC entry written ``https://…``), opened as such."""


@dataclass(frozen=True, slots=True)
class NavSection:
    """One docset's navigation in a locale (a ``TOC.md`` or ``toc.yml``), under its own name."""

    name: str
    """Its own name (its root entry); empty when it has none."""
    href: str | None
    """The page of that entry."""
    tree: tuple[NavTree, ...]
    documents: int
    """How many articles of the locale it reaches (the most: the main docset, shown first)."""
    toc: str
    """Site path of the page with its whole tree (``pt-br/toc/partner-center/``)."""
    source: str
    """The navigation file it comes from."""


@dataclass(frozen=True, slots=True)
class ArticleNav:
    """An article's place in its docset's navigation."""

    name: str
    """The docset's own name (:attr:`NavSection.name`; empty when it has none)."""
    href: str | None
    """The page of that name's entry. (The page names its section, not the section whole: its data
    is its fingerprint, and Lync Server's tree of thousands of entries was most of every article's.)"""
    branch: tuple[NavTree, ...]
    """The section's tree with only the branch to the article open."""
    prev: Nav | None
    next: Nav | None
    toc: str
    """URL of the page with the section's whole tree."""
    is_head: bool = False
    """The article is the entry naming the section."""


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
class BadgeView:
    """A badge of the page's front matter (:func:`kb.ingest.exl.metadata_badges`), shown above its text."""

    badge: Badge
    opening: str = ""
    """The opening tag of its link (safe HTML), empty when it has no ``url``; :attr:`closing` ends it."""
    closing: str = ""


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
    nav: ArticleNav | None = None
    """Its docset's navigation (None: no TOC reaches it)."""
    landing: bool = False
    """A landing page (DocFX's hub and landing layouts, or headed lists of links): shown as cards."""
    badges: tuple[BadgeView, ...] = ()


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
    sections: tuple[NavSection, ...]
    """One per ``TOC.md`` or ``toc.yml`` of the locale, the main docset first."""
    others: tuple[Nav, ...]
    """Articles of the locale that no TOC reaches (all of them when there is no TOC), by title."""
    untranslated: tuple[Nav, ...]
    """Topics that exist in other locales only."""


@dataclass(frozen=True, slots=True)
class TocView:
    """The whole tree of one docset in one locale (``/{locale}/toc/{name}/``)."""

    section: NavSection


@dataclass(frozen=True, slots=True)
class HomeView:
    locales: tuple[Nav, ...]
    counts: tuple[int, ...]
    status: str = ""
    """The translation status page (in the site's main locale)."""


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
    texts: tuple[Nav, ...] = ()
    """The site-wide 404: its text in each locale (``lang`` set), after the page's own."""


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
    locales: tuple[str, ...] = ()
    """The locale folders (``pt-br``): their compare pages are not for search engines either."""


@dataclass(frozen=True, slots=True)
class Page:
    """One file of the site: where it goes, which template renders it, and all its data."""

    path: str
    """File path inside the site folder (``pt-br/multichannel/index.html``, ``sitemap.xml``)."""
    template: str
    chrome: Chrome
    view: Any


@dataclass(frozen=True, slots=True)
class RedirectView:
    """A ``redirect_url`` stub's page: where its article moved."""

    href: str | None
    """The target's URL: a page of the site, or an external ``http(s)`` URL; None when the target is
    not in the corpus and not elsewhere either."""
    label: str
    """The target's title, or the target as written."""
    external: bool = False
    refresh: bool = False
    """Browsers follow at once (``<meta http-equiv="refresh">``): a page of the site, or an https URL."""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """Site-wide values every template may use."""

    base_url: str
    home: str
    assets: Mapping[str, str]
    """Asset name → URL with a content hash (cache busting on CDNs)."""
    documents: int
    locales: int


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
    kinds: tuple[str, ...] = ()
    """The kinds of its findings, each once."""


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
    pages: tuple[str, ...] = ()
    """Per locale: its status page."""


@dataclass(frozen=True, slots=True)
class LocaleStatusRow:
    """One row of a locale's status page: a document of the locale, or a topic it lacks (no ``doc``)."""

    title: Nav
    """The topic's title, linking to its hub."""
    doc: StatusLink | None
    """The document (its edition as label); None: the topic has no document in the locale."""
    edition: str
    """The edition's name ('' for a topic the locale lacks)."""


@dataclass(frozen=True, slots=True)
class LocaleStatusView:
    """``/translation-status/<locale>/``: every topic in one locale, to filter and sort."""

    locale: Nav
    locales: tuple[Nav, ...]
    """Every locale's status page (the language filter)."""
    rows: tuple[LocaleStatusRow, ...]
    kinds: tuple[str, ...]
    """The kinds of finding on the page (the kind filter's choices)."""
    index: str
    """The status overview page."""


@dataclass(frozen=True, slots=True)
class CompareRow:
    a: tuple[tuple[str, str], ...]
    """(segment path, text) of side a; empty when a has no counterpart."""
    b: tuple[tuple[str, str], ...]
    score: float
    status: str
    """``matched``, ``only-a`` or ``only-b``."""
