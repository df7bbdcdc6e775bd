"""Screenshots of the site as a reader sees it: a document page, a compare page and the search page
(with results from the query API), each at phone (390 px) and desktop (1280 px) width.

    python scripts/screenshots.py [OUT_DIR] [--content DIR] [--query WORDS] [--locale pt-BR]

Builds CONTENT with `kb build`, serves it with `kb serve` on a free loopback port, drives Debian's
Chromium with Playwright, and writes six PNGs to OUT_DIR (default build/screenshots, git-ignored).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
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
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"screenshots: nothing answered at {url} within {timeout:.0f}s") from None
            time.sleep(0.2)


def kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb", *args]


def document_path(content: Path, locale: str) -> str:
    """The site path of the first document of ``locale`` that has translations (the richest page)."""
    from kb import urls
    from kb.align.topics import align
    from kb.ingest.reader import ingest

    topics = align(ingest(content).documents).topics
    ranked = sorted(topics, key=lambda t: (-len(t.locales), t.id))
    for topic in ranked:
        for m in topic.members:
            if m.document.locale.lower() == locale.lower():
                return "/" + urls.document_path(m.document.locale, m.slug)
    raise SystemExit(f"screenshots: no document in locale {locale} under {content}")


def compare_path(page: Any) -> str:
    """From a document page, the compare page to show: the first with unmatched segments (they are
    what the page is for), else the first."""
    hrefs = [str(a.get_attribute("href")) for a in page.locator(".compare-links a").all()]
    if not hrefs:
        raise SystemExit("screenshots: the document page links no compare page")
    base = page.url.split("/", 3)[:3]
    for href in hrefs:
        page.goto("/".join(base) + href)
        if page.locator("tr.row-only-a, tr.row-only-b").count():
            return href
    return hrefs[0]


def shoot(base: str, doc: str, query: str, locale: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(15_000)

            page.goto(base + doc)
            written.append(out / f"document-{name}.png")
            page.screenshot(path=str(written[-1]), full_page=True)

            page.goto(base + compare_path(page))
            written.append(out / f"compare-{name}.png")
            page.screenshot(path=str(written[-1]), full_page=True)

            page.goto(f"{base}/{locale.lower()}/search/?q={urllib.parse.quote(query)}")
            page.locator("#results li.result, #api-missing:not([hidden])").first.wait_for()
            written.append(out / f"search-{name}.png")
            page.screenshot(path=str(written[-1]), full_page=True)
            context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out", nargs="?", default=str(ROOT / "build" / "screenshots"), help="folder for the PNGs"
    )
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder to build")
    parser.add_argument("--query", default="canais", help="words for the search page")
    parser.add_argument("--locale", default="pt-BR", help="locale of the document and search pages")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit("screenshots: Debian's chromium is missing; run: bash .ci/install-chromium")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-screens-") as tmp:
        build = Path(tmp) / "out"
        done = subprocess.run(
            kb("build", "--content", args.content, "--build", str(build), "--quiet"), text=True
        )
        if done.returncode != 0:
            return done.returncode
        port = free_port()
        server = subprocess.Popen(
            kb("serve", "--build", str(build), "--port", str(port)), stderr=subprocess.DEVNULL
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/api/health")
            for path in shoot(
                base, document_path(Path(args.content), args.locale), args.query, args.locale, out
            ):
                print(path)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
