"""Screenshots of the site as a reader sees it: each page type (the site's home; in every locale its
home, an article, its topic hub, a compare page, the search page with results from the query API and
the status page) at phone (390 px) and desktop (1280 px) width.

    python scripts/screenshots.py [OUT_DIR] [--content DIR] [--locale pt-BR ...] [--query pt-BR=senha ...]

Builds CONTENT with `kb build`, serves it with `kb serve` on a free loopback port, drives Debian's
Chromium with Playwright, and writes ``{type}-{locale}-{width}.png`` (and ``home-{width}.png``) to
OUT_DIR (default build/screenshots, git-ignored). Pages are reached by the site's links from each
locale's article, so the script follows the site when URLs move.
"""

from __future__ import annotations

import argparse
import contextlib
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


def content_locales(content: Path) -> list[str]:
    from kb.ingest.reader import ingest

    return sorted({d.locale for d in ingest(content).documents})


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


def href(page: Any, selector: str) -> str:
    """The first link of the open page matching ``selector`` (pages are reached as a reader reaches
    them, by their links: the script keeps working when URLs move)."""
    link = page.locator(selector).first
    if not link.count():
        raise SystemExit(f"screenshots: {page.url} has no link matching {selector}")
    return str(link.get_attribute("href") or link.get_attribute("action"))


def locale_pages(page: Any, base: str, locale: str, doc: str, query: str) -> dict[str, str]:
    """Each page type of one locale: its path, found from the locale's article."""
    from kb import urls

    page.goto(base + doc)
    found = {"article": doc, "locale-home": "/" + urls.locale_home_path(locale)}
    found["topic"] = href(page, "p.meta a")
    found["search"] = href(page, "form.header-search") + "?q=" + urllib.parse.quote(query)
    found["compare"] = compare_path(page)
    page.goto(base + found["locale-home"])
    status = page.locator("a[href*='status']")
    if not status.count():
        page.goto(base + "/")
    found["status"] = href(page, "a[href*='status']")
    return found


def shoot(base: str, docs: dict[str, str], queries: dict[str, str], out: Path) -> list[Path]:
    """Every page type of every locale (and the site's home) at each width of WIDTHS:
    ``{type}-{locale}-{width}.png`` (``home-{width}.png``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in WIDTHS.values():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(15_000)
            targets = [("home", "/")]
            for locale, doc in docs.items():
                pages = locale_pages(page, base, locale, doc, queries.get(locale, ""))
                targets += [(f"{kind}-{locale}", path) for kind, path in sorted(pages.items())]
            for name, path in targets:
                page.goto(base + path)
                if name.startswith("search-"):
                    done = page.locator("#results li.result, #api-missing:not([hidden])").first
                    with contextlib.suppress(PlaywrightTimeout):  # no result for the words: the page as it is
                        done.wait_for(timeout=5_000)
                written.append(out / f"{name}-{width}.png")
                page.screenshot(path=str(written[-1]), full_page=True)
            context.close()
        browser.close()
    return written


DEFAULT_QUERIES = {"pt-BR": "senha", "ru-RU": "пароль", "es-ES": "contraseña", "it-IT": "password"}
"""Words for each locale's search page (``--query LOCALE=WORDS`` adds or replaces one)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out", nargs="?", default=str(ROOT / "build" / "screenshots"), help="folder for the PNGs"
    )
    parser.add_argument("--content", default=str(ROOT / "content"), help="content folder to build")
    parser.add_argument("--query", action="append", default=[], metavar="LOCALE=WORDS",
                        help="words for that locale's search page (repeatable)")
    parser.add_argument("--locale", action="append", default=[],
                        help="a locale to shoot (repeatable; default: every locale of the content)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit("screenshots: Debian's chromium is missing; run: bash .ci/install-chromium")
    queries = dict(DEFAULT_QUERIES)
    for item in args.query:
        locale, sep, words = item.partition("=")
        if not sep:
            parser.error(f"--query wants LOCALE=WORDS, not '{item}'")
        queries[locale] = words
    content = Path(args.content)
    locales = args.locale or content_locales(content)
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
            docs = {loc: document_path(content, loc) for loc in locales}
            for path in shoot(base, docs, queries, out):
                print(path)
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
