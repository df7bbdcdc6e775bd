"""Alignment: group the translations and editions of each article into a topic.

First version: by ``ms.assetid``, else by the path relative to the locale root.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from kb.model import Alignment, Document, Evidence, Topic, TopicMember


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "topic"


def align(documents: Sequence[Document]) -> Alignment:
    groups: dict[str, list[TopicMember]] = defaultdict(list)
    for doc in documents:
        if doc.assetid:
            groups[doc.assetid].append(TopicMember(doc, Evidence.ASSETID, 1.0))
        else:
            key = _slug(doc.locale_root_path.rsplit(".", 1)[0])
            groups[key].append(TopicMember(doc, Evidence.PATH, 0.9))
    topics = []
    for key, members in sorted(groups.items()):
        members.sort(key=lambda m: (m.document.locale, m.document.path))
        topic = Topic(id=key, slug=_slug(members[0].document.locale_root_path.rsplit(".", 1)[0]))
        topic.members = assign_slugs(topic.slug, members)
        topics.append(topic)
    return Alignment(topics)


def assign_slugs(topic_slug: str, members: list[TopicMember]) -> list[TopicMember]:
    """Give each member its URL slug: the topic's for the main edition of a locale, else
    ``{topic}-{edition}``, so every (locale, slug) names one document."""
    by_locale: dict[str, list[TopicMember]] = defaultdict(list)
    for m in members:
        by_locale[m.document.locale].append(m)
    out = []
    for m in members:
        siblings = by_locale[m.document.locale]
        main = next((s for s in siblings if "global" in s.document.editions), siblings[0])
        slug = topic_slug if m is main else f"{topic_slug}-{m.document.editions[0]}"
        out.append(TopicMember(m.document, m.evidence, m.confidence, slug))
    return out
