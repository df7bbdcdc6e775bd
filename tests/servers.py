"""Real `kb` server processes for the tests: a free loopback port, start, wait until ready, stop.

One place for what every server test needs, so each test says only what it serves and checks."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120.0  # seconds: a bound for a loaded machine, never a speed expectation


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kb(*args: str) -> list[str]:
    """The command line running ``kb ARGS`` with this interpreter."""
    return [sys.executable, "-m", "kb", *args]


def answers(url: str, statuses: tuple[int, ...] | None = None) -> Callable[[], bool]:
    """A readiness check: ``url`` answers (with one of ``statuses``, when given)."""

    def ready() -> bool:
        try:
            status = httpx.get(url, timeout=2).status_code
        except httpx.TransportError:
            return False
        return statuses is None or status in statuses

    return ready


def wait_until(
    ok: Callable[[], bool], proc: subprocess.Popen[str], who: str, what: str, timeout: float = WAIT,
    poll: float = 0.1,
) -> None:
    """Wait until ``ok()`` holds; fail, with its stderr, when ``proc`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while not ok():
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"{who} exited {proc.returncode}: {err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{who} did not {what} within {timeout:.0f} s")
        time.sleep(poll)


@contextlib.contextmanager
def running(cmd: list[str], ready: Callable[[], bool], timeout: float = WAIT) -> Iterator[subprocess.Popen[str]]:
    """Run ``cmd`` until the block ends; enter the block once ``ready()`` holds; stop it with SIGINT."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(ready, proc, " ".join(cmd[2:]), "answer", timeout)
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@contextlib.contextmanager
def serving(build: Path, *extra: str) -> Iterator[str]:
    """``kb serve --build build`` on a free loopback port; yields its base URL once it answers
    (/api/health is 200, or 503 before the first build is published)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = kb("serve", "--build", str(build), "--port", str(port), *extra)
    with running(cmd, answers(base + "/api/health", (200, 503))):
        yield base
