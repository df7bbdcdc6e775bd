"""Plain-data reports of the model for the CLI's ``--json`` and the HTTP API (public shapes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from kb.model import Corpus, Finding


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
