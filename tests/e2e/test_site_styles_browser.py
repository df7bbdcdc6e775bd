"""The stylesheet as a reader meets it (tests/e2e/search_site): a favicon on every host, at phone width
no empty grey cells in article tables and a status table that does not scroll sideways, a print
stylesheet without the site's chrome, and dark mode when the system asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# ruff: noqa: F811 (the fixtures come by import, see browser_support.py)
from browser_support import (  # noqa: F401
    Server,
    browser,
    built_search_site,
    page,
    served_search_site,
    static_search_site,
)
from playwright.sync_api import Page, expect

from kb import urls

pytestmark = pytest.mark.browser

TABLE_ARTICLE = "/" + urls.document_path("pt-BR", "add-licenses-or-services-to-an-existing-subscription")
ARTICLE = "/" + urls.document_path("pt-BR", "reset-a-user-password")

# Visible table cells that show nothing: the grey strips a stacked layout table left at phone width.
EMPTY_CELLS_JS = """
() => [...document.querySelectorAll("main td, main th")]
  .filter((c) => c.getClientRects().length && c.getBoundingClientRect().height > 0)
  .filter((c) => !c.textContent.trim() && !c.querySelector("img"))
  .length
"""


@pytest.mark.parametrize("which", ["static", "served"])
def test_the_favicon_is_served_on_every_host(
    page: Page, static_search_site: Server, served_search_site: Server, which: str
) -> None:
    base = static_search_site.url if which == "static" else served_search_site.url
    page.goto(base + ARTICLE)
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon and page.request.get(base + icon).status == 200
    ico = page.request.get(base + "/favicon.ico")
    assert ico.status == 200 and ico.body()[:4] == b"\x00\x00\x01\x00"


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    yield context.new_page()
    context.close()


def test_at_phone_width_article_tables_show_no_empty_cells(phone: Page, served_search_site: Server) -> None:
    phone.goto(served_search_site.url + TABLE_ARTICLE)
    assert phone.locator("main table td:empty").count() >= 1  # the case: a layout table's empty cell
    assert phone.evaluate(EMPTY_CELLS_JS) == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_at_phone_width_the_status_table_does_not_scroll_sideways(phone: Page, served_search_site: Server) -> None:
    phone.goto(served_search_site.url + "/")
    phone.goto(served_search_site.url + str(phone.locator(".status-link a").get_attribute("href")))
    phone.goto(served_search_site.url + str(phone.locator("#status-summary a").first.get_attribute("href")))
    table = phone.locator("table.status")  # a locale's list, the widest of the status tables
    expect(table).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    overflowing = phone.evaluate(
        "[...document.querySelectorAll('main .table-scroll')].filter(r => r.scrollWidth > r.clientWidth).length")
    assert overflowing == 0  # neither the summary nor the table scrolls sideways inside its box


def test_print_leaves_out_the_site_chrome(page: Page, served_search_site: Server) -> None:
    page.goto(served_search_site.url + ARTICLE)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()


def test_dark_mode_follows_the_system(browser, served_search_site: Server) -> None:
    colors = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        pg = context.new_page()
        pg.goto(served_search_site.url + ARTICLE)
        colors[scheme] = pg.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colors == {"light": "rgb(255, 255, 255)", "dark": "rgb(18, 20, 23)"}


ONE_LINE_JS = """
(th) => { const r = document.createRange(); r.selectNodeContents(th);
          return [r.getClientRects().length, th.scrollWidth <= th.clientWidth]; }
"""


def test_the_compare_tables_match_column_names_itself_on_one_line(page: Page, served_search_site: Server) -> None:
    """"Correspondência" (the longest of the four) was broken inside the word over three lines."""
    page.goto(served_search_site.url + ARTICLE)
    page.goto(served_search_site.url + str(page.locator("a[href*='/compare/']").first.get_attribute("href")))
    for locale in ("pt-br", "ru-ru", "es-es", "it-it"):
        if locale != "pt-br":
            switch = page.locator(f"a.switch[hreflang^='{locale[:2]}']").get_attribute("href")
            page.goto(served_search_site.url + str(switch))
        header = page.locator("table.compare thead th").nth(2)
        assert header.evaluate(ONE_LINE_JS) == [1, True], (locale, header.text_content())
