"""Ingest speed: documents/s of ``kb.ingest.reader`` in one process, on every core and from a warm parse
cache, beside a plain markdown-it-py parse loop over the same files measured in the same run.

    .venv/bin/python bench/bench_ingest.py                 # the dev corpus
    .venv/bin/python bench/bench_ingest.py --scale 10      # a synthetic 10x corpus (bench/synth.py)

Each figure is the best of ``--repeat`` runs (the least disturbed by other work on the machine).
The ratio column is kb's rate over the markdown-it loop's: the share of the bare parse speed that
ingest keeps while it also reads front matter, HTML tables, segments, links, locale and editions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines  # noqa: E402
import common  # noqa: E402
import synth  # noqa: E402

sys.path.insert(0, str(common.ROOT))
from kb.ingest.cache import ParseCache  # noqa: E402
from kb.ingest.reader import ingest  # noqa: E402


@dataclass(frozen=True)
class Row:
    what: str
    seconds: float
    documents: int

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def measure(content: Path, jobs: int, repeat: int) -> list[Row]:
    rows: list[Row] = []
    m = common.best_of(repeat, lambda: baselines.run_parse(content))
    rows.append(Row("markdown-it-py parse loop, 1 process", m.seconds, m.items))
    m = common.best_of(repeat, lambda: len(ingest(content, jobs=1).documents))
    rows.append(Row("kb ingest, 1 process", m.seconds, m.items))
    if jobs > 1:
        m = common.best_of(repeat, lambda: len(ingest(content, jobs=jobs).documents))
        rows.append(Row(f"kb ingest, {jobs} processes", m.seconds, m.items))
    with tempfile.TemporaryDirectory(prefix="kb-bench-cache-") as out:
        ingest(content, jobs=jobs, cache=ParseCache.under(out))  # fill it
        warm = lambda: len(ingest(content, jobs=jobs, cache=ParseCache.under(out)).documents)  # noqa: E731
        m = common.best_of(repeat, warm)
        rows.append(Row("kb ingest, warm parse cache", m.seconds, m.items))
    return rows


def table(rows: list[Row]) -> str:
    floor, single = rows[0].rate, rows[1].rate
    body = [
        [r.what, common.fmt_seconds(r.seconds), str(r.documents), common.fmt_rate(r.rate),
         f"{r.rate / floor:.2f}x", f"{r.rate / single:.2f}x" if i else "—"]
        for i, r in enumerate(rows)
    ]
    return common.markdown_table(["run", "time", "docs", "docs/s", "vs markdown-it", "vs 1 process"], body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Ingest documents/s beside a markdown-it-py parse loop.")
    ap.add_argument("--content", type=Path, default=synth.DEV_CORPUS, help="corpus (default: the dev corpus)")
    ap.add_argument("--scale", type=int, default=1, help="use the synthetic corpus of this scale instead")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the parallel run")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args(argv)
    content = synth.generate(args.scale, source=args.content) if args.scale > 1 else args.content
    if not content.is_dir():
        print(f"bench_ingest: '{content}' is not a folder", file=sys.stderr)
        return 2
    rows = measure(content, args.jobs, args.repeat)
    if args.json:
        print(json.dumps([asdict(r) | {"rate": r.rate} for r in rows], indent=2))
    else:
        print(f"Ingest of {content} ({os.cpu_count()} cores, best of {args.repeat})\n")
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
