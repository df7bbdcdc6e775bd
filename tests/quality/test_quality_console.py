"""The checks' report for people (kb.quality.console): grouped by topic, one finding a line, counted."""

from __future__ import annotations

import io

from rich.console import Console

from kb.model import Alignment, Finding, Severity
from kb.quality.console import by_topic, print_report, summary


def finding(topic: str, severity: Severity, path: str | None = "pt-br/a.md", message: str = "m", **more) -> Finding:
    fields = {"kind": "broken_link", "severity": severity, "topic": topic, "locale": "pt-BR", "other_locale": None,
              "path": path, "other_path": None, "segment": None, "other_segment": None, "line": None,
              "message": message} | more
    return Finding(**fields)


def test_summary_counts_each_severity_and_says_when_there_is_nothing():
    assert summary([]) == "nothing to report"
    found = [finding("t", Severity.ERROR)] + [finding("t", Severity.WARNING)] * 2 + [finding("t", Severity.INFO)] * 3
    assert summary(found) == "1 error, 2 warnings, 3 info"
    assert summary([finding("t", Severity.INFO)]) == "1 info"


def test_by_topic_keeps_the_order_of_first_appearance():
    a1, b1, a2 = finding("a", Severity.ERROR), finding("b", Severity.INFO), finding("a", Severity.WARNING)
    assert by_topic([b1, a1, a2]) == [("b", [b1]), ("a", [a1, a2])]


def test_print_report_puts_each_finding_on_one_line_and_prints_markup_as_text():
    long = "x" * 150 + " [bold]not markup[/]"
    found = [
        finding("t1", Severity.ERROR, message=long, segment="p[0]", line=7),
        finding("t1", Severity.INFO, path=None, other_path="es-es/a.md", kind="missing_translation", message="gone"),
    ]
    out = io.StringIO()
    print_report(Console(file=out, width=60, highlight=False, color_system=None), found, Alignment([]))
    lines = out.getvalue().splitlines()
    assert lines[1] == "t1 (t1) — 1 error, 1 info"  # no topic of that id: its id stands for the title
    assert lines[2].startswith("  error   pt-BR broken_link         pt-br/a.md › p[0] (line 7): xxx")
    assert lines[2].endswith("[bold]not markup[/]")
    assert lines[3] == "  info    pt-BR missing_translation (no pt-BR document; compare es-es/a.md): gone"
    assert lines[-1] == "2 findings: 1 error, 1 info"
