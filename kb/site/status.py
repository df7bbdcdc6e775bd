"""The translation status page, ``/translation-status/``: topics × locales (present, missing, stale,
machine-translated, the translators' findings), each document linked to its compare page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kb import urls
from kb.model import Topic
from kb.site.data import UI_DEFAULT, Strings, title_key
from kb.site.pages import Gatherer, compare_pairs, compare_url
from kb.site.views import Chrome, Nav, Page, StatusLink, StatusTopicRow, StatusView

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
    from kb.quality.status import translation_status

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
