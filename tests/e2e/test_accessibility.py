"""Accessibility checked, not assumed: axe-core (the copy bundled by axe-playwright-python) in Chromium
finds no serious or critical violation on each page type of the site (the home, a locale home, an
article, a topic hub, a compare page, search with results, the status page), in light and dark mode.

The pages are found as a reader finds them (links of the pages), not by their URLs."""

from __future__ import annotations

import pytest

# ruff: noqa: F811 (the fixtures come by import, see browser_support.py)
from browser_support import (  # noqa: F401
    Server,
    browser,
    built_search_site,
    served_search_site,
)
from playwright.sync_api import Page, expect

from kb import urls

pytestmark = pytest.mark.browser

PAGES = ["home", "locale home", "article", "topic hub", "compare", "search", "status"]
SERIOUS = {"serious", "critical"}


def open_page(page: Page, base: str, which: str) -> None:
    """Go to a page of type ``which``, following the site's own links from an article."""
    article = base + "/" + urls.document_path("pt-BR", "reset-a-user-password")
    if which == "home":
        page.goto(base + "/")
    elif which == "locale home":
        page.goto(base + "/" + urls.locale_home_path("pt-BR"))
    elif which == "article":
        page.goto(article)
    elif which == "topic hub":
        page.goto(article)
        page.goto(base + str(page.locator('link[rel="alternate"][hreflang="x-default"]').get_attribute("href")))
    elif which == "compare":
        page.goto(article)
        page.goto(base + str(page.locator(".compare-links a").first.get_attribute("href")))
    elif which == "search":
        page.goto(article)
        page.goto(base + str(page.locator("form.header-search").get_attribute("action")) + "?q=senha")
        expect(page.locator("#results li.result").first).to_be_visible()
    elif which == "status":
        page.goto(base + "/")
        page.goto(base + str(page.locator(".status-link a").get_attribute("href")))
    expect(page.locator("main")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", PAGES)
def test_no_serious_or_critical_axe_violation(browser, served_search_site: Server, which: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        open_page(page, served_search_site.url, which)
        found = Axe().run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in found if v.get("impact") in SERIOUS
        ]
        assert serious == [], f"{which}, {scheme}: {page.url}"
    finally:
        context.close()
