"""Progress reporting: plain lines off a terminal, rich bars on one, nothing when quiet."""

from __future__ import annotations

import io
import os
import re

from kb.ingest.reader import ingest
from kb.progress import PlainProgress, reporter, stage

DOC = "---\ntitle: Doc {n}\nms.contentlocale: pt-BR\n---\n# Doc {n}\n\nTexto.\n"


def lines(stream: io.StringIO) -> list[str]:
    return [re.sub(r"\d+\.\d s", "T s", line) for line in stream.getvalue().splitlines()]


def test_plain_lines_at_start_each_tenth_and_end():
    out = io.StringIO()
    p = PlainProgress(out)
    for done in (0, 5, 10, 15, 50, 99, 100):
        p("ingest", done, 100)
    with stage(p, "align"):
        pass
    assert lines(out) == [
        "kb build: ingest: started, 100 items",
        "kb build: ingest: 10/100 (10%)",
        "kb build: ingest: 50/100 (50%)",
        "kb build: ingest: 99/100 (90%)",
        "kb build: ingest: 100/100 done in T s",
        "kb build: align: started",
        "kb build: align: done in T s",
    ]


def test_quiet_reports_nothing_and_a_pipe_gets_plain_lines():
    with reporter(quiet=True) as p:
        assert p is None
    out = io.StringIO()
    with reporter(stream=out) as p:
        assert isinstance(p, PlainProgress)


def test_a_terminal_gets_rich_bars():
    master, slave = os.openpty()
    with open(slave, "w", encoding="utf-8") as tty, reporter(stream=tty) as p:
        assert p is not None and type(p).__name__ == "RichProgress"
        p("ingest", 0, 4)
        p("ingest", 4, 4)
    shown = b""
    while True:  # everything written, until the closed terminal reports its end (EIO)
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    text = shown.decode("utf-8", "replace")
    assert "ingest" in text and "4/4" in text


def test_ingest_reports_from_zero_to_total(tmp_path):
    for i in range(40):
        (tmp_path / f"d{i:02d}.md").write_text(DOC.format(n=i), encoding="utf-8")
    for jobs in (1, 2):
        calls: list[tuple[str, int, int]] = []
        ingest(tmp_path, jobs=jobs, progress=lambda s, d, t, calls=calls: calls.append((s, d, t)))
        assert calls[0] == ("ingest", 0, 40) and calls[-1] == ("ingest", 40, 40)
        done = [d for _, d, _ in calls]
        assert done == sorted(done) and len(calls) >= 3
