"""Redirect stubs: the addresses of pages that now live under a locale (``/topics/{id}/``,
``/compare/…``, ``/search/``, ``/search/{locale}/``, ``/translation-status/``) keep working on any
static host. Each stub is a small page that refreshes to the page in one locale (the topic's own
language, else the site's main one) and lists the page in every locale; search engines skip it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from kb import urls
from kb.align.resolve import side_key
from kb.model import Topic
from kb.site.pages import Gatherer, compare_pairs
from kb.site.views import Chrome, Nav, Page


@dataclass(frozen=True, slots=True)
class MovedView:
    target: str
    """Where the stub sends the reader (a URL of this site)."""
    choices: tuple[Nav, ...]
    """The same page in each locale of the site."""


def stub(g: Gatherer, old: str, locale: str, path_of: Callable[[str], str]) -> Page:
    """A stub at site path ``old`` sending the reader to ``path_of(locale)``."""
    d = g.data
    t = g.strings(locale)
    choices = tuple(Nav(t.locale_name(loc), d.url(path_of(loc)), loc) for loc in d.locales)
    target = d.url(path_of(locale))
    chrome = Chrome(lang=locale, title=t.site_name, canonical=target, noindex=True)
    return Page(old + "index.html", "moved.html", chrome, MovedView(target, choices))


def topic_locale(g: Gatherer, topic: Topic) -> str:
    """The locale an old link to a topic's pages lands in: its source's, when the site has it."""
    src = topic.source or topic.members[0].document
    return src.locale if src.locale in g.data.locales else g.main_locale


def topic_stubs(g: Gatherer, topic: Topic) -> list[Page]:
    """The old addresses of a topic's hub and compare pages."""
    loc = topic_locale(g, topic)
    pages = [stub(g, urls.topic_path(topic.id), loc, lambda lc: urls.topic_path(topic.id, lc))]
    for a, b in compare_pairs(topic):
        ka, kb_ = sorted((side_key(topic, a), side_key(topic, b)))
        pages.append(stub(g, urls.compare_path(topic.id, ka, kb_), loc, functools.partial(_compare, topic.id, ka, kb_)))
    return pages


def _compare(topic_id: str, a: str, b: str, locale: str) -> str:
    return urls.compare_path(topic_id, a, b, locale)


def site_stubs(g: Gatherer) -> list[Page]:
    """The old addresses of the search pages and the status page."""
    main = g.main_locale
    pages = [
        stub(g, urls.search_path(), main, urls.search_path),
        stub(g, urls.status_path(), main, urls.status_path),
    ]
    for loc in g.data.locales:
        pages.append(stub(g, f"{urls.SEARCH}/{loc.lower()}/", loc, urls.search_path))
    return pages
