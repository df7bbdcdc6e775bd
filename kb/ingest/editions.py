"""Editions of an article, read from its "Applies to" block in any of the supported languages."""

from __future__ import annotations

import re

from kb.model import Segment, SegmentKind

EDITIONS: tuple[str, ...] = ("global", "germany", "21vianet", "usgov")

# The bold label that opens the block, per language ("Applies to", "Aplica-se a", …).
_LABEL = re.compile(
    r"^(applies to|aplica-se a|aplica se a|se aplica a|si applica a|область применения|применяется к|"
    r"применимо к|relativo a|s'applique à|gilt für)\s*:?\.?$",
    re.I,
)

# Patterns that name an edition inside an entry; the first that matches wins.
_EDITION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("21vianet", re.compile(r"21\s*vianet", re.I)),
    ("germany", re.compile(r"germany|alemanha|alemania|germania|германи", re.I)),
    ("usgov", re.compile(r"us government|u\.s\. government|us gov|правительств|gobierno|governo", re.I)),
)

# The product's own name in each language: an entry that is exactly this is the global edition.
_GLOBAL_NAMES = {
    "partner center", "microsoft partner center", "centro de partners", "centro per i partner",
    "центр партнеров", "центр партнеров майкрософт", "central de parceiros", "centro de parceiros",
}


def is_label(text: str) -> bool:
    return bool(_LABEL.match(text.strip().strip("*").strip()))


def classify(entry: str) -> str | None:
    """The edition an "Applies to" entry names, or None when it names none."""
    for edition, pattern in _EDITION_PATTERNS:
        if pattern.search(entry):
            return edition
    if entry.strip().rstrip(".;").strip().lower() in _GLOBAL_NAMES:
        return "global"
    return None


def applies_to_entries(segments: list[Segment] | tuple[Segment, ...]) -> list[str] | None:
    """The entries of the first "Applies to" block, or None when the document has none."""
    for i, seg in enumerate(segments):
        if seg.kind is not SegmentKind.PARAGRAPH or not is_label(seg.text):
            continue
        entries: list[str] = []
        prefix: str | None = None
        for nxt in segments[i + 1 :]:
            if nxt.kind is not SegmentKind.LIST_ITEM:
                break
            head = nxt.path.rsplit("/item[", 1)[0]
            if prefix is None:
                prefix = head
            if head != prefix:
                break
            entries.append(nxt.text)
        return entries
    return None


def editions_of(segments: list[Segment] | tuple[Segment, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(editions, unrecognised entries kept verbatim). No block, or no edition named: ``global``."""
    entries = applies_to_entries(segments) or []
    found: list[str] = []
    other: list[str] = []
    for entry in entries:
        edition = classify(entry)
        if edition is None:
            other.append(entry)
        elif edition not in found:
            found.append(edition)
    ordered = tuple(e for e in EDITIONS if e in found)
    return (ordered or ("global",)), tuple(other)
