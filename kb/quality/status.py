"""The data of the site's translation status page: topics × locales, each document with its findings
counted, whether it is stale or machine-translated, and the document it is compared with (the status
page links the compare page), and the findings a compare page of two documents lists.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.model import Alignment, Corpus, Document, Finding, FindingCounts, Severity, Topic
from kb.quality.pairs import edition_groups, edition_of, main_edition, reference


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One document of a topic in one locale, as the status page shows it."""

    path: str
    """The document's path relative to the content root."""
    edition: str
    """The edition it is compared within."""
    compare_with: str | None
    """The document it is compared with (the reference of its edition, or the main edition of its
    locale); None when there is none."""
    stale: bool
    """Translated from an older source than the newest locale's."""
    machine_translated: bool
    """``ms.translationtype: MT``."""
    counts: tuple[int, int, int]
    """Findings about the document: (errors, warnings, info)."""
    kinds: tuple[str, ...] = ()
    """The kinds of those findings, each once."""


@dataclass(frozen=True, slots=True)
class StatusRow:
    """A topic and the state of each locale of the corpus in it."""

    topic: str
    """Topic id."""
    cells: tuple[tuple[str, tuple[StatusEntry, ...]], ...]
    """(locale, its documents) for every locale of the corpus; no documents: the topic lacks it."""


def _compare_with(topic: Topic, doc: Document, source: str | None) -> str | None:
    groups = edition_groups(topic)
    docs = groups.get(edition_of(doc), {})
    ref = reference(docs, source) if docs else None
    if ref is not None and ref is not doc:
        return ref.path
    others = [d for loc, d in sorted(docs.items()) if d is not doc]
    if others:
        return others[0].path
    same_locale = [d for d in topic.documents if d.locale == doc.locale and d is not doc]
    return main_edition(same_locale).path if same_locale else None


def count_findings(findings: Iterable[Finding]) -> dict[str, FindingCounts]:
    """Document path → :class:`FindingCounts` of ``findings`` (those about an absent document are not
    counted: they have no path)."""
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    kinds: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.path is not None:
            counts[f.path][f.severity] += 1
            kinds[f.path].add(f.kind)
    return {
        path: FindingCounts(
            c[Severity.ERROR], c[Severity.WARNING], c[Severity.INFO], "stale" in kinds[path], tuple(sorted(kinds[path]))
        )
        for path, c in counts.items()
    }


def translation_status(
    corpus: Corpus, alignment: Alignment, counts: Mapping[str, FindingCounts], source: str | None = None
) -> list[StatusRow]:
    """Topics × locales: which documents exist, which are stale or machine-translated, how many
    findings each has (``counts``, from :func:`count_findings`), and what each is compared with (the
    site links the compare page)."""
    none = FindingCounts()
    all_locales = sorted({d.locale for d in corpus.documents})
    rows = []
    for topic in alignment.topics:
        cells = []
        for loc in all_locales:
            entries = tuple(
                StatusEntry(
                    doc.path,
                    edition_of(doc),
                    _compare_with(topic, doc, source),
                    counts.get(doc.path, none).stale,
                    doc.translation.type == "MT",
                    counts.get(doc.path, none).severities(),
                    counts.get(doc.path, none).kinds,
                )
                for doc in topic.documents
                if doc.locale == loc
            )
            cells.append((loc, entries))
        rows.append(StatusRow(topic.id, tuple(cells)))
    return rows


def findings_about(findings: Sequence[Finding], paths: Iterable[str]) -> tuple[Finding, ...]:
    """The findings about any of the documents at ``paths`` (as the compare page of two shows them)."""
    wanted = set(paths)
    return tuple(f for f in findings if f.path in wanted)
