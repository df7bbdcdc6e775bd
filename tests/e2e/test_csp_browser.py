"""The Content-Security-Policy in a real browser (headless Chromium): under `kb serve`'s header and
under the pages' own `<meta http-equiv>` on a plain static host, every kind of page works (the search
page's script searches, through Pagefind's WASM on the static host; the switchers switch) and the
browser reports no violation; `/api/docs` runs Swagger UI from the server's own files with every
other host unreachable, and "Try it out" works."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

# ruff: noqa: F811  (fixtures imported from browser_support.py, as in test_browser.py)
from browser_support import Server, browser, built_seeds, kb_serve, page, static_host  # noqa: F401
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The page, with every CSP violation, script error and request to another host collected; the
    other hosts are unreachable, as on a machine offline."""
    problems: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: problems.append(m.text) if "CSP violation" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))

    def local_only(route: Route) -> None:
        if re.match(r"^https?://127\.0\.0\.1(:\d+)?/", route.request.url):
            route.continue_()
        else:
            problems.append(f"request to another host: {route.request.url}")
            route.abort()

    page.route("**/*", local_only)
    yield page, problems


def test_pages_work_under_the_header_policy(watched: tuple[Page, list[str]], kb_serve: Server) -> None:
    page, problems = watched
    response = page.goto(kb_serve.url + "/pt-br/")
    assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
    page.locator(".switcher-languages a[hreflang='ru-RU']").first.click()  # the language switcher
    expect(page.locator("html")).to_have_attribute("lang", "ru-RU")
    page.goto(kb_serve.url + "/pt-br/search/?q=canais")  # the search page's script, calling the API
    expect(page.locator("#results li.result").first).to_be_visible()
    page.goto(kb_serve.url + "/no-such-page/")
    expect(page.locator("h1")).to_be_visible()
    assert problems == []


def test_pages_work_under_the_meta_policy_on_a_static_host(
    watched: tuple[Page, list[str]], static_host: Server
) -> None:
    page, problems = watched
    response = page.goto(static_host.url + "/pt-br/search/?q=canais")
    assert response is not None and "content-security-policy" not in response.headers  # only the <meta>
    # The script ran, found no API, and searched the Pagefind bundle: its module, worker and WASM.
    expect(page.locator("#results li.result").first).to_be_visible()
    expect(page.locator("#api-missing")).to_be_hidden()
    page.goto(static_host.url + "/pt-br/")
    expect(page.locator(".switcher-languages a").first).to_be_visible()
    assert problems == []


def test_the_api_docs_run_offline_under_the_policy(watched: tuple[Page, list[str]], kb_serve: Server) -> None:
    page, problems = watched
    page.goto(kb_serve.url + "/api/docs")
    search = page.locator(".opblock", has_text="/api/search")
    expect(search).to_be_visible()
    search.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    search.locator("input[placeholder='q']").fill("canais")
    search.get_by_role("button", name="Execute").click()
    expect(search.locator(".live-responses-table tbody td.response-col_status").first).to_have_text("200")
    assert problems == []
