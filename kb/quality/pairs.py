"""Which documents of a topic the translation checks compare, and with which.

Two documents are compared when they are either one edition of a topic in two locales (each locale
against the edition's *reference* document: ``--source`` when given, else the English one, else the
newest by hand-off date)
or two editions of a topic in one locale (each edition against the locale's main, ``global``, one).
The status page and the exports choose references by the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kb.locales import language
from kb.model import Document, Topic


class Relation(StrEnum):
    """What a compared pair of documents is."""

    LOCALE = "locale"
    """One edition of the topic in two locales: a translation and its reference."""
    EDITION = "edition"
    """Two editions of the topic in one locale (``global`` and ``21vianet``)."""


@dataclass(frozen=True, slots=True)
class DocPair:
    """Two documents of a topic that should say the same thing."""

    topic: Topic
    """The topic both belong to."""
    a: Document
    """The reference: the edition's reference locale, or the locale's main edition."""
    b: Document
    """The document checked against it."""
    relation: Relation
    """Two locales of one edition, or two editions of one locale."""


def edition_of(doc: Document) -> str:
    """The edition a document is compared within: its first (``global`` before the others)."""
    return doc.editions[0] if doc.editions else "global"


def edition_groups(topic: Topic) -> dict[str, dict[str, Document]]:
    """edition → locale → document (the first, when a locale has two for one edition)."""
    groups: dict[str, dict[str, Document]] = defaultdict(dict)
    for doc in topic.documents:
        groups[edition_of(doc)].setdefault(doc.locale, doc)
    return dict(groups)


def freshness(doc: Document) -> tuple[str, str]:
    """How recent a document's version is: its hand-off date, then its ``ms.date`` (ISO dates sort)."""
    return doc.translation.handoff or "", doc.translation.date or ""


def reference(docs: dict[str, Document], source: str | None = None) -> Document:
    """The document the others of an edition are compared with: ``source``'s when present, else the
    English one (Microsoft writes its docs in en-US and translates them from it: a docset that
    publishes English holds the source), else the newest (hand-off date, then ``ms.date``), the first
    locale alphabetically among equals."""
    if source is not None and source in docs:
        return docs[source]
    english = sorted((loc != "en-US", loc) for loc in docs if language(loc) == "en")
    if english:
        return docs[english[0][1]]
    ordered = [docs[loc] for loc in sorted(docs)]
    return max(ordered, key=freshness)  # max keeps the first of equals


def main_edition(docs: Sequence[Document]) -> Document:
    return next((d for d in docs if "global" in d.editions), docs[0])


def document_pairs(topic: Topic, source: str | None = None) -> list[DocPair]:
    """Every pair of documents of ``topic`` to compare (see the module docstring)."""
    pairs: list[DocPair] = []
    for _, docs in sorted(edition_groups(topic).items()):
        ref = reference(docs, source)
        pairs += [DocPair(topic, ref, d, Relation.LOCALE) for loc, d in sorted(docs.items()) if d is not ref]
    by_locale: dict[str, list[Document]] = defaultdict(list)
    for doc in topic.documents:
        by_locale[doc.locale].append(doc)
    for _, same_locale in sorted(by_locale.items()):
        main = main_edition(same_locale)
        # two documents of one locale and edition are not variants of each other: nothing to compare
        pairs += [
            DocPair(topic, main, d, Relation.EDITION)
            for d in same_locale
            if edition_of(d) != edition_of(main)
        ]
    return pairs
