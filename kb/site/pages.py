"""Gathering each topic's pages as data (:class:`kb.site.views.Page`): its hub, its documents and its
compare pages, with every link, switcher and crumb decided from :class:`kb.site.data.SiteData`.

:class:`Gatherer` also holds what they share with the pages over the whole site (:mod:`kb.site.sitewide`):
the locales' navigation, the translators' checks and the search URLs.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Sequence
from typing import Any

from kb import urls
from kb.align.resolve import serving_member, side_key
from kb.ingest.editions import EDITIONS
from kb.ingest.exl import metadata_badges
from kb.ingest.html_rules import missing_suffix, open_link
from kb.ingest.render import LinkStatus
from kb.model import Document, DocumentText, FindingCounts, Segment, SegmentKind, Topic, TopicMember
from kb.site.data import SiteData, Strings, body_references, locale_key
from kb.site.navigation import NavIndex, article_nav, build_nav
from kb.site.views import (
    BadgeView,
    Chrome,
    CompareSide,
    CompareView,
    DocumentView,
    Nav,
    Page,
    TopicCell,
    TopicRow,
    TopicView,
)


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


def compare_url(data: SiteData, topic: Topic, a: TopicMember, b: TopicMember, locale: str) -> str:
    """The compare page of two members, in ``locale``'s interface."""
    ka, kb_ = sorted((side_key(topic, a), side_key(topic, b)))
    return data.url(urls.compare_path(topic.id, ka, kb_, locale))


def page_languages(data: SiteData, t: Strings, locale: str, path_of: Callable[[str], str]) -> tuple[Nav, ...]:
    """The language switcher of a page every locale has (a topic hub, a compare page, the status page):
    the same page in each locale of the site."""
    return tuple(
        Nav(t.locale_name(loc), data.url(path_of(loc)), loc, current=loc == locale) for loc in data.locales
    )


def page_alternates(languages: tuple[Nav, ...], default: str) -> tuple[Nav, ...]:
    """hreflang alternates of such a page: each locale's version, and ``default`` as x-default."""
    return (*(Nav(n.lang or "", n.href, n.lang) for n in languages), Nav("x-default", default, "x-default"))


def title_in(topic: Topic, locale: str) -> tuple[str, str]:
    """(title, its locale): the title of the topic's main version in ``locale``, else its source's (or
    first member's)."""
    main = serving_member(topic, locale)
    if main is not None:
        return main.document.title, locale
    src = topic.source or topic.members[0].document
    return src.title, src.locale


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
    out.append(Nav("x-default", data.topic_url(topic, data.main_locale()), "x-default"))
    return tuple(out)


LANDING_LAYOUTS = {"landingpage", "hubpage", "landing-page", "hub-page"}


def is_landing(doc: Document, text: DocumentText | None = None) -> bool:
    """A landing page: DocFX's hub or landing layout (``layout``, ``ms.topic``), or a body of headed
    lists of links (every paragraph a list item that is one link). ``text``: the document's, unpacked."""
    text = text or doc.text
    for key in ("layout", "ms.topic", "topic"):
        value = text.front_matter.get(key)
        if isinstance(value, str) and value.strip().lower() in LANDING_LAYOUTS:
            return True
    heads = [s for s in text.segments if s.kind is SegmentKind.HEADING]
    items = [s for s in text.segments if s.kind is not SegmentKind.HEADING]
    return len(heads) >= 2 and len(items) >= 3 and all(_one_link(s) for s in items)


def _one_link(segment: Segment) -> bool:
    return segment.kind is SegmentKind.LIST_ITEM and len(segment.links) == 1


