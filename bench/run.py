"""The kb benchmark: one entry point, one table, baselines measured in the same run.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/run.py            # 1x, 10x, 100x
    .venv/bin/python bench/run.py --scales 1,10        # a shorter run
    .venv/bin/python bench/run.py --quick              # the dev corpus only, fewer queries

For each scale (1 = the dev corpus; 10 and 100 = synthetic corpora from bench/synth.py) it measures:

* kb's full build in a fresh process, cold (new build folder, empty parse cache): the time of each
  stage from ``BuildResult.timings`` (ingest, align, index, render = the ``site`` output; a stage not
  registered yet is shown as absent), the process's wall time, and the peak memory of the process
  and all its workers (sampled every 20 ms, then every 1 % of the time so far; the kernel's
  per-process maximum as a floor);
* on the dev corpus, a rebuild after one file changed, twice: a new ``kb build`` process (parse cache
  warm, nothing else in memory), and the rebuilds of a real ``kb serve --watch`` (whose build session
  keeps each stage's memos): the median build call it logs, and the median time from writing the file
  to the new release being published;
* query latency p50/p95/p99, in-process (``kb.search.query.search``) and over HTTP (``kb serve``, one
  keep-alive connection), when those exist;
* the baselines over the same Markdown: MkDocs (one project per locale), Hugo (one site, four
  languages), raw Whoosh and a markdown-it-py render loop (see bench/baselines.py).

Then it prints the targets of issue 7 with PASS/FAIL beside each (never an assertion: a benchmark
reports). ``--json FILE`` keeps every number.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import queue
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import baselines  # noqa: E402
import common  # noqa: E402
import synth  # noqa: E402

STAGES = (("ingest", "ingest"), ("align", "align"), ("index", "index"), ("pagefind", "pagefind"), ("render", "site"))
BASELINES = ("mkdocs", "hugo", "whoosh", "render")
DEFAULT_WORK = synth.DEFAULT_BASE / "work"
EDIT_SENTENCE = "Uma frase nova, escrita para medir uma reconstrução."
_TITLE = re.compile(r"^title\s*:\s*['\"]?(.*?)['\"]?\s*$", re.M)
_QUERY_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass
class Latency:
    p50: float
    p95: float
    p99: float
    count: int
    errors: int = 0

    @classmethod
    def of(cls, samples: list[float], errors: int = 0) -> Latency:
        qs = statistics.quantiles(samples, n=100, method="inclusive")
        return cls(qs[49], qs[94], qs[98], len(samples), errors)

    def __str__(self) -> str:
        return f"{self.p50 * 1000:.1f} / {self.p95 * 1000:.1f} / {self.p99 * 1000:.1f} ms"


@dataclass
class ScaleResult:
    scale: int
    content: str
    documents: int = 0
    build_seconds: float | None = None
    """Wall time of the ``build()`` call."""
    process_seconds: float | None = None
    """Wall time of the build process (interpreter start, imports, build)."""
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss: int | None = None
    process_peak_rss: int | None = None
    rebuild_seconds: float | None = None
    rebuild_timings: dict[str, float] = field(default_factory=dict)
    watch_rebuild_seconds: float | None = None
    """Median build call of ``kb serve --watch`` after one file changed (its session is warm)."""
    watch_published_seconds: float | None = None
    """Median time from writing the file to the new release being published (polling included)."""
    query: Latency | None = None
    http: Latency | None = None
    baselines: dict[str, baselines.Baseline] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- kb ------------------------------------------------------------------------------------------


def kb_build(
    content: Path, out: Path, jobs: int, timeout: float | None = None
) -> tuple[dict[str, Any], common.ChildRun]:
    common.set_aside(out)
    return common.run_python_json("kb_child.py", "build", str(content), str(out), "--jobs", str(jobs),
                                  timeout=timeout)


def one_file_rebuild(content: Path, work: Path, jobs: int, r: ScaleResult) -> None:
    """Build a copy of the corpus, change one article, and time the second build."""
    copy = work / "rebuild-content"
    common.set_aside(copy)
    shutil.copytree(content, copy, symlinks=False)
    out = work / "rebuild-out"
    kb_build(copy, out, jobs)
    article = sorted(common.markdown_files(common.locale_dirs(copy)[0]))[len(r.content) % 7]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + f"\n\n{EDIT_SENTENCE}\n", encoding="utf-8")
    data, _ = common.run_python_json("kb_child.py", "build", str(copy), str(out), "--jobs", str(jobs))
    r.rebuild_seconds, r.rebuild_timings = data["seconds"], data["timings"]
    common.set_aside(copy)
    common.set_aside(out)


_REBUILT = re.compile(r"kb serve: rebuilt (\d+) documents in ([\d.]+) s")


def watch_rebuilds(content: Path, work: Path, jobs: int, r: ScaleResult, edits: int = 9, warmup: int = 2) -> None:
    """Run a real ``kb serve --watch`` on a copy of the corpus, change one article ``warmup + edits``
    times, and time the last ``edits`` rebuilds: the build call the watcher logs, and from the write
    until the new release is published (which adds the watcher's poll and settle intervals, 0.3 s
    each). The first rebuilds of a watcher link a fresh folder tree for their release (from the third
    on, a build recycles an older release's): they are reported apart, in the notes."""
    copy = work / "watch-content"
    out = work / "watch-out"
    for folder in (copy, out):
        common.set_aside(folder)
    shutil.copytree(content, copy, symlinks=False)
    port = free_port()
    server = subprocess.Popen(
        [common.PYTHON, "-m", "kb", "serve", "--build", str(out), "--content", str(copy), "--watch",
         "--jobs", str(jobs), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=common.ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(server, lines), daemon=True).start()
    try:
        _next_rebuild(lines, server, timeout=1800)  # the first, full build
        article = sorted(common.markdown_files(common.locale_dirs(copy)[0]))[len(r.content) % 7]
        builds, latencies = [], []
        for k in range(warmup + edits):
            text = article.read_text(encoding="utf-8")
            t0 = time.perf_counter()
            article.write_text(text.rstrip("\n") + f"\n\n{EDIT_SENTENCE} ({k})\n", encoding="utf-8")
            builds.append(_next_rebuild(lines, server, timeout=300))
            latencies.append(time.perf_counter() - t0)
        first = ", ".join(common.fmt_seconds(b) for b in builds[:warmup])
        r.notes.append(f"{r.scale}x: the first {warmup} rebuilds of kb serve --watch took {first} (fresh release "
                       f"folders); the median of the next {edits} is reported")
        r.watch_rebuild_seconds = statistics.median(builds[warmup:])
        r.watch_published_seconds = statistics.median(latencies[warmup:])
    finally:
        stop(server)
        common.set_aside(copy)
        common.set_aside(out)


def stop(server: subprocess.Popen[Any]) -> None:
    """Stop a ``kb serve`` started by the benchmark: politely, then for good after 10 s."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _pump(server: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert server.stderr is not None
    for line in server.stderr:
        lines.put(line)


def _next_rebuild(lines: queue.Queue[str], server: subprocess.Popen[str], timeout: float) -> float:
    """Seconds of the next build the watcher reports."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.05)
        except queue.Empty:
            if server.poll() is not None:
                raise RuntimeError(f"kb serve --watch exited {server.returncode}") from None
            continue
        if "rebuild failed" in line:
            raise RuntimeError(line.strip())
        if m := _REBUILT.search(line):
            return float(m.group(2))
    raise RuntimeError(f"kb serve --watch reported no rebuild within {timeout:.0f} s")


def queries_for(content: Path, n: int, seed: int) -> list[str]:
    """``n`` one- and two-word queries from article titles in every locale (deterministic)."""
    words: list[str] = []
    files = common.document_files(content)
    for f in files[:: max(1, len(files) // 2000)]:
        m = _TITLE.search(f.read_text(encoding="utf-8")[:3000])
        if m:
            words.extend(w.lower() for w in _QUERY_WORD.findall(m.group(1).split("|")[0]))
    rng = random.Random(seed)
    words = sorted(set(words))
    if len(words) < 2:
        raise ValueError(f"{content.name}: fewer than two title words to make queries from")
    return [" ".join(rng.sample(words, rng.choice((1, 1, 2)))) for _ in range(n)]


def search_available() -> bool:
    return importlib.util.find_spec("kb.search.query") is not None


def serve_available() -> bool:
    from kb.cli import COMMANDS

    return "serve" in COMMANDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_latency(out: Path, queries: list[str]) -> Latency:
    """Start ``kb serve`` on a free loopback port, time the queries over one connection, stop it."""
    port = free_port()
    server = subprocess.Popen(
        [common.PYTHON, "-m", "kb", "serve", "--build", str(out), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=common.ROOT,
    )
    try:
        conn = _wait_for(port, server)
        conn.request("GET", f"/api/search?q={quote(queries[0])}")  # first query opens the index
        conn.getresponse().read()
        samples, errors = [], 0
        for q in queries:
            t0 = time.perf_counter()
            conn.request("GET", f"/api/search?q={quote(q)}")
            resp = conn.getresponse()
            resp.read()
            samples.append(time.perf_counter() - t0)
            errors += resp.status != 200
        conn.close()
        return Latency.of(samples, errors)
    finally:
        stop(server)


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            err = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"kb serve exited {server.returncode}: {err[-800:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with contextlib.suppress(OSError):
            conn.request("GET", "/api/health")
            if conn.getresponse().read() is not None:
                return conn
        conn.close()
        time.sleep(0.2)
    raise RuntimeError("kb serve did not answer /api/health within 60 s")


# --- one scale -----------------------------------------------------------------------------------


def run_scale(scale: int, args: argparse.Namespace, work: Path) -> ScaleResult:
    content = args.content if scale == 1 else synth.generate(scale, args.seed, args.content)
    r = ScaleResult(scale, str(content))
    tag = f"{scale}x"
    out = work / f"out-x{scale}"
    log(f"{tag}: kb build of {content}")
    try:
        data, run = kb_build(content, out, args.jobs, args.timeout)
        r.documents, r.timings = data["documents"], data["timings"]
        r.build_seconds, r.process_seconds = data["seconds"], run.seconds
        r.peak_rss, r.process_peak_rss = run.tree_peak_rss, run.process_peak_rss
    except RuntimeError as exc:
        r.notes.append(f"{tag}: kb build failed: {exc}")
        log(r.notes[-1])
        return r
    # The build's files go to disk in the background for a while after it returns (the 100x release is
    # gigabytes): flushed here, so that the query measurements that follow do not pay for that writing.
    t0 = time.perf_counter()
    os.sync()
    log(f"{tag}: the build's writes flushed in {time.perf_counter() - t0:.1f} s")
    queries = queries_for(content, args.queries, args.seed)
    if not search_available():
        r.notes.append(f"{tag}: query latency skipped: kb.search.query does not exist yet")
    else:
        qfile = work / f"queries-x{scale}.json"
        qfile.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        log(f"{tag}: {len(queries)} queries in-process")
        try:
            qdata, _ = common.run_python_json("kb_child.py", "query", str(out), str(qfile))
            r.query = Latency.of(qdata["latencies"], qdata["errors"])
        except RuntimeError as exc:
            r.notes.append(f"{tag}: in-process queries failed: {exc}")
    if not serve_available():
        r.notes.append(f"{tag}: HTTP latency skipped: `kb serve` does not exist yet")
    else:
        log(f"{tag}: {len(queries)} queries over HTTP")
        try:
            r.http = http_latency(out, queries)
        except RuntimeError as exc:
            r.notes.append(f"{tag}: HTTP queries failed: {exc}")
    if not args.keep:
        common.set_aside(out)
    if scale == 1:
        log(f"{tag}: one-file rebuild")
        try:
            one_file_rebuild(content, work, args.jobs, r)
        except RuntimeError as exc:
            r.notes.append(f"{tag}: rebuild failed: {exc}")
        log(f"{tag}: one-file rebuilds in kb serve --watch")
        try:
            watch_rebuilds(content, work, args.jobs, r)
        except RuntimeError as exc:
            r.notes.append(f"{tag}: watch rebuilds failed: {exc}")
    for name in BASELINES:
        if name in args.skip or scale > args.baseline_max_scale:
            continue
        if name == "mkdocs" and scale > args.mkdocs_max_scale:
            r.notes.append(f"{tag}: MkDocs skipped above {args.mkdocs_max_scale}x (--mkdocs-max-scale): "
                           "every page renders the whole nav, so a 18,600-page project takes hours")
            continue
        log(f"{tag}: baseline {name}")
        try:
            if name == "mkdocs":
                r.baselines[name] = baselines.mkdocs(content, work)
            elif name == "hugo":
                r.baselines[name] = baselines.hugo(content, work)
            else:
                r.baselines[name] = baselines.floor(name, content, work)
        except (RuntimeError, OSError) as exc:
            r.notes.append(f"{tag}: baseline {name} failed: {exc}")
            log(r.notes[-1])
    return r


# --- the report ----------------------------------------------------------------------------------


def _time_rate(seconds: float | None, docs: int) -> str:
    if seconds is None:
        return "absent"
    rate = f" · {docs / seconds:,.0f} docs/s" if seconds > 0 and docs else ""
    return common.fmt_seconds(seconds) + rate


def _ratio(baseline: float | None, kb: float | None) -> str:
    if not baseline or not kb:
        return "—"
    return f"{baseline / kb:.2f}x"


def results_table(results: list[ScaleResult]) -> str:
    headers = [""] + [f"{r.scale}x ({r.documents:,} docs)" if r.documents else f"{r.scale}x (no build)"
                      for r in results]
    rows: list[list[str]] = []

    def row(label: str, fn: Any) -> None:
        rows.append([label] + [fn(r) for r in results])

    for label, key in STAGES:
        name = f"kb {label}" + (" (site)" if key == "site" else "")
        row(name, lambda r, k=key: _time_rate(r.timings.get(k), r.documents))
    row("kb full build (build call)", lambda r: _time_rate(r.build_seconds, r.documents))
    row("kb full build (process)", lambda r: _time_rate(r.process_seconds, r.documents))
    row("kb peak memory (all processes, PSS)", lambda r: common.fmt_bytes(r.peak_rss))
    row("kb peak memory (largest process)", lambda r: common.fmt_bytes(r.process_peak_rss))
    row("kb build again, 1 file changed", lambda r: common.fmt_seconds(r.rebuild_seconds))
    row("kb serve --watch rebuild, 1 file changed", lambda r: common.fmt_seconds(r.watch_rebuild_seconds))
    row("…from the write to the new release served", lambda r: common.fmt_seconds(r.watch_published_seconds))
    row("query in-process p50/p95/p99", lambda r: str(r.query) if r.query else "—")
    row("query HTTP p50/p95/p99", lambda r: str(r.http) if r.http else "—")
    names = {"mkdocs": "MkDocs, 1 project per locale", "hugo": "Hugo, 1 site × 4 languages",
             "whoosh": "raw Whoosh index", "render": "markdown-it-py render loop"}
    for key, label in names.items():
        def cell(r: ScaleResult, k: str = key) -> str:
            b = r.baselines.get(k)
            return f"{_time_rate(b.seconds, b.documents)} · {common.fmt_bytes(b.peak_rss)}" if b else "—"
        row(label, cell)

    def base(r: ScaleResult, k: str) -> float | None:
        b = r.baselines.get(k)
        return b.seconds if b else None

    row("MkDocs time ÷ kb build", lambda r: _ratio(base(r, "mkdocs"), r.process_seconds))
    row("Hugo time ÷ kb build", lambda r: _ratio(base(r, "hugo"), r.process_seconds))
    row("raw Whoosh ÷ kb index", lambda r: _ratio(base(r, "whoosh"), r.timings.get("index")))
    row("markdown-it render ÷ kb render", lambda r: _ratio(base(r, "render"), r.timings.get("site")))
    return common.markdown_table(headers, rows)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def targets(results: list[ScaleResult]) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/FAIL/n/a) for each target of issue 7."""
    by = {r.scale: r for r in results}
    out: list[tuple[str, str, str]] = []
    one = by.get(1)
    mk = one.baselines.get("mkdocs") if one else None
    if one and mk and one.process_seconds:
        ratio = mk.seconds / one.process_seconds
        out.append(("full build ≥3x faster than MkDocs (dev corpus)", f"{ratio:.2f}x", _verdict(ratio >= 3)))
    else:
        out.append(("full build ≥3x faster than MkDocs (dev corpus)", "not measured", "n/a"))
    hugo = one.baselines.get("hugo") if one else None
    if one and one.watch_rebuild_seconds is not None:
        # Judged on the rebuild writers wait for: kb serve --watch, whose stages keep their memos.
        seconds = one.watch_rebuild_seconds
        ok = seconds < 0.5 and (hugo is None or seconds < hugo.seconds)
        hugo_s = f"; Hugo full build {common.fmt_seconds(hugo.seconds)}" if hugo else ""
        cli = f"; a new kb build process {common.fmt_seconds(one.rebuild_seconds)}" if one.rebuild_seconds else ""
        measured = f"kb serve --watch {common.fmt_seconds(seconds)}{cli}{hugo_s}"
        out.append(("1-file rebuild < 0.5 s and faster than Hugo", measured, _verdict(ok)))
    else:
        out.append(("1-file rebuild < 0.5 s and faster than Hugo", "not measured", "n/a"))
    top = by.get(100)
    for label, lat, limit in (("query p95 < 20 ms in-process at 100x", top.query if top else None, 0.020),
                              ("query p95 < 50 ms over HTTP at 100x", top.http if top else None, 0.050)):
        measured = f"{lat.p95 * 1000:.1f} ms" if lat else "not measured"
        out.append((label, measured, _verdict(lat.p95 < limit if lat else None)))
    ten = by.get(10)
    if ten and top and ten.build_seconds and top.build_seconds:
        growth = (top.build_seconds / top.documents) / (ten.build_seconds / ten.documents)
        measured = f"{growth:.2f}x time per document"
        out.append(("build time linear within 1.3x from 10x to 100x", measured, _verdict(growth <= 1.3)))
    else:
        out.append(("build time linear within 1.3x from 10x to 100x", "needs --scales 10,100", "n/a"))
    if top and top.peak_rss:
        ok = top.peak_rss < 2 * 10**9
        out.append(("peak memory < 2 GB at 100x", common.fmt_bytes(top.peak_rss), _verdict(ok)))
    else:
        out.append(("peak memory < 2 GB at 100x", "needs --scales 100", "n/a"))
    return out


def report(results: list[ScaleResult], jobs: int) -> str:
    goal_rows = [list(t) for t in targets(results)]
    goals = common.markdown_table(["target (issue 7)", "measured", "result"], goal_rows)
    title = f"kb benchmark — {os.cpu_count()} cores, kb --jobs {jobs}, {time.strftime('%Y-%m-%d')}"
    lines = [title, "", results_table(results), "", goals]
    notes = [n for r in results for n in r.notes]
    if notes:
        lines += ["", "Notes:"] + [f"- {n}" for n in notes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="kb benchmark: stages, memory, queries, baselines.")
    ap.add_argument("--scales", default="1,10,100", help="comma-separated corpus scales (default 1,10,100)")
    ap.add_argument("--quick", action="store_true", help="the dev corpus only, 50 queries")
    ap.add_argument("--content", type=Path, default=synth.DEV_CORPUS, help="the corpus at scale 1")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="kb build --jobs")
    ap.add_argument("--queries", type=int, default=300, help="queries per latency measurement")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic corpora and the queries")
    ap.add_argument("--skip", default="", help=f"baselines to leave out ({','.join(BASELINES)})")
    ap.add_argument("--baseline-max-scale", type=int, default=10**9, help="baselines only up to this scale")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help=f"scratch (default {DEFAULT_WORK})")
    ap.add_argument("--mkdocs-max-scale", type=int, default=10, help="MkDocs up to this scale (default 10)")
    ap.add_argument("--timeout", type=float, default=3 * 3600, help="seconds a kb build may take (3 h)")
    ap.add_argument("--keep", action="store_true", help="keep the kb build folders in --work")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    args = ap.parse_args(argv)
    if args.quick:
        args.scales, args.queries = "1", min(args.queries, 50)
    try:
        scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    except ValueError:
        ap.error(f"--scales must be whole numbers separated by commas, not '{args.scales}'")
    if not scales or min(scales) < 1:
        ap.error("--scales must name at least one scale, each at least 1")
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if unknown := args.skip - set(BASELINES):
        ap.error(f"--skip: unknown baseline(s) {', '.join(sorted(unknown))}; known: {', '.join(BASELINES)}")
    if not args.content.is_dir():
        ap.error(f"--content: '{args.content}' is not a folder (the dev corpus lives in ../shared)")
    args.work.mkdir(parents=True, exist_ok=True)
    results: list[ScaleResult] = []
    try:
        for scale in scales:
            results.append(run_scale(scale, args, args.work))
            text = report(results, args.jobs)
            if scale != scales[-1]:  # a long run shows (and keeps) what it has so far
                print(text, file=sys.stderr, flush=True)
            if args.json:
                payload = {"report": text, "targets": targets(results), "results": [asdict(r) for r in results]}
                dump = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
                args.json.write_text(dump, encoding="utf-8")
    finally:
        common.empty_trash(args.work)  # (the builds' old folders, set aside rather than deleted between builds)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
