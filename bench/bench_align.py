"""Alignment cost against parsing cost, measured in the same run on the same corpus.

    .venv/bin/python bench/bench_align.py                      # the dev corpus
    .venv/bin/python bench/bench_align.py --content content    # any content folder

"parse" is ``kb.ingest.reader.ingest`` in one process; "align" is ``kb.align.topics.align`` (topics) plus
``kb.align.segments.align_segments`` over every comparison each topic offers (``kb.align.segments.topic_pairs``:
each two locales of an edition, each two editions of a locale), also in one process, starting cold
(nothing remembered from an earlier run). Each figure is the best of ``--repeat`` runs, the least
disturbed by other work on a shared machine; CPU seconds of this process are shown beside wall time.
The target: align / parse < 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb import memos  # noqa: E402
from kb.align.segments import align_segments, pair_kind, topic_pairs  # noqa: E402
from kb.align.topics import align  # noqa: E402
from kb.ingest.reader import ingest  # noqa: E402
from kb.model import Document  # noqa: E402

DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "partner-center-2019"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


def best_of(repeat: int, fn: Callable[[], object]) -> Run:
    runs = []
    for _ in range(max(1, repeat)):
        w, c = time.perf_counter(), time.process_time()
        fn()
        runs.append(Run(time.perf_counter() - w, time.process_time() - c))
    return min(runs, key=lambda r: r.wall)


def align_all(documents: tuple[Document, ...]) -> dict[str, int]:
    """Topics, then the segment alignment of every comparison of every topic."""
    memos.forget()
    alignment = align(documents)
    steps: Counter[str] = Counter()
    comparisons = 0
    for topic in alignment.topics:
        for a, b in topic_pairs(topic):
            steps.update(pair_kind(p) for p in align_segments(a, b))
            comparisons += 1
    return {"topics": len(alignment.topics), "comparisons": comparisons, **dict(sorted(steps.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--content", type=Path, default=DEV_CORPUS, help="content folder (default: dev corpus)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best is kept")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not args.content.is_dir():
        print(f"bench_align: no content folder at {args.content}", file=sys.stderr)
        return 2

    corpus = ingest(args.content, jobs=1)
    parse = best_of(args.repeat, lambda: ingest(args.content, jobs=1))
    counts = align_all(corpus.documents)
    aligned = best_of(args.repeat, lambda: align_all(corpus.documents))
    figures = {
        "content": str(args.content),
        "documents": len(corpus.documents),
        **counts,
        "parse_seconds": round(parse.wall, 3),
        "parse_cpu_seconds": round(parse.cpu, 3),
        "align_seconds": round(aligned.wall, 3),
        "align_cpu_seconds": round(aligned.cpu, 3),
        "align_over_parse": round(aligned.wall / parse.wall, 3),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        steps = ", ".join(f"{k} {v}" for k, v in counts.items() if "-" in k)
        what = f"{figures['documents']} documents, {counts['topics']} topics"
        print(f"{what}, {counts['comparisons']} comparisons ({steps})")
        print(f"parse  {parse.wall:7.3f} s   (cpu {parse.cpu:.3f} s)")
        print(f"align  {aligned.wall:7.3f} s   (cpu {aligned.cpu:.3f} s)   topics and every segment pair")
        verdict = "cheaper than parsing" if aligned.wall < parse.wall else "COSTLIER than parsing"
        print(f"align / parse = {figures['align_over_parse']:.3f}: {verdict}")
    return 0 if aligned.wall < parse.wall else 1


if __name__ == "__main__":
    sys.exit(main())
