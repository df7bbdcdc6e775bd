"""Gathering each topic's pages as data (:class:`kb.site.views.Page`): its hub, its documents and its
compare pages, with every link, switcher and crumb decided from :class:`kb.site.data.SiteData`.

:class:`Gatherer` also holds what they share with the pages over the whole site (:mod:`kb.site.sitewide`):
the locales' navigation, the translators' checks and the search URLs.
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from kb import urls
from kb.align.resolve import serving_member, side_key
from kb.ingest.editions import EDITIONS
from kb.model import Document, FindingCounts, NavNode, Topic, TopicMember
from kb.site.data import UI_DEFAULT, SiteData, Strings, body_references, locale_key
from kb.site.views import (
    Chrome,
    CompareSide,
    CompareView,
    DocumentView,
    Nav,
    NavTree,
    Page,
    TopicCell,
    TopicRow,
    TopicView,
)

SEARCH_PATH = "search/"


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
        chosen = serving_member(topic, loc, doc.editions)
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
        here = serving_member(topic, doc.locale, (ed,))
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
    (the topic hub, which lists them all). A page that search engines must not index (``ROBOTS:
    NOINDEX``) is no one's alternate, so the sitemap never names it."""
    out = []
    for loc in sorted(topic.locales, key=locale_key):
        m = serving_member(topic, loc, editions)
        if m is not None and not data.noindex(m.document):
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
    """Builds the :class:`Page` of each topic from :class:`SiteData`; no rendering, no I/O."""

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
        """:func:`kb.quality.status.count_findings` of the topic's findings; forgets them (its pages are made)."""
        from kb.quality.status import count_findings

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
        # Every href the body may render gets a decision, also those inside raw HTML that no segment took.
        text = doc.text  # unpacked once
        written_hrefs, written_images = body_references(text.body)
        hrefs = {link.target for link in text.links if link.kind == "link"} | written_hrefs
        links = {href: d.resolve(doc, href, t, d.doc_url(member)) for href in sorted(hrefs)}
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
            images=d.image_map(doc, written_images),
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
            noindex=d.noindex(doc),
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
        from kb.quality.status import findings_about

        found = findings_about(self.topic_findings(topic), (ma.document.path, mb.document.path))
        return Page(path, "compare.html", chrome, CompareView(topic.id, d.topic_url(topic), sa, sb, found))
