"""Helpers shared by the benchmark scripts: timing, the corpus files, peak memory, tables."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
_LOCALE_DIR = re.compile(r"[a-z]{2}-[a-z]{2}", re.I)


@dataclass(frozen=True)
class Measure:
    """One timed run: seconds, items done, and peak resident memory (bytes) when known."""

    seconds: float
    items: int
    peak_rss: int | None = None

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else 0.0


def timed(fn: Callable[[], int]) -> Measure:
    """Run ``fn`` (which returns how many items it did) and time it."""
    t0 = time.perf_counter()
    items = fn()
    return Measure(time.perf_counter() - t0, items)


def best_of(repeat: int, fn: Callable[[], int]) -> Measure:
    """The fastest of ``repeat`` runs: the least disturbed by other work on a shared machine."""
    return min((timed(fn) for _ in range(max(1, repeat))), key=lambda m: m.seconds)


TRASH = ".kb-bench-trash"
"""Where :func:`set_aside` moves a build's old output, beside it, until :func:`empty_trash`."""


def set_aside(folder: Path) -> None:
    """Move ``folder`` out of the way of the next build without deleting it (yet).

    Deleting a build's ~18,000 files and folders just before the next timed build made that build pay
    for them on this machine's ext4 (no journal): its inode allocator skips every inode freed in the
    last one to six minutes (the kernel's ``recently_deleted``), scanning past each for every file it
    creates. That charged the side writing more files quadratically: the dev-corpus build took 2.2 s of
    system time more than in a fresh folder. A renamed folder frees nothing; :func:`empty_trash`
    deletes them all once the timed builds are done."""
    if not folder.exists():
        return
    trash = folder.parent / TRASH
    trash.mkdir(exist_ok=True)
    folder.rename(trash / f"{folder.name}.{time.time_ns()}")


def empty_trash(parent: Path) -> None:
    """Delete what :func:`set_aside` moved out of ``parent``'s folders."""
    shutil.rmtree(parent / TRASH, ignore_errors=True)


def markdown_files(content: Path, suffixes: tuple[str, ...] = (".md",)) -> list[Path]:
    """Every Markdown article under ``content`` (navigation files and dotfiles excluded), sorted: those
    ending in ``suffixes`` (``.md`` for the other generators; :func:`document_files` for kb's)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(content):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(suffixes) and name.lower() != "toc.md" and not name.startswith("."):
                out.append(Path(dirpath) / name)
    return out


def document_files(content: Path) -> list[Path]:
    """The articles kb reads as documents (``content/``'s seeds are ``.txt``)."""
    from kb.ingest.reader import DOCUMENT_SUFFIXES

    return markdown_files(content, DOCUMENT_SUFFIXES)


def locale_dirs(content: Path) -> list[Path]:
    """The locale folders (``pt-br``, …) directly under ``content``."""
    return sorted(p for p in content.iterdir() if p.is_dir() and _LOCALE_DIR.fullmatch(p.name))


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


def max_rss_bytes(who: int = resource.RUSAGE_SELF) -> int:
    """Peak resident set size of this process (or of its largest waited-for child), in bytes."""
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


@dataclass(frozen=True)
class ChildRun:
    """A finished command: wall time, memory, and what it printed."""

    seconds: float
    tree_peak_rss: int
    """Largest memory of the command and all its descendants together, sampled every 20 ms and less
    often as the run goes on (see SAMPLE_SHARE): the sum of their PSS where the kernel reports it.
    RSS would count the pages a forked worker shares with its parent once in each process, so a build
    with two workers would seem to use its corpus's memory three times."""
    process_peak_rss: int
    """Largest RSS of any single process of the tree (the kernel's own count, via wait4)."""
    stdout: str
    stderr: str


def _proportional(p: psutil.Process) -> int:
    """The process's proportional set size (its own pages, plus its share of pages it shares)."""
    try:  # the kernel's one-line total: psutil's full info parses every mapping of the process
        with open(f"/proc/{p.pid}/smaps_rollup", encoding="ascii") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        pass
    try:
        return int(p.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):  # no PSS on this platform
        return int(p.memory_info().rss)


SAMPLE_EVERY = 0.02
SAMPLE_SHARE = 0.01
"""The sampler waits SAMPLE_EVERY seconds, or this share of the time measured so far when longer (at
most a second): reading a process's PSS walks its pages, and while it sampled a 100x build and its
workers every 20 ms the benchmark's own process used 40 % of a core of the two the build had."""


def _sample_tree(pid: int, stop: threading.Event, peak: list[int]) -> None:
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    started = time.perf_counter()
    while not stop.is_set():
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += _proportional(p)
        except psutil.Error:
            return
        peak[0] = max(peak[0], total)
        stop.wait(min(1.0, max(SAMPLE_EVERY, SAMPLE_SHARE * (time.perf_counter() - started))))


def run_child(
    args: list[str], *, timeout: float | None = None, env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> ChildRun:
    """Run a command to completion, measuring its time and its memory (itself and its children)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    out: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda k=k, f=f: out.__setitem__(k, f.read()), daemon=True)
               for k, f in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            stop.set()
            raise RuntimeError(f"{args[0]} did not finish within {timeout:.0f} s; stopped")
        time.sleep(0.005)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    for r in readers:
        r.join()
    stdout = out.get("out", b"").decode(errors="replace")
    stderr = out.get("err", b"").decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} exited {proc.returncode}: {stderr[-1500:]}")
    return ChildRun(seconds, max(peak[0], usage.ru_maxrss * 1024), usage.ru_maxrss * 1024, stdout, stderr)


def run_python_json(script: str, *args: str, timeout: float | None = None) -> tuple[dict[str, Any], ChildRun]:
    """Run ``bench/<script>`` in a fresh interpreter: (the JSON it prints last, the measured run)."""
    run = run_child([PYTHON, str(ROOT / "bench" / script), *args], timeout=timeout)
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "—"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def fmt_bytes(n: int | None) -> str:
    return "—" if n is None else f"{n / 2**20:,.0f} MiB"


def fmt_rate(r: float | None) -> str:
    return "—" if r is None else f"{r:,.0f}/s"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table with padded columns: readable in a terminal, pasteable into the README."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def chunked(items: list[Path], n: int) -> Iterator[list[Path]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]
