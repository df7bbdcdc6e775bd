"""The translation checks' report for people (``kb check`` without ``--json``): findings grouped by
topic, one line each on a rich console, with a count of each severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kb.model import Alignment, Finding, Severity


def by_topic(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by topic, in the order given."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.topic, []).append(f)
    return list(groups.items())


def summary(findings: Sequence[Finding]) -> str:
    """``3 errors, 1 warning, 2 info``."""
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in Severity
        if counts[s]
    ]
    return ", ".join(parts) or "nothing to report"


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_report(out: Any, findings: Sequence[Finding], alignment: Alignment) -> None:
    """The report for people: findings grouped by topic, one line each (``out`` is a rich Console)."""
    from rich.markup import escape

    for topic_id, group in by_topic(findings):
        topic = alignment.topic(topic_id)
        title = topic.documents[0].title if topic and topic.documents else topic_id
        header = f"\n[bold]{escape(title)}[/] [dim]({escape(topic_id)})[/] — {summary(group)}"
        out.print(header, soft_wrap=True)
        for f in group:
            where = f.path or f"(no {f.locale} document; compare {f.other_path})"
            if f.segment:
                where += f" › {f.segment}"
            if f.line:
                where += f" (line {f.line})"
            out.print(
                f"  [{_STYLE[f.severity]}]{f.severity.value:<7}[/] {f.locale:<5} {f.kind:<19} "
                f"{escape(where)}: {escape(f.message)}",
                soft_wrap=True,  # one finding per line, whatever the terminal's width: grep-able
            )
    out.print(f"\n{len(findings)} findings: {summary(findings)}")
