"""Gathering the pages over the whole site as data: the site's and each locale's home, the search pages and
``404.html``; then every page of the site in order, with the status page, the sitemaps and ``robots.txt``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from kb import urls
from kb.errors import KbError
from kb.ingest.editions import EDITIONS
from kb.site.data import UI_DEFAULT, SiteData, title_key
from kb.site.pages import Gatherer, page_languages
from kb.site.sitemaps import robots, sitemaps
from kb.site.status import translation_status_page
from kb.site.stubs import site_stubs, topic_stubs
from kb.site.views import Chrome, HomeView, LocaleHomeView, Nav, NotFoundView, Page, SearchView, TocView

API_SEARCH = "/api/search"
API_HEALTH = "/api/health"


def locale_home(g: Gatherer, locale: str) -> Page:
    d = g.data
    t = g.strings(locale)
    nav = g.nav(locale)
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
        untranslated.append(Nav(src.title, d.topic_url(topic, locale), src.locale, note=t.locale_name(src.locale)))
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
        breadcrumbs=(g.home_crumb(t), Nav(t.locale_name(locale), None, locale, current=True)),
        languages=homes,
        search=g.search_url(locale),
        search_locale=locale,
    )
    view = LocaleHomeView(locale, nav.sections, tuple(others), tuple(untranslated))
    return Page(urls.locale_home_path(locale) + "index.html", "locale_home.html", chrome, view)

def toc_pages(g: Gatherer, locale: str) -> list[Page]:
    """Each docset's whole tree in ``locale``, once: its articles carry only their branch of it."""
    d = g.data
    t = g.strings(locale)
    homes = tuple(
        Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc, current=loc == locale) for loc in d.locales
    )
    pages = []
    for section in g.nav(locale).sections:
        name = section.name or t.navigation
        chrome = Chrome(
            lang=locale,
            title=f"{name} — {t.site_name}",
            canonical=d.url(section.toc),
            breadcrumbs=(g.home_crumb(t), g.locale_crumb(t, locale), Nav(name, None, locale, current=True)),
            languages=homes,
            search=g.search_url(locale),
            search_locale=locale,
            noindex=True,
        )
        pages.append(Page(section.toc + "index.html", "toc.html", chrome, TocView(section)))
    return pages


def site_home(g: Gatherer) -> Page:
    d = g.data
    t = g.strings(UI_DEFAULT)
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
        search=g.search_url(g.main_locale),
    )
    view = HomeView(homes, tuple(counts[loc] for loc in d.locales), d.url(urls.status_path(g.main_locale)))
    return Page("index.html", "home.html", chrome, view)

def search_page(g: Gatherer, locale: str) -> Page:
    d = g.data
    t = g.strings(locale)
    filters = tuple(Nav(t.locale_name(loc), loc, loc, current=loc == locale) for loc in d.locales)
    editions = sorted(
        {e for doc in d.corpus.documents for e in doc.editions},
        key=lambda e: EDITIONS.index(e) if e in EDITIONS else len(EDITIONS),
    )
    eds = tuple(Nav(t.edition_name(e), e) for e in editions)
    chrome = Chrome(
        lang=locale,
        title=f"{t.search_title} — {t.site_name}",
        canonical=g.search_url(locale),
        breadcrumbs=(g.home_crumb(t), g.locale_crumb(t, locale), Nav(t.search_title, None, current=True)),
        languages=page_languages(d, t, locale, urls.search_path),
        search=g.search_url(locale),
        search_locale=locale,
        noindex=True,
    )
    path = urls.search_path(locale) + "index.html"
    return Page(path, "search.html", chrome, SearchView(locale, filters, eds, API_SEARCH, API_HEALTH))


def not_found(g: Gatherer, locale: str | None) -> Page:
    """``{locale}/404.html`` in that locale's language (``kb serve`` answers it below the locale's
    folder); ``404.html`` (``locale`` None) in the site's main language, its text in every locale."""
    d = g.data
    lang = locale or g.main_locale
    t = g.strings(lang)
    homes = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
    texts = () if locale else tuple(Nav(g.strings(loc).not_found_text, None, loc) for loc in d.locales)
    crumbs = (g.home_crumb(t), *((g.locale_crumb(t, locale),) if locale else ()))
    chrome = Chrome(
        lang=lang,
        title=t.not_found_title,
        search=g.search_url(lang),
        search_locale=lang,
        noindex=True,
        breadcrumbs=(*crumbs, Nav(t.not_found_title, None, current=True)),
        languages=page_languages(d, t, lang, lambda loc: urls.locale_home_path(loc) + "404.html") if locale else (),
    )
    path = (urls.locale_home_path(locale) if locale else "") + "404.html"
    return Page(path, "404.html", chrome, NotFoundView(homes, texts))


# Further page producers (the translators' status page is one): gathered after the rest.
PageProducer = Callable[[Gatherer], Iterable[Page]]
EXTRA_PAGES: list[PageProducer] = [translation_status_page]


def front_pages(g: Gatherer) -> list[Page]:
    """The pages before the topics': the homes, 404 and the search pages (each in every locale), and
    the stubs of their old addresses."""
    pages: list[Page] = [site_home(g), not_found(g, None)]
    for loc in g.data.locales:
        pages += [locale_home(g, loc), search_page(g, loc), not_found(g, loc), *toc_pages(g, loc)]
    return pages + site_stubs(g)


def collect_pages(data: SiteData) -> list[Page]:
    """Every page of the site, as data."""
    g = Gatherer(data)
    pages = front_pages(g)
    for topic in data.alignment.topics:
        if topic.members:
            pages += g.topic_pages(topic) + topic_stubs(g, topic)
    for produce in EXTRA_PAGES:
        pages += list(produce(g))
    check_unique((p.path, p.template) for p in pages)
    pages += [*sitemaps(data, pages), robots(data)]
    return pages


def check_unique(pages: Iterable[tuple[str, str]]) -> None:
    """No two pages go to one file: (path, template) of every page."""
    seen: dict[str, str] = {}
    for path, template in pages:
        if path in seen:
            raise KbError(f"two pages would be written to '{path}' ({seen[path]} and {template})")
        seen[path] = template