def badges(d: SiteData, doc: Document, front_matter: dict[str, Any], t: Strings) -> tuple[BadgeView, ...]:
    """The badges of a page's front matter, each with its link resolved as a link of the body is."""
    from markupsafe import Markup

    shown = []
    for badge in metadata_badges(front_matter):
        opening = closing = ""
        if badge.url:
            target = d.resolve(doc, badge.url, t)
            opening, closing = open_link(target)
            if target.status is LinkStatus.MISSING:  # (said as the body's missing links say it)
                closing = missing_suffix(t.body_text()) + closing
        shown.append(BadgeView(badge, Markup(opening), Markup(closing)))
    return tuple(shown)


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
            self.navs[locale] = build_nav(self.data, locale)
        return self.navs[locale]

    def search_url(self, locale: str) -> str:
        return self.data.url(urls.search_path(locale))

    def home_crumb(self, t: Strings) -> Nav:
        return Nav(t.home, self.data.url(""))

    def locale_crumb(self, t: Strings, locale: str) -> Nav:
        return Nav(t.locale_name(locale), self.data.url(urls.locale_home_path(locale)), locale)

    @functools.cached_property
    def main_locale(self) -> str:
        return self.data.main_locale()

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
        """The pages of one topic: its hub and its compare pages in every locale of the site, and its
        documents (the stubs of its old addresses: :func:`kb.site.stubs.topic_stubs`)."""
        locales = self.data.locales
        pages = [self.topic_page(topic, loc) for loc in locales]
        pages += [self.document_page(topic, m) for m in topic.members]
        pages += [self.compare_page(topic, a, b, loc) for a, b in compare_pairs(topic) for loc in locales]
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
            Nav(self.nav(doc.locale).names.get(doc.path) or doc.title, None, doc.locale, current=True),
        )
        compare = tuple(
            Nav(pair_labels(t, topic, member, other)[1], compare_url(d, topic, a, b, doc.locale), other.document.locale)
            for a, b in compare_pairs(topic)
            if member in (a, b)
            for other in [b if a is member else a]
        )
        view = DocumentView(
            document=doc,
            links=links,
            images=d.image_map(doc, written_images),
            edition_labels=tuple(t.edition_name(e) for e in doc.editions),
            topic_url=d.topic_url(topic, doc.locale),
            compare=compare,
            nav=article_nav(self.nav(doc.locale), doc, d.doc_url(member), d.base_url),
            landing=is_landing(doc, text),
            badges=badges(d, doc, text.front_matter, t),
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
    def topic_page(self, topic: Topic, locale: str) -> Page:
        """The topic's hub in ``locale``'s interface: locales × editions, titled in that locale when the
        topic has it."""
        d = self.data
        t = self.strings(locale)
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
        first, first_lang = title_in(topic, locale)
        others = tuple(Nav(title, None, loc) for loc, title in sorted(topic.titles.items()) if title != first)
        titles = (Nav(first, None, first_lang), *others)
        compare = tuple(
            Nav(" ↔ ".join(pair_labels(t, topic, a, b)), compare_url(d, topic, a, b, locale))
            for a, b in compare_pairs(topic)
        )
        languages = page_languages(d, t, locale, lambda loc: urls.topic_path(topic.id, loc))
        chrome = Chrome(
            lang=locale,
            title=f"{first} — {t.topic_title}",
            canonical=d.topic_url(topic, locale),
            alternates=page_alternates(languages, d.topic_url(topic, self.main_locale)),
            breadcrumbs=(
                self.home_crumb(t),
                self.locale_crumb(t, locale),
                Nav(first, None, first_lang, current=True),
            ),
            languages=languages,
            search=self.search_url(locale),
            search_locale=locale,
        )
        return Page(
            urls.topic_path(topic.id, locale) + "index.html",
            "topic.html",
            chrome,
            TopicView(topic.id, titles, eds, tuple(rows), compare),
        )

    # -- compare pages
    def compare_page(self, topic: Topic, a: TopicMember, b: TopicMember, locale: str) -> Page:
        """Two members side by side, in ``locale``'s interface."""
        d = self.data
        t = self.strings(locale)
        (ka, ma), (kb_, mb) = sorted(((side_key(topic, a), a), (side_key(topic, b), b)))
        la, lb = pair_labels(t, topic, ma, mb)
        sa = CompareSide(ka, ma.document, la, d.doc_url(ma))
        sb = CompareSide(kb_, mb.document, lb, d.doc_url(mb))
        title = t.fmt("compare_title", a=sa.label, b=sb.label)
        name, name_lang = title_in(topic, locale)
        languages = page_languages(d, t, locale, lambda loc: urls.compare_path(topic.id, ka, kb_, loc))
        chrome = Chrome(
            lang=locale,
            title=f"{title} — {name}",
            canonical=compare_url(d, topic, a, b, locale),
            breadcrumbs=(
                self.home_crumb(t),
                self.locale_crumb(t, locale),
                Nav(name, d.topic_url(topic, locale), name_lang),
                Nav(title, None, current=True),
            ),
            languages=languages,
            search=self.search_url(locale),
            search_locale=locale,
            noindex=True,
        )
        path = urls.compare_path(topic.id, ka, kb_, locale) + "index.html"
        from kb.quality.status import findings_about

        found = findings_about(self.topic_findings(topic), (ma.document.path, mb.document.path))
        return Page(path, "compare.html", chrome, CompareView(topic.id, d.topic_url(topic, locale), sa, sb, found))
