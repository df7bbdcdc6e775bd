"""The translation status pages, in every locale's interface ``U``:

- ``/{U}/translation-status/``: each locale in numbers (linking its page) and topics × locales
  (present, missing, stale, machine-translated, the translators' findings), each document linked to
  its compare page;
- ``/{U}/translation-status/{L}/``: every topic in locale ``L`` — its documents, or that it lacks the
  topic — with findings by severity and kind, filtered by locale, kind and severity and sorted by any
  column in the browser (``assets/status.js``: an asset, since the CSP allows no inline script);
  without script they are plain tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kb import urls
from kb.model import Topic
from kb.site.data import Strings, title_key
from kb.site.pages import Gatherer, compare_pairs, compare_url, page_languages, title_in
from kb.site.views import (
    Chrome,
    LocaleStatusRow,
    LocaleStatusView,
    Nav,
    Page,
    StatusLink,
    StatusTopicRow,
    StatusView,
)


def locale_status_path(ui: str, locale: str) -> str:
    """The status page of ``locale`` in the interface of ``ui``: ``pt-br/translation-status/ru-ru/``."""
    return f"{urls.status_path(ui)}{locale.lower()}/"


def _status_link(g: Gatherer, topic: Topic, entry: Any, t: Strings, ui: str) -> StatusLink:
    d = g.data
    member = d.member_of[entry.path][1]
    other = d.member_of.get(entry.compare_with or "")
    pairs = compare_pairs(topic)
    compare = None
    if other is not None and ((member, other[1]) in pairs or (other[1], member) in pairs):
        compare = compare_url(d, topic, member, other[1], ui)
    label = ""
    if len(topic.editions) > 1:
        label = ", ".join(t.edition_name(e) for e in member.document.editions)
    return StatusLink(
        label, d.doc_url(member), compare, entry.stale, entry.machine_translated, entry.counts, entry.kinds
    )


def translation_status_page(g: Gatherer) -> Iterable[Page]:
    """Every status page (see the module's description), in every locale's interface."""
    from kb.quality.status import translation_status

    status = list(translation_status(g.data.corpus, g.data.alignment, g.counts))
    return [page for ui in g.data.locales for page in _status_pages(g, status, ui)]


def _chrome(g: Gatherer, t: Strings, ui: str, title: str, path_of: Callable[[str], str],
            crumbs: tuple[Nav, ...]) -> Chrome:
    d = g.data
    return Chrome(
        lang=ui,
        title=f"{title} — {t.site_name}",
        canonical=d.url(path_of(ui)),
        breadcrumbs=(g.home_crumb(t), g.locale_crumb(t, ui), *crumbs),
        languages=page_languages(d, t, ui, path_of),
        search=g.search_url(ui),
        search_locale=ui,
        noindex=True,
    )


def _status_pages(g: Gatherer, status: list[Any], ui: str) -> list[Page]:
    d, t = g.data, g.strings(ui)
    totals = {loc: [0, 0, 0, 0, 0] for loc in d.locales}
    rows = []
    topics: dict[str, Topic] = {}
    for t_ in d.alignment.topics:
        topics.setdefault(t_.id, t_)  # as Alignment.topic: the first of an id, without a scan per row
    for row in status:
        topic = topics.get(row.topic)
        if topic is None or not topic.members:
            continue
        cells = []
        for loc, entries in row.cells:
            if loc not in totals:
                continue
            links = tuple(_status_link(g, topic, e, t, ui) for e in entries if e.path in d.member_of)
            cells.append(links)
            n = totals[loc]
            n[0] += len(links)
            n[1] += 0 if links else 1
            n[2] += sum(link.stale for link in links)
            n[3] += sum(link.mt for link in links)
            n[4] += sum(link.counts[0] for link in links)
        title, loc = title_in(topic, ui)
        rows.append(StatusTopicRow(Nav(title, d.topic_url(topic, ui), loc), tuple(cells)))
    rows.sort(key=lambda r: title_key(r.title.label))
    locales = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
    pages = tuple(Nav(t.locale_name(loc), d.url(locale_status_path(ui, loc)), loc) for loc in d.locales)
    counts = tuple((a, b, c, e, f) for a, b, c, e, f in (totals[loc] for loc in d.locales))
    view = StatusView(locales, tuple(rows), counts, tuple(p.href or "" for p in pages))
    here = Nav(t.status_title, None, current=True)
    out = [Page(urls.status_path(ui) + "index.html", "status.html", _chrome(g, t, ui, t.status_title, urls.status_path,
                                                                           (here,)), view)]
    index = Nav(t.status_title, d.url(urls.status_path(ui)))
    for k, loc in enumerate(d.locales):
        view_of = _locale_view(pages[k], pages, rows, k, index.href or "")
        name = f"{t.status_title}: {pages[k].label}"
        chrome = _chrome(g, t, ui, name, lambda u, loc=loc: locale_status_path(u, loc),  # type: ignore[misc]
                         (index, Nav(pages[k].label, None, loc, current=True)))
        out.append(Page(locale_status_path(ui, loc) + "index.html", "status_locale.html", chrome, view_of))
    return out


def _locale_view(
    locale: Nav, pages: tuple[Nav, ...], rows: list[StatusTopicRow], n: int, index: str
) -> LocaleStatusView:
    """The rows of locale ``n``: each document of it, and each topic it lacks."""
    out: list[LocaleStatusRow] = []
    kinds: set[str] = set()
    for row in rows:
        links = row.cells[n]
        if not links:
            out.append(LocaleStatusRow(row.title, None, ""))
            kinds.add("missing_translation")
        for link in links:
            out.append(LocaleStatusRow(row.title, link, link.label))
            kinds.update(link.kinds)
    return LocaleStatusView(locale, pages, tuple(out), tuple(sorted(kinds)), index)
