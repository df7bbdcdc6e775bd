"""The hostile corpus (tests/hostile.py) built by a real `kb build` and every page of the site opened in
headless Chromium through a real `kb serve`: no injected script runs.

Listened for on every page: dialogs (alert/confirm/prompt), console messages, uncaught page errors,
any request to a host outside loopback or to a ``javascript:``/``data:`` URL (all such requests are
also aborted, so nothing leaves the machine), and the tripwire ``window.__pwned`` that extra payloads
written here try to set in every form the renderer must neutralise. After load, each page is also
hovered, clicked and focused where handlers could hide (``onmouseover``, ``onclick``, ``ontoggle``)."""

from __future__ import annotations

import copy
import html
import re
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import hostile
import pytest

# The fixtures come from browser_support.py by import (see test_browser.py): F811 is expected.
# ruff: noqa: F811
from browser_support import Server, browser, kb, serve_with_kb  # noqa: F401

pytestmark = pytest.mark.browser

# Payloads that, if any ran, would leave a mark the page can be asked about (alert() is caught by the
# dialog listener; these catch script that stays silent).
PWNED = """
<script>window.__pwned = 'script'</script>

<img src=x onerror="window.__pwned='onerror'"> <svg onload="window.__pwned='svg'"></svg>

<a href="javascript:window.__pwned='link'" id="pwn-link">clique</a> [md](javascript:window.__pwned='md')

<div onmouseover="window.__pwned='hover'" onclick="window.__pwned='click'">passe o mouse</div>

<input autofocus onfocus="window.__pwned='focus'">

<details open ontoggle="window.__pwned='toggle'">x</details>

<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>

<img src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='top.__pwned=1'/>">

<style>@import url(https://evil.example/x.css);</style> <img src="https://evil.example/beacon.png">

<link rel="stylesheet" href="//evil.example/y.css"> <video poster="https://evil.example/p.png"></video>
"""



def _png() -> bytes:
    """A valid 1×1 transparent PNG (a broken image would log a console error)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 5)) + chunk(
        b"IEND", b"")


PNG = _png()
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class Events:
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def any(self) -> bool:
        return bool(self.dialogs or self.console or self.errors or self.requests)


def remote_image(url: str, resource_type: str) -> bool:
    """An ``<img>`` on another web host: content, by design (the dev corpus shows icons from
    docs.microsoft.com; README's Security section says only http/https/mailto URLs reach a page).
    The test answers them itself with a blank PNG, so nothing leaves the machine."""
    return resource_type == "image" and urlsplit(url).scheme in ("http", "https")


def outside_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("javascript", "data", "vbscript", "file"):
        return True
    return parts.hostname not in LOOPBACK


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile-browser")
    content = hostile.write(base)
    (content / "xss" / "pwned.md").write_bytes(hostile.doc(PWNED, title="Tripwire"))
    out = base / "out"
    done = subprocess.run(kb("build", "--content", str(content), "--build", str(out), "--jobs", "2"),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def hostile_serve(hostile_build: Path) -> Iterator[Server]:
    yield from serve_with_kb(hostile_build)


def site_paths(out: Path) -> list[str]:
    """Every HTML page of the built site as a URL path (a folder's index.html as the folder)."""
    site = (out / "site").resolve()
    paths = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return paths


REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')


def refresh_target(out: Path, path: str) -> str | None:
    """The target of the page at ``path`` when it is a redirect stub (a ``<meta http-equiv="refresh">``)."""
    file = out / "site" / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    found = REFRESH.search(file.read_text(encoding="utf-8"))
    return html.unescape(found.group(1)) if found else None


def watch(context: Any, events: Events) -> Any:
    """A page of ``context`` whose every dialog, console message, error and foreign request is recorded."""

    def route(r: Any) -> None:
        request = r.request
        if not outside_loopback(request.url):
            r.continue_()
        elif remote_image(request.url, request.resource_type):
            r.fulfill(status=200, content_type="image/png", body=PNG)  # never leaves the machine
        else:
            events.requests.append(f"{request.resource_type} {request.url}")
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    def dialog(d: Any) -> None:
        events.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def request(r: Any) -> None:
        if outside_loopback(r.url) and not remote_image(r.url, r.resource_type):
            events.requests.append(f"{r.resource_type} {r.url}")

    pg.on("dialog", dialog)
    pg.on("console", lambda m: events.console.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: events.errors.append(str(e)))
    pg.on("request", request)
    return pg


def provoke(pg: Any) -> None:
    """Trigger the handlers an attacker hides behind a user's gesture: hover, click, focus, toggle."""
    pg.evaluate("""() => {
        for (const el of document.querySelectorAll('main *')) {
            for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error', 'begin']) {
                el.dispatchEvent(new Event(type));
            }
            // a click inside a link or form would navigate away: those carry no handlers to trigger
            if (!el.closest('a, form, button, label, summary, select')) {
                el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
            }
        }
    }""")


def test_the_hostile_site_runs_no_injected_script_in_chromium(browser: Any, hostile_serve: Server) -> None:
    paths = site_paths(hostile_serve.out)
    assert "/pt-br/tripwire/" in paths, "the tripwire document must be published"
    assert len(paths) > 50
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    events = Events()  # one page for the whole walk (a page per path triples the time); reset per path
    pg = watch(context, events)
    found: dict[str, Events] = {}
    links: set[str] = set()
    try:
        for path in paths:
            refresh = refresh_target(hostile_serve.out, path)
            if refresh is not None:  # a redirect stub: it navigates on load; it must stay on the site
                assert not refresh.startswith(("//", "/\\")) and ":" not in refresh.split("/")[0], (path, refresh)
                continue
            pg.goto(hostile_serve.url + path, wait_until="load")
            provoke(pg)
            pg.wait_for_timeout(20)
            if pg.evaluate("() => typeof window.__pwned") != "undefined":
                events.errors.append(f"window.__pwned = {pg.evaluate('() => String(window.__pwned)')}")
            links.update(pg.evaluate(
                "() => [...document.querySelectorAll('[href],[src],[action],[formaction],[xlink\\\\:href]')]"
                ".flatMap(e => [...e.attributes].filter(a => /^(href|src|action|formaction|xlink:href)$/"
                ".test(a.name)).map(a => a.value.trim().toLowerCase()))"))
            if events.any():
                found[path] = copy.deepcopy(events)
            for seen in (events.dialogs, events.console, events.errors, events.requests):
                seen.clear()
    finally:
        context.close()
    print(f"{len(paths)} pages of the hostile site opened in Chromium")
    assert found == {}
    assert sorted(u for u in links if u.startswith(("javascript:", "data:", "vbscript:"))) == []


def test_the_tripwire_page_shows_its_text_but_none_of_its_script(browser: Any, hostile_serve: Server) -> None:
    events = Events()
    context = browser.new_context()
    try:
        pg = watch(context, events)
        pg.goto(hostile_serve.url + "/pt-br/tripwire/")
        assert "passe o mouse" in pg.locator("main").inner_text()
        pg.locator("main").get_by_text("passe o mouse").hover()
        pg.locator("main").get_by_text("passe o mouse").click()
        assert pg.evaluate("() => typeof window.__pwned") == "undefined"
        assert pg.locator("main script, main iframe, main style, main svg script").count() == 0
    finally:
        context.close()
    assert not events.any(), events
