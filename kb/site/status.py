"""The translation status page, ``/{locale}/translation-status/`` in each locale: topics × locales
(present, missing, stale, machine-translated, the translators' findings), each document linked to its
compare page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kb import urls
from kb.model import Topic
from kb.site.data import Strings, title_key
from kb.site.pages import Gatherer, compare_pairs, compare_url, page_languages, title_in
from kb.site.views import Chrome, Nav, Page, StatusLink, StatusTopicRow, StatusView


def _status_link(g: Gatherer, topic: Topic, entry: Any, t: Strings, locale: str) -> StatusLink:
    d = g.data
    member = d.member_of[entry.path][1]
    other = d.member_of.get(entry.compare_with or "")
    pairs = compare_pairs(topic)
    compare = None
    if other is not None and ((member, other[1]) in pairs or (other[1], member) in pairs):
        compare = compare_url(d, topic, member, other[1], locale)
    label = ""
    if len(topic.editions) > 1:
        label = ", ".join(t.edition_name(e) for e in member.document.editions)
    return StatusLink(label, d.doc_url(member), compare, entry.stale, entry.machine_translated, entry.counts)


def translation_status_page(g: Gatherer) -> Iterable[Page]:
    """``/{locale}/translation-status/`` in every locale: topics × locales — present, missing, stale,
    MT, findings — linking every document to its compare page."""
    from kb.quality.status import translation_status

    rows = list(translation_status(g.data.corpus, g.data.alignment, g.counts))
    return [_status_page(g, rows, loc) for loc in g.data.locales]


def _status_page(g: Gatherer, status: list[Any], locale: str) -> Page:
    d, t = g.data, g.strings(locale)
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
            links = tuple(_status_link(g, topic, e, t, locale) for e in entries if e.path in d.member_of)
            cells.append(links)
            n = totals[loc]
            n[0] += len(links)
            n[1] += 0 if links else 1
            n[2] += sum(link.stale for link in links)
            n[3] += sum(link.mt for link in links)
            n[4] += sum(link.counts[0] for link in links)
        title, loc = title_in(topic, locale)
        rows.append(StatusTopicRow(Nav(title, d.topic_url(topic, locale), loc), tuple(cells)))
    rows.sort(key=lambda r: title_key(r.title.label))
    locales = tuple(Nav(t.locale_name(loc), d.url(urls.locale_home_path(loc)), loc) for loc in d.locales)
    chrome = Chrome(
        lang=locale,
        title=f"{t.status_title} — {t.site_name}",
        canonical=d.url(urls.status_path(locale)),
        breadcrumbs=(g.home_crumb(t), g.locale_crumb(t, locale), Nav(t.status_title, None, current=True)),
        languages=page_languages(d, t, locale, urls.status_path),
        search=g.search_url(locale),
        search_locale=locale,
        noindex=True,
    )
    counts = tuple((a, b, c, e, f) for a, b, c, e, f in (totals[loc] for loc in d.locales))
    view = StatusView(locales, tuple(rows), counts)
    return Page(urls.status_path(locale) + "index.html", "status.html", chrome, view)
