"""Benchmark of the search index and query API on the dev corpus, beside raw Whoosh in the same run.

Prints index build documents/s and query latency p50/p95 — kb in-process (``kb.search.query.search``), kb over
HTTP (a real ``kb serve`` on loopback, one keep-alive client), and raw Whoosh (StandardAnalyzer, one
writer, MultifieldParser over title/headings/body, top 10 with stored paths) on the same documents —
with kb's overhead as a ratio. kb does more per query than the raw baseline (every language's
analysis, grouping by topic, translations, snippets, did-you-mean), which the ratio includes.

    .venv/bin/python bench/bench_search.py [--corpus DIR] [--rounds N] [--repeat N] [--jobs N]

With ``--index DIR`` (an index folder written by ``kb.search.index.write_index``, e.g. of a synthetic 10x or
100x corpus) nothing is built: the queries of ``bench/run.py`` (title words of ``--corpus``) are run
once each, in-process and over HTTP, and p50/p95/p99 printed.

    .venv/bin/python bench/bench_search.py --index /tmp/kb-idx100 --corpus /tmp/kb-bench/corpus-x100-seed7
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "search"))  # (test_support_questions.py: the questions timed)

from kb.align.topics import align  # noqa: E402
from kb.build.releases import publish  # noqa: E402
from kb.ingest.reader import ingest  # noqa: E402
from kb.model import Corpus  # noqa: E402
from kb.output.options import BuildOptions  # noqa: E402
from kb.search.index import write_index  # noqa: E402
from kb.search.layout import body_text, headings_text  # noqa: E402
from kb.search.query import search  # noqa: E402
from kb.search.release import Release  # noqa: E402

DEV_CORPUS = ROOT.parent / "shared" / "corpus" / "partner-center-2019"

# Short queries a support agent types, in each language, with some syntax; the 20 support
# questions of tests/search/test_support_questions.py are added to them.
SHORT_QUERIES: list[tuple[str | None, str]] = [
    (None, "assinatura"), (None, "подписка"), (None, "suscripción"), (None, "abbonamento"),
    (None, "Azure"), (None, "CSP"), (None, "faturamento"), (None, "счет"), (None, "factura"),
    (None, "fattura"), (None, '"Partner Center"'), (None, "title:Azure"), (None, "assin*"),
    (None, "assinatrua"), ("it-IT", "cancelar assinatura"), ("auto", "reservas de Azure"),
    ("ru-RU", "Azure"), (None, "licenças usuários"), (None, "impostos"), (None, "MFA"),
]


def queries() -> list[tuple[str | None, str]]:
    from test_support_questions import QUESTIONS

    return SHORT_QUERIES + [(locale, question) for locale, question, _ in QUESTIONS]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latencies(run: Callable[[str | None, str], object], qs: list[tuple[str | None, str]],
              rounds: int) -> list[float]:
    for locale, q in qs:  # warm up: open the index, fill caches
        run(locale, q)
    out = []
    for _ in range(rounds):
        for locale, q in qs:
            t0 = time.perf_counter()
            run(locale, q)
            out.append(time.perf_counter() - t0)
    return out


# --- raw Whoosh -----------------------------------------------------------------------------------


def raw_index(corpus: Corpus, dest: Path) -> None:
    from whoosh import index
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    dest.mkdir(parents=True)
    analyzer = StandardAnalyzer()
    schema = Schema(path=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer),
                    headings=TEXT(analyzer=analyzer), body=TEXT(analyzer=analyzer))
    ix = index.create_in(str(dest), schema)
    writer = ix.writer(limitmb=256)
    for doc in corpus.documents:
        writer.add_document(path=doc.path, title=doc.title, headings=headings_text(doc), body=body_text(doc))
    writer.commit()


def raw_searcher(dest: Path) -> Callable[[str | None, str], object]:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(dest))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "headings", "body"], ix.schema)

    def run(locale: str | None, q: str) -> object:
        return [hit["path"] for hit in searcher.search(parser.parse(q), limit=10)]

    return run


# --- kb over HTTP ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_latencies(build: Path, qs: list[tuple[str | None, str]], rounds: int) -> list[float]:
    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--build", str(build), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("kb serve did not start within 60 s")
                time.sleep(0.1)

            def run(locale: str | None, q: str) -> object:
                params = {"q": q, **({"locale": locale} if locale else {})}
                response = client.get("/api/search", params=params)
                response.raise_for_status()
                return response.json()

            return latencies(run, qs, rounds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- report ---------------------------------------------------------------------------------------


def best_seconds(repeat: int, fn: Callable[[int], None]) -> float:
    """The fastest of ``repeat`` runs (the least disturbed on a shared machine)."""
    best = math.inf
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        best = min(best, time.perf_counter() - t0)
    return best


def prebuilt(index: Path, content: Path, n: int) -> int:
    """Query latencies (each query once, as bench/run.py runs them) of a prebuilt index."""
    sys.path.insert(0, str(ROOT / "bench"))
    import resource

    from run import http_latency, queries_for

    qs = queries_for(content, n, 7)
    t0 = time.perf_counter()
    search(index, qs[0])
    print(f"{index}: opened in {time.perf_counter() - t0:.2f} s; {len(qs)} queries")
    samples = []
    for q in qs:
        t0 = time.perf_counter()
        search(index, q)
        samples.append(time.perf_counter() - t0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print("in-process p50/p95/p99: " + " / ".join(f"{percentile(samples, p) * 1000:.1f}" for p in (50, 95, 99))
          + f" ms (peak RSS {rss} MiB)")
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        out = Path(tmp)  # a build folder whose current release's index is the given one
        (out / "releases" / "prebuilt").mkdir(parents=True)
        (out / "releases" / "prebuilt" / "index").symlink_to(index.resolve())
        (out / "releases" / "prebuilt" / "site").mkdir()
        publish(out, out / "releases" / "prebuilt")
        http = http_latency(out, qs)
    print(f"HTTP: {http}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEV_CORPUS, help="content folder (default: dev corpus)")
    ap.add_argument("--rounds", type=int, default=5, help="times each query is run for the latencies")
    ap.add_argument("--repeat", type=int, default=2, help="index builds timed per side (the best counts)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parser processes for ingest")
    ap.add_argument("--index", type=Path, help="a prebuilt index folder: only its query latencies")
    ap.add_argument("--queries", type=int, default=300, help="with --index: bench/run.py queries to run")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    if args.index is not None:
        return prebuilt(args.index, args.corpus, args.queries)

    t0 = time.perf_counter()
    corpus = ingest(args.corpus, jobs=args.jobs)
    alignment = align(corpus.documents)
    n = len(corpus.documents)
    print(f"corpus {args.corpus}: {n} documents, {len(alignment.topics)} topics "
          f"(ingest + align {time.perf_counter() - t0:.1f} s, {os.cpu_count()} CPUs)")
    qs = queries()

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        work = Path(tmp)
        out = work / "out"
        release = out / "releases" / "bench"

        def build_kb(i: int) -> None:
            dest = release / "index" if i == 0 else work / f"kb-{i}"
            write_index(dest, corpus, alignment, BuildOptions(jobs=args.jobs))

        def build_raw(i: int) -> None:
            raw_index(corpus, work / f"raw-{i}")

        kb_s = best_seconds(args.repeat, build_kb)
        raw_s = best_seconds(args.repeat, build_raw)
        (release / "manifest.json").write_text("{}", encoding="utf-8")
        publish(out, release)

        t_open = time.perf_counter()  # opening (index, catalog) is not a query: measured apart
        Release.open(release / "index").close()
        open_s = time.perf_counter() - t_open

        def kb_query(locale: str | None, q: str) -> object:
            return search(out / "index", q, locale=locale)

        kb_lat = latencies(kb_query, qs, args.rounds)
        raw_lat = latencies(raw_searcher(work / "raw-0"), qs, args.rounds)
        http_lat = http_latencies(out, qs, args.rounds)

    raw_p50, raw_p95 = percentile(raw_lat, 50), percentile(raw_lat, 95)
    rows = [
        ("index build", f"{n / kb_s:,.0f} docs/s ({kb_s:.2f} s)", f"{n / raw_s:,.0f} docs/s ({raw_s:.2f} s)",
         f"{kb_s / raw_s:.2f}x time"),
    ]
    for name, lat in (("query in-process", kb_lat), ("query HTTP", http_lat)):
        p50, p95 = percentile(lat, 50), percentile(lat, 95)
        for label, mine, raw in (("p50", p50, raw_p50), ("p95", p95, raw_p95)):
            ms = (f"{mine * 1000:.1f} ms", f"{raw * 1000:.1f} ms")
            rows.append((f"{name} {label}", *ms, f"{mine / raw:.1f}x"))
    print(f"{len(qs)} queries x {args.rounds} rounds; opening a release (index + catalog): {open_s:.2f} s; "
          f"mean in-process {statistics.mean(kb_lat) * 1000:.1f} ms\n")
    header = ("measure", "kb", "raw Whoosh", "kb / raw")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
