"""``kb serve --watch``: a real server on loopback builds the content folder, and after a file is
changed, added or deleted it rebuilds incrementally and serves the new index and site."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from conftest import CONTENT, ROOT, SEED_IT, SEED_RU
from servers import WAIT, free_port, kb, running, wait_until

pytestmark = pytest.mark.slow  # a real `kb serve --watch` process


def wait_for(what: str, ok: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    wait_until(ok, proc, "kb serve --watch", f"show that {what}", WAIT, poll=0.2)


def total(base: str, query: str) -> int:
    try:
        r = httpx.get(base + "/api/search", params={"q": query}, timeout=10)
    except httpx.TransportError:
        return -1
    return int(r.json()["total"]) if r.status_code == 200 else -1


@contextlib.contextmanager
def watching(content: Path, out: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    cmd = kb("serve", "--build", str(out), "--port", str(port), "--watch", "--content", str(content))
    with running(cmd, lambda: True) as proc:
        yield f"http://127.0.0.1:{port}", proc


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def test_serve_watch_rebuilds_after_changes(content: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with watching(content, out) as (base, proc):
        wait_for("the first build is served", lambda: total(base, "подписки") >= 1, proc)
        assert total(base, "zebraword") == 0
        first = (out / "current").resolve()

        ru = content / SEED_RU
        text = ru.read_text(encoding="utf-8")
        ru.write_text(text.replace("Центр партнеров", "Zebraword"), encoding="utf-8")
        wait_for("the changed word is found", lambda: total(base, "zebraword") >= 1, proc)
        page = httpx.get(base + "/ru-ru/multichannel-support/", timeout=10)
        assert page.status_code == 200 and "Zebraword" in page.text
        assert (out / "current").resolve() != first

        (content / SEED_IT).unlink()
        gone = base + "/it-it/multichannel-support/"
        wait_for("the deleted page is gone", lambda: httpx.get(gone, timeout=10).status_code == 404, proc)


def test_watch_needs_content(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kb", "serve", "--build", str(tmp_path / "out"), "--watch"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "--watch needs --content" in proc.stderr
