"""The search page in Chromium, on a small real site (tests/e2e/search_site: Partner Center articles in
four locales): behind `python -m http.server` (no API) it searches the Pagefind bundle `kb build`
wrote; behind `kb serve` the same page asks `GET /api/search`. Also: results as you type, "/" focuses
the box, "did you mean" above the results, no pager for an empty search, filters with counts."""

from __future__ import annotations

import re

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
from playwright.sync_api import Page, Request, expect

from kb import urls

pytestmark = pytest.mark.browser


def search_url(page: Page, base: str, locale: str = "pt-BR") -> str:
    """The locale's search page, as its home's search box names it (wherever the site puts it)."""
    page.goto(base + "/" + urls.locale_home_path(locale))
    action = page.locator("form.header-search").get_attribute("action")
    assert action
    return base + action


def requests_of(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if isinstance(r, Request) else None)
    return seen


def type_senha(page: Page, base: str) -> None:
    page.goto(search_url(page, base))
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    page.locator("#q").press_sequentially("senha", delay=40)  # no Enter: results come as you type


def test_static_host_searches_the_pagefind_bundle_in_portuguese(page: Page, static_search_site: Server) -> None:
    seen = requests_of(page)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    type_senha(page, static_search_site.url)
    results = page.locator("#results li.result")
    expect(results.first).to_be_visible()
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ resultados? para “senha”$"))
    expect(page.locator("#api-missing")).to_be_hidden()
    titles = results.locator("h2 a")
    for i in range(titles.count()):
        link = titles.nth(i)
        expect(link).to_have_attribute("lang", "pt-BR")
        expect(link).to_have_attribute("href", re.compile(r"^/pt-br/"))
    expect(results.first.locator(".snippet mark").first).to_have_text(re.compile("senha", re.I))
    expect(results.first.locator(".result-meta")).to_contain_text("Português (Brasil)")
    expect(results.first.locator(".also")).to_contain_text("Também em")
    expect(results.first.locator(".also a", has_text="Русский")).to_have_attribute("href", re.compile(r"^/ru-ru/"))
    expect(page).to_have_url(re.compile(r"\?q=senha&locale=pt-BR$"))
    assert any("/pagefind/" in u for u in seen) and not any("/api/search" in u for u in seen)
    # "also in" comes from the topic's file of the bundle, fetched once however many results it has
    topic_files = [u for u in seen if "/pagefind/kb-topics/" in u]
    assert topic_files and len(topic_files) == len(set(topic_files))
    # No CSP refusal (the meta policy allows Pagefind's WASM, nothing inline); the one failed load is
    # /api/health, which tells the page that no API is there.
    assert [e for e in errors if not e.startswith("Failed to load resource")] == [], errors
    assert len(errors) <= 1, errors
    # Filters with counts: the edition filter counts the 21Vianet article.
    expect(page.locator("#edition option[value='21vianet']")).to_have_text(re.compile(r"\(1\)$"))
    expect(page.locator("#locale option[value='pt-BR']")).to_have_text(re.compile(r"\(3\)$"))
    # A result opens its page.
    titles.first.click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")


def test_static_host_searches_another_locale_and_all(page: Page, static_search_site: Server) -> None:
    page.goto(search_url(page, static_search_site.url) + "?q=пароль&locale=ru-RU")
    first = page.locator("#results li.result h2 a").first
    expect(first).to_have_attribute("lang", "ru-RU")
    page.locator("#locale").select_option("")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ resultados? para “пароль”$"))


def test_kb_serve_answers_the_same_page_through_the_api(page: Page, served_search_site: Server) -> None:
    seen = requests_of(page)
    type_senha(page, served_search_site.url)
    results = page.locator("#results li.result")
    expect(results.first.locator("h2 a")).to_have_attribute("lang", "pt-BR")
    expect(results.first.locator(".snippet mark").first).to_have_text(re.compile("senha", re.I))
    expect(results.first.locator(".also")).to_contain_text("Também em")
    assert any("/api/search?" in u and "q=senha" in u for u in seen)
    assert not any("/pagefind/" in u for u in seen)
    # Filters with counts, from the API's facets: topics found with each choice.
    expect(page.locator("#edition option[value='21vianet']")).to_have_text(re.compile(r"\(1\)$"))
    expect(page.locator("#locale option[value='ru-RU']")).to_have_text(re.compile(r"\(2\)$"))


def test_did_you_mean_is_a_link_above_the_results(page: Page, served_search_site: Server) -> None:
    page.goto(search_url(page, served_search_site.url) + "?q=sehna")
    suggest = page.locator("#suggest")
    expect(suggest).to_be_visible()
    expect(suggest.get_by_role("link")).to_have_text(["senha"])
    assert page.locator("#results li.result .suggest").count() == 0  # not a numbered result
    suggest.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?q=senha&locale=pt-BR$"))
    expect(page.locator("#results li.result").first).to_be_visible()


@pytest.mark.parametrize("which", ["static", "served"])
def test_an_empty_search_shows_no_pager_and_slash_focuses_the_box(
    page: Page, static_search_site: Server, served_search_site: Server, which: str
) -> None:
    base = static_search_site.url if which == "static" else served_search_site.url
    page.goto(search_url(page, base))
    expect(page.locator("#pager")).to_be_hidden()
    expect(page.locator("#prev")).to_be_hidden()
    page.locator("main h1").click()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("senha")
    expect(page.locator("#results li.result").first).to_be_visible()
    page.locator("#q").fill("")
    page.locator("#q").dispatch_event("input")
    expect(page.locator("#results li.result")).to_have_count(0)
    expect(page.locator("#pager")).to_be_hidden()


def test_words_typed_before_the_script_runs_are_kept_and_searched(page: Page, served_search_site: Server) -> None:
    # A slow connection: the deferred search script arrives after the reader has typed.
    url = search_url(page, served_search_site.url)
    page.route(re.compile(r"/assets/search\.[^/]*js$"), lambda route: route.abort())
    page.goto(url)
    script = page.locator("script[src*='search.']").get_attribute("src")
    assert script
    page.locator("#q").fill("senha")
    page.unroute(re.compile(r"/assets/search\.[^/]*js$"))
    page.add_script_tag(url=script)
    expect(page.locator("#q")).to_have_value("senha")
    expect(page.locator("#results li.result").first.locator("h2 a")).to_have_attribute("lang", "pt-BR")
