"""Gathering the site's pages as data (:class:`kb.site.views.Page`): :class:`Gatherer` decides every page,
link and switcher from :class:`kb.site.data.SiteData`; the translation status page and the sitemaps
come last, from what the topics' pages gathered.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from kb import urls
from kb.errors import KbError
from kb.ingest.editions import EDITIONS
from kb.model import Document, FindingCounts, NavNode, Topic, TopicMember
from kb.site.data import UI_DEFAULT, SiteData, Strings, locale_key, title_key
from kb.site.views import (
    Chrome,
    CompareSide,
    CompareView,
    DocumentView,
    HomeView,
    LocaleHomeView,
    Nav,
    NavTree,
    NotFoundView,
    Page,
    RobotsView,
    SearchView,
    SitemapEntry,
    SitemapIndexView,
    SitemapView,
    StatusLink,
    StatusTopicRow,
    StatusView,
    TopicCell,
    TopicRow,
    TopicView,
)

SEARCH_PATH = "search/"
API_SEARCH = "/api/search"
API_HEALTH = "/api/health"


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
            m for loc in data.locales for m in topic.members if m.document.locale == loc and ed in m.document.editions
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
    for loc in sorted(topic.locales, key=locale_key):
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
            tree for node in nav.items if (tree := _nav_tree(data, locale, folder, node, (), out, t)) is not None
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
        c for child in node.children if (c := _nav_tree(data, locale, folder, child, (*ancestors, me), out, t))
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
        """The translators' checks (:class:`kb.quality.checks.CorpusChecks`), run topic by topic."""
        from kb.quality.checks import CorpusChecks

        return CorpusChecks.prepare(self.data.corpus, self.data.alignment)

    def topic_findings(self, topic: Topic) -> tuple[Any, ...]:
        """The translators' findings about the documents of ``topic``, once per site."""
        found = self._findings.get(topic.id)
        if found is None:
            found = self._findings[topic.id] = tuple(self.checks.topic(topic))
        return found

    def finding_counts(self, topic: Topic) -> dict[str, FindingCounts]:
        """:func:`kb.quality.checks.count_findings` of the topic's findings; forgets them (its pages are made)."""
        from kb.quality.checks import count_findings

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
            link.target: d.resolve(doc, link.target, t, d.doc_url(member)) for link in doc.links if link.kind == "link"
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
        eds = tuple(e for e in EDITIONS if e in topic.editions) + tuple(sorted(set(topic.editions) - set(EDITIONS)))
        rows = []
        for loc in sorted(topic.locales, key=locale_key):
            cells: list[TopicCell | None] = []
            for ed in eds:
                m = next((m for m in topic.members if m.document.locale == loc and ed in m.document.editions), None)
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
            rows.append(TopicRow(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc), tuple(cells)))
        titles = tuple(Nav(title, None, loc) for loc, title in sorted(topic.titles.items()))
        first = titles[0].label if titles else topic.id
        compare = tuple(
            Nav(" ↔ ".join(pair_labels(t, topic, a, b)), compare_url(d, topic, a, b)) for a, b in compare_pairs(topic)
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
        from kb.quality.checks import findings_about

        found = findings_about(self.topic_findings(topic), (ma.document.path, mb.document.path))
        return Page(path, "compare.html", chrome, CompareView(topic.id, d.topic_url(topic), sa, sb, found))

    # -- homes
    def locale_home(self, locale: str) -> Page:
        d = self.data
        t = self.strings(locale)
        nav = self.nav(locale)
        members = [(topic, m) for topic in d.alignment.topics for m in topic.members if m.document.locale == locale]
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
            untranslated.append(Nav(src.title, d.topic_url(topic), src.locale, note=t.locale_name(src.locale)))
        untranslated.sort(key=lambda n: title_key(n.label))
        homes = tuple(
            Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc, current=loc == locale) for loc in d.locales
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
        return Page("index.html", "home.html", chrome, HomeView(homes, tuple(counts[loc] for loc in d.locales)))

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
        others = tuple(Nav(t.locale_name(loc), self.search_url(loc), loc, current=loc == locale) for loc in d.locales)
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
        return Page(path, "search.html", chrome, SearchView(locale or "", filters, eds, API_SEARCH, API_HEALTH))

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


# --- the translation status page (the translators' checks, kb.quality.checks) ------------------------------

STATUS_PATH = "translation-status/"


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
    from kb.quality.checks import translation_status

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
    check_unique((p.path, p.template) for p in pages)
    pages += [*g.sitemaps(pages), g.robots()]
    return pages


def check_unique(pages: Iterable[tuple[str, str]]) -> None:
    """No two pages go to one file: (path, template) of every page."""
    seen: dict[str, str] = {}
    for path, template in pages:
        if path in seen:
            raise KbError(f"two pages would be written to '{path}' ({seen[path]} and {template})")
        seen[path] = template
