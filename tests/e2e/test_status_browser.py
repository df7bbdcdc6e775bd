"""The translation status pages in headless Chromium: the language, kind and severity filters hide
the rows they should, and every column sorts (assets/status.js, served as a file: the CSP allows no
inline script). The seeds, built by `kb build` and hosted as plain files."""

from __future__ import annotations

import pytest

# ruff: noqa: F811
from browser_support import (  # noqa: F401
    Server,
    browser,
    built_seeds,
    page,
    static_host,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def visible_rows(page: Page) -> list[dict[str, str]]:
    """The data attributes and first cell of every visible row of the locale table."""
    return page.eval_on_selector_all(
        "#status-locale tbody tr",
        """rows => rows.filter(r => !r.hidden).map(r => ({
            title: r.querySelector('th').textContent.trim(), kinds: r.dataset.kinds,
            error: r.dataset.error, warning: r.dataset.warning, info: r.dataset.info}))""",
    )


def all_rows(page: Page) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "#status-locale tbody tr",
        "rows => rows.map(r => ({kinds: r.dataset.kinds, error: r.dataset.error, warning: r.dataset.warning,"
        " info: r.dataset.info}))",
    )


def test_status_filters_by_kind_and_severity_and_sorts(page: Page, static_host: Server) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))  # a script error (a missing favicon is none)
    page.goto(static_host.url + "/translation-status/pt-br/")
    form = page.locator("form.status-filters")
    expect(form).to_be_visible()  # shown by the script
    every = all_rows(page)
    assert len(every) >= 2 and len(visible_rows(page)) == len(every)
    expect(page.locator("output.status-shown")).to_have_text(f"{len(every)} of {len(every)} rows shown")

    # severity: only the rows with an info finding (the 21Vianet edition's difference)
    page.select_option("select[name=severity]", "info")
    shown = visible_rows(page)
    assert shown and len(shown) == sum(1 for r in every if int(r["info"]) > 0) < len(every)
    assert all(int(r["info"]) > 0 for r in shown)

    # kind, together with severity
    page.select_option("select[name=kind]", "edition_difference")
    shown = visible_rows(page)
    assert len(shown) == 1 and "edition_difference" in shown[0]["kinds"].split()
    expect(page.locator("output.status-shown")).to_have_text(f"1 of {len(every)} rows shown")

    # back to everything
    page.select_option("select[name=kind]", "")
    page.select_option("select[name=severity]", "")
    assert len(visible_rows(page)) == len(every)

    # sort by the info column: ascending, then descending
    header = page.locator("#status-locale thead th", has_text="info")
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    infos = [int(r["info"]) for r in visible_rows(page)]
    assert infos == sorted(infos)
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    infos = [int(r["info"]) for r in visible_rows(page)]
    assert infos == sorted(infos, reverse=True) and infos[0] > 0
    # and by the topic column, as text
    topic = page.locator("#status-locale thead th").first
    topic.locator("button").click()
    titles = [r["title"] for r in visible_rows(page)]
    assert titles == sorted(titles, key=str.lower)
    assert errors == []


def test_status_language_filter(page: Page, static_host: Server) -> None:
    page.goto(static_host.url + "/translation-status/")
    rows = page.locator("#status-summary tbody tr")
    total = rows.count()
    assert total >= 3
    page.select_option("select[name=locale]", "ru-RU")
    visible = page.eval_on_selector_all(
        "#status-summary tbody tr", "rs => rs.filter(r => !r.hidden).map(r => r.dataset.locale)"
    )
    assert visible == ["ru-RU"]
    # and each locale page switches to another language's page
    page.goto(static_host.url + "/translation-status/pt-br/")
    page.select_option("form.status-filters select[name=locale]", label="Русский")
    page.wait_for_url("**/translation-status/ru-ru/")
    expect(page.locator("h1")).to_contain_text("Русский")
