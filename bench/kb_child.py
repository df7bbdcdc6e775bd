"""What bench/run.py runs in a fresh interpreter, so that each measurement has its own memory.

    kb_child.py build CONTENT OUT [--jobs N] [--no-cache]   → {"seconds", "timings", "documents", …}
    kb_child.py query OUT QUERIES.json                       → {"latencies": [seconds, …], "errors": n}

``seconds`` is the wall time of the ``kb.build.pipeline.build`` call itself (interpreter start and imports are
left out: the process's total is what the caller measures around it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cmd_build(args: argparse.Namespace) -> dict[str, object]:
    from kb.build.pipeline import build
    from kb.output.options import BuildOptions

    t0 = time.perf_counter()
    result = build(args.content, args.out, BuildOptions(jobs=args.jobs, parse_cache=not args.no_cache))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "timings": result.timings,
        "documents": len(result.corpus.documents),
        "topics": len(result.alignment.topics),
        "problems": len(result.corpus.problems),
    }


def cmd_query(args: argparse.Namespace) -> dict[str, object]:
    from kb.errors import KbError
    from kb.search.query import search, warm
    from kb.serve.api import WARM_SECONDS

    queries: list[str] = json.loads(Path(args.queries).read_text(encoding="utf-8"))
    index = Path(args.out) / "index"
    # Opened and warmed as `kb serve` does at start (KB_WARM_SECONDS), so that both measurements start
    # alike: opening the release and reading the longest posting lists are one-off costs, not a query's.
    warm(index, WARM_SECONDS)
    search(index, queries[0])
    latencies: list[float] = []
    errors = 0
    for q in queries:
        t0 = time.perf_counter()
        try:
            search(index, q)
        except KbError:
            errors += 1
        latencies.append(time.perf_counter() - t0)
    return {"latencies": latencies, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("content")
    b.add_argument("out")
    b.add_argument("--jobs", type=int, default=1)
    b.add_argument("--no-cache", action="store_true")
    q = sub.add_parser("query")
    q.add_argument("out")
    q.add_argument("queries")
    args = ap.parse_args(argv)
    data = cmd_build(args) if args.cmd == "build" else cmd_query(args)
    print(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
