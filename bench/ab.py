"""This checkout against another revision: full builds and queries over HTTP, interleaved.

Builds: each side builds the same corpus from scratch into an empty folder (the previous build's set
aside until all are done: see ``common.set_aside``), alternating, ``--builds`` times; the fastest of
each is compared. Queries: two ``kb serve`` run side by side, each on a build its own code made; one
client sends every query to both, alternating which goes first, for several rounds. Whatever else the
machine does slows both alike, so the ratios hold on a noisy machine where two runs one after the
other (``bench/run.py --quick`` twice) differ by more than the change measured.

    git worktree add /tmp/kb-old 87ad775
    .venv/bin/python bench/ab.py --other /tmp/kb-old        # the dev corpus: 3 builds, 300 queries × 3

Prints each side's build time and query p50, p95 and mean, and this checkout's ratio to the other's;
then the median and geometric mean of the ratio of each query's two answers (the two sent one after
the other): the figure that holds when the machine's speed drifts during the run.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import common
import synth
from run import free_port, queries_for


def kb_command(tree: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """``python -m kb ARGS`` running the code of ``tree`` (a checkout), whatever is installed."""
    return [common.PYTHON, "-m", "kb", *args], {**os.environ, "PYTHONPATH": str(tree)}


def build(tree: Path, content: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the build and all its processes) of a build from scratch, in an empty
    folder (the previous one set aside, not deleted: see :func:`common.set_aside`)."""
    common.set_aside(out)
    cmd, env = kb_command(tree, "build", "--content", str(content), "--build", str(out), "--quiet")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=out.parent, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def connect(port: int, server: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kb serve on port {port} exited {server.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/api/health")
            conn.getresponse().read()
            return conn
        except OSError:
            conn.close()
            time.sleep(0.3)
    raise RuntimeError(f"kb serve on port {port} did not answer within 120 s")


def timed_query(conn: http.client.HTTPConnection, query: str) -> float:
    path = f"/api/search?q={quote(query)}"
    for attempt in (1, 2):  # (a server that closed an idle connection: reconnect once, untimed)
        try:
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            return time.perf_counter() - t0
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def summary(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.95)] * 1000,
            statistics.fmean(ordered) * 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--other", type=Path, required=True, help="a checkout of the revision to compare with")
    ap.add_argument("--this", type=Path, default=common.ROOT, help="the checkout measured (default: this one)")
    ap.add_argument("--content", type=Path, default=synth.DEV_CORPUS, help="the corpus (default: the dev corpus)")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds (one untimed round warms both first)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--builds", type=int, default=3, help="builds of each side (the fastest counts)")
    args = ap.parse_args()
    sides = {"this": args.this.resolve(), "other": args.other.resolve()}
    args.content = args.content.resolve()  # (the builds run in the scratch folder)
    queries = queries_for(args.content, args.queries, args.seed)
    with tempfile.TemporaryDirectory(prefix="kb-ab-") as scratch:
        servers, conns = [], {}
        builds: dict[str, list[float]] = {name: [] for name in sides}
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        for round_ in range(args.builds):
            for name in (list(sides) if round_ % 2 == 0 else list(reversed(sides))):
                print(f"building {args.content.name} with {name} ({sides[name]})", file=sys.stderr)
                wall, seconds = build(sides[name], args.content, Path(scratch) / name)
                builds[name].append(wall)
                cpu[name].append(seconds)
        common.empty_trash(Path(scratch))
        try:
            for name, tree in sides.items():
                out = Path(scratch) / name
                port = free_port()
                cmd, env = kb_command(tree, "serve", "--build", str(out), "--port", str(port))
                servers.append(subprocess.Popen(cmd, env=env, cwd=scratch, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL))
                conns[name] = connect(port, servers[-1])
            samples: dict[str, list[float]] = {name: [] for name in sides}
            for round_ in range(args.rounds + 1):
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for query in queries:
                    for name in order:
                        took = timed_query(conns[name], query)
                        if round_:
                            samples[name].append(took)
        finally:
            for server in servers:
                server.terminate()
                server.wait(30)
    fastest = {name: min(b) for name, b in builds.items()}
    print(f"build    this {fastest['this']:.2f} s, other {fastest['other']:.2f} s: "
          f"{fastest['this'] / fastest['other']:.3f}x (fastest of {args.builds} each; all: "
          + "; ".join(f"{n} " + ", ".join(f"{x:.1f}" for x in b) for n, b in builds.items()) + ")")
    # The CPU of a build and its processes (the Pagefind binary, the writers, the workers) varies less
    # than its wall time from run to run, and the wall time follows it (the build keeps every core busy).
    least = {name: min(c) for name, c in cpu.items()}
    print(f"cpu      this {least['this']:.2f} s, other {least['other']:.2f} s: {least['this'] / least['other']:.3f}x "
          f"(least of {args.builds} each; all: "
          + "; ".join(f"{n} " + ", ".join(f"{x:.1f}" for x in c) for n, c in cpu.items()) + ")")
    figures = {name: summary(s) for name, s in samples.items()}
    print(f"{'':8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}   ({len(queries)} queries × {args.rounds} rounds)")
    for name, (p50, p95, mean) in figures.items():
        print(f"{name:8} {p50:8.2f} {p95:8.2f} {mean:8.2f}")
    ratios = [a / b for a, b in zip(figures["this"], figures["other"], strict=True)]
    print(f"{'ratio':8} {ratios[0]:7.3f}x {ratios[1]:7.3f}x {ratios[2]:7.3f}x   (this / other)")
    # Each query went to both servers one after the other: the ratio of each pair is measured under the
    # same load, so their median and geometric mean hold when the machine's speed drifts in the run.
    paired = sorted(a / b for a, b in zip(samples["this"], samples["other"], strict=True))
    quartiles = statistics.quantiles(paired, n=4)
    geomean = math.exp(statistics.fmean(math.log(r) for r in paired))
    print(f"{'paired':8} median {quartiles[1]:.3f}x (quartiles {quartiles[0]:.3f}, {quartiles[2]:.3f}), "
          f"geometric mean {geomean:.3f}x over {len(paired)} pairs")


if __name__ == "__main__":
    main()
