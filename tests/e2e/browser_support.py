"""Fixtures of the browser tests: a real `kb build` of the seeds, a real `kb serve` on a free loopback
port, and Debian's Chromium driven by Playwright (never a downloaded browser).

Test modules import them; this is not a conftest.py, which would shadow tests/conftest.py for the
other tests' ``from conftest import …``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from servers import answers, free_port, kb, running

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    url: str
    """``http://127.0.0.1:PORT`` without a trailing slash."""
    out: Path
    """The build folder."""


def kb_build(content: Path, out: Path) -> str:
    """`kb build --content CONTENT --build OUT` in a process of its own; what it printed."""
    done = subprocess.run(kb("build", "--content", str(content), "--build", str(out), "--quiet", "--jobs", "1"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def built_seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e2e") / "out"
    kb_build(CONTENT, out)
    return out


def serve_command(cmd: list[str], url: str) -> Iterator[subprocess.Popen[str]]:
    """Run the server ``cmd`` until ``url`` answers, yield it, and stop it (any server process:
    ``kb serve`` with options of a test's own, ``python -m http.server``)."""
    with running(cmd, answers(url)) as proc:
        yield proc


def serve_with_kb(out: Path) -> Iterator[Server]:
    """`kb serve --build OUT` on a free port: the site and the query API together."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = kb("serve", "--build", str(out), "--host", "127.0.0.1", "--port", str(port))
    for _ in serve_command(cmd, url + "/api/health"):
        yield Server(url, out)


def serve_as_files(out: Path) -> Iterator[Server]:
    """The site of ``out`` as plain files (`python -m http.server`, a real process on loopback): no API."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    site = str((out / "site").resolve())
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", site]
    for _ in serve_command(cmd, url + "/"):
        yield Server(url, out)


@pytest.fixture(scope="session")
def kb_serve(built_seeds: Path) -> Iterator[Server]:
    """The seeds' build under `kb serve`."""
    yield from serve_with_kb(built_seeds)


@pytest.fixture(scope="session")
def static_host(built_seeds: Path) -> Iterator[Server]:
    """The seeds' build hosted as plain files: no API behind it."""
    yield from serve_as_files(built_seeds)


SEARCH_SITE = Path(__file__).resolve().parent / "search_site" / "content"
"""A small real site: Partner Center articles in four locales, one in the 21Vianet edition."""


@pytest.fixture(scope="session")
def built_search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search-site") / "out"
    printed = kb_build(SEARCH_SITE, out)
    assert "warning" not in printed, printed  # the Pagefind bundle was written
    return out


@pytest.fixture(scope="session")
def served_search_site(built_search_site: Path) -> Iterator[Server]:
    """`kb serve` over the small site: pages and the query API."""
    yield from serve_with_kb(built_search_site)


@pytest.fixture(scope="session")
def static_search_site(built_search_site: Path) -> Iterator[Server]:
    """The small site as plain files: no API."""
    yield from serve_as_files(built_search_site)


_CHROMIUM: list[Any] = []
"""[playwright, browser, users]: one Chromium for the whole session. Each module importing the fixture
gets its own session-scoped copy of it, and a second sync Playwright in one thread fails."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (bash .ci/install-chromium installs it)")
    from playwright.sync_api import sync_playwright

    if not _CHROMIUM:
        p = sync_playwright().start()
        _CHROMIUM.extend([p, p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS), 0])
    _CHROMIUM[2] += 1
    yield _CHROMIUM[1]
    _CHROMIUM[2] -= 1
    if _CHROMIUM[2] == 0:
        p, b, _ = _CHROMIUM
        _CHROMIUM.clear()
        b.close()
        p.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
