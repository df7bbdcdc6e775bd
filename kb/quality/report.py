"""Plain-data reports of the model for the CLI's ``--json`` and the HTTP API (public shapes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from kb.model import Alignment, Corpus, Document, Finding, SegmentPair, SegmentRef, Topic


def inspect_report(corpus: Corpus) -> dict[str, Any]:
    """``kb inspect --json``: documents with counts, and every problem found."""
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in corpus.problems:
        by_path[p.path].append(p.as_dict())
    return {
        "documents": [
            {
                "path": d.path,
                "locale": d.locale,
                "locale_source": d.locale_source.value,
                "editions": list(d.editions),
                "title": d.title,
                "assetid": d.assetid,
                "segments": len(d.segments),
                "links": len(d.links),
                "problems": by_path.get(d.path, []),
            }
            for d in corpus.documents
        ],
        "problems": [p.as_dict() for p in corpus.problems],
        "redirects": [
            {"path": r.path, "locale": r.locale, "target": r.target, "target_path": r.target_path}
            for r in corpus.redirects
        ],
    }


def check_report(findings: Sequence[Finding]) -> dict[str, Any]:
    """``kb check --json``: every finding, and how many there are of each severity and kind."""
    return {
        "findings": [f.as_dict() for f in findings],
        "summary": {
            "severities": dict(Counter(f.severity.value for f in findings)),
            "kinds": dict(Counter(f.kind for f in findings)),
        },
    }


def topics_report(alignment: Alignment) -> dict[str, Any]:
    """``kb topics --json``: every topic with its documents and the evidence tying each to it."""
    return {
        "topics": [
            {
                "id": t.id,
                "slug": t.slug,
                "titles": t.titles,
                "source": t.source.path if t.source else None,
                "documents": [
                    {
                        "path": m.document.path,
                        "locale": m.document.locale,
                        "editions": list(m.document.editions),
                        "evidence": m.evidence.value,
                        "confidence": m.confidence,
                        "slug": m.slug,
                    }
                    for m in t.members
                ],
            }
            for t in alignment.topics
        ],
        "warnings": list(alignment.warnings),
    }


def segment_side(refs: Sequence[SegmentRef]) -> dict[str, Any] | None:
    """One side of a segment pair; a side of two segments (2-1, 1-2) joins their structural paths
    with ``+`` and their texts with a space; an empty side is null."""
    if not refs:
        return None
    segment = "+".join(r.segment for r in refs)
    return {"path": refs[0].path, "segment": segment, "text": " ".join(r.text for r in refs)}


def compare_report(topic: Topic, a: Document, b: Document, pairs: Sequence[SegmentPair]) -> dict[str, Any]:
    """``kb compare --json`` (and ``/api/compare``): the two documents, then every aligned pair in order."""

    def side(d: Document) -> dict[str, Any]:
        return {"path": d.path, "locale": d.locale, "editions": list(d.editions), "title": d.title}

    return {
        "topic": topic.id,
        "a": side(a),
        "b": side(b),
        "pairs": [{"a": segment_side(p.a), "b": segment_side(p.b), "score": p.score} for p in pairs],
    }
