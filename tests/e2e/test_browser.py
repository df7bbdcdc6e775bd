"""End to end in headless Chromium against `kb serve` on the seeds: a reader opens the Portuguese page,
switches to Russian (same topic), switches edition to 21Vianet, opens the compare page, searches
through the query API and follows a result. Also: static hosting searches the Pagefind bundle, the
keyboard reaches everything with a visible focus, and a phone-width page does not scroll sideways."""

from __future__ import annotations

import re

import pytest

# The fixtures come from browser_support.py by import (a conftest.py here would shadow tests/conftest.py
# for `from conftest import …`), so test parameters re-use their names: F811 is expected.
# ruff: noqa: F811
from browser_support import (  # noqa: F401
    CONTENT,
    Server,
    browser,
    built_seeds,
    kb_serve,
    page,
    static_host,
)
from playwright.sync_api import Page, expect

from kb import urls
from kb.align.topics import align
from kb.ingest.reader import ingest

pytestmark = pytest.mark.browser

SEED_PT = "000_c9c7f4bd9cf9de1f.txt"
SEED_PT_21V = "001_ec9c8a3814b0800e.txt"
SEED_RU = "002_cc28fa39727e896f.txt"


@pytest.fixture(scope="module")
def seed_urls() -> dict[str, str]:
    """Site path of each seed document, from the same ingest and alignment `kb build` runs."""
    alignment = align(ingest(CONTENT).documents)
    return {
        m.document.path: "/" + urls.document_path(m.document.locale, m.slug)
        for t in alignment.topics
        for m in t.members
    }


def x_default(page: Page) -> str:
    href = page.locator('link[rel="alternate"][hreflang="x-default"]').get_attribute("href")
    assert href
    return href


def test_read_switch_language_and_edition_compare_search_and_follow(
    page: Page, kb_serve: Server, seed_urls: dict[str, str]
) -> None:
    # The Portuguese seed page.
    page.goto(kb_serve.url + seed_urls[SEED_PT])
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.locator("main h1")).to_have_text("Suporte a vários canais")
    expect(page.locator("div.alert-important .alert-title")).to_have_text("Importante")
    topic = x_default(page)

    # Switch to Russian: the same topic.
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="Русский").click()
    expect(page).to_have_url(kb_serve.url + seed_urls[SEED_RU])
    expect(page.locator("html")).to_have_attribute("lang", "ru-RU")
    expect(page.locator("main h1")).to_have_text("Поддержка нескольких каналов")
    assert x_default(page) == topic

    # Switch edition to 21Vianet: Russian has none, so the Portuguese 21Vianet article opens, as said.
    edition = page.get_by_role("navigation", name="Выпуск").get_by_role("link", name=re.compile("21Vianet"))
    expect(edition).to_contain_text("Português (Brasil)")
    edition.click()
    expect(page).to_have_url(kb_serve.url + seed_urls[SEED_PT_21V])
    expect(page.locator("main h1")).to_have_text("Vários canais")
    expect(page.locator(".meta .badge")).to_have_text(["21Vianet (China)"])
    assert x_default(page) == topic
    current = page.get_by_role("navigation", name="Edição").locator("[aria-current=page]")
    expect(current).to_have_text("21Vianet (China)")

    # The compare page: the 21Vianet and global Portuguese articles side by side.
    page.get_by_role("navigation", name="Comparar traduções").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/pt-br/compare/[^/]+/pt-br\.\.pt-br-21vianet/$"))
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")  # the reader's language still
    expect(page.locator("main h1")).to_contain_text("Comparar")
    rows = page.locator("table.compare tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 5
    assert page.locator("tr.row-matched").count() > 0
    assert page.locator("tr.row-only-a, tr.row-only-b").count() > 0  # unmatched segments are marked
    expect(page.locator("tr.row-only-a td[data-side=B] .gap").first).to_have_text("somente em A")

    # Search through kb serve from the header, and follow a result.
    page.get_by_role("searchbox", name="Pesquisar na base de conhecimento").fill("canais")
    page.get_by_role("search").get_by_role("button", name="Pesquisar").click()
    expect(page).to_have_url(re.compile(r"/pt-br/search/\?q=canais&locale=pt-BR$"))
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ resultados? para “canais”$"))
    expect(page.locator("#api-missing")).to_be_hidden()
    result = page.locator("#results li.result").first
    link = result.locator("h2 a")
    expect(link).to_be_visible()
    expect(result.locator(".snippet mark").first).to_have_text(re.compile("canais", re.I))
    href, title = link.get_attribute("href"), link.inner_text()
    assert href in seed_urls.values()
    # One result per topic; its translations link the topic's other pages, the seed among them.
    also = [a.get_attribute("href") for a in result.locator(".also a").all()]
    assert seed_urls[SEED_PT] in [href, *also]
    link.click()
    expect(page).to_have_url(kb_serve.url + str(href))
    expect(page).to_have_title(title)
    assert x_default(page) == topic


def test_search_form_filters_by_locale_and_shows_translations(page: Page, kb_serve: Server) -> None:
    page.goto(kb_serve.url + "/search/ru-ru/")  # the old address: a stub that refreshes to /ru-ru/search/
    expect(page).to_have_url(kb_serve.url + "/ru-ru/search/")
    expect(page.locator("html")).to_have_attribute("lang", "ru-RU")
    expect(page.get_by_role("combobox", name="Язык")).to_have_value("ru-RU")
    page.get_by_label("Что искать").fill("каналов")
    page.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(re.compile(r"\?q=%D0%BA%D0%B0%D0%BD%D0%B0%D0%BB%D0%BE%D0%B2&locale=ru-RU$"))
    result = page.locator("#results li.result").first
    expect(result.locator("h2 a")).to_have_text("Поддержка нескольких каналов | Центр партнеров")
    expect(result.locator(".also")).to_contain_text("Также на языках")
    expect(result.locator(".also a", has_text="Italiano")).to_have_attribute("href", re.compile(r"^/it-it/"))


def test_static_hosting_searches_the_pagefind_bundle(page: Page, static_host: Server) -> None:
    page.goto(static_host.url + "/pt-br/search/?q=canais")
    expect(page.locator("#results li.result h2 a").first).to_have_attribute("lang", "pt-BR")
    expect(page.locator("#api-missing")).to_be_hidden()


def test_keyboard_reaches_the_skip_link_and_switchers_with_a_visible_focus(
    page: Page, kb_serve: Server, seed_urls: dict[str, str]
) -> None:
    page.goto(kb_serve.url + seed_urls[SEED_PT])
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # From the top, Tab alone reaches the language switcher (header, search, breadcrumbs come first).
    page.goto(kb_serve.url + seed_urls[SEED_PT])
    russian = page.get_by_role("navigation", name="Idioma").get_by_role("link", name="Русский")
    for _ in range(30):
        page.keyboard.press("Tab")
        if russian.evaluate("e => e === document.activeElement"):
            break
    expect(russian).to_be_focused()
    outline = russian.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline == "solid 3px"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "ru-RU")


@pytest.mark.parametrize("path", ["doc", "/pt-br/search/", "/topics/"])
def test_a_phone_width_page_does_not_scroll_sideways(
    browser, kb_serve: Server, seed_urls: dict[str, str], path: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    try:
        if path == "doc":
            target = seed_urls[SEED_PT]
        elif path == "/topics/":
            page.goto(kb_serve.url + seed_urls[SEED_PT])
            target = x_default(page)
        else:
            target = path
        page.goto(kb_serve.url + target)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16
    finally:
        context.close()


# Contrast of every visible text against the background it is painted on (WCAG 2 relative luminance).
CONTRAST_JS = """
() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || el.closest(".visually-hidden, [hidden]")) continue;
    const fg = lum(parse(style.color).slice(0, 3));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${text}"`);
  }
  return low;
}
"""


@pytest.mark.parametrize("which", ["document", "compare", "search", "topic", "locale", "home", "missing"])
def test_text_contrast_is_at_least_4_5_to_1(
    page: Page, kb_serve: Server, seed_urls: dict[str, str], which: str
) -> None:
    page.goto(kb_serve.url + seed_urls[SEED_PT])
    targets = {
        "document": seed_urls[SEED_PT],
        "compare": page.locator(".compare-links a").last.get_attribute("href"),
        "search": "/pt-br/search/?q=canais",
        "topic": x_default(page),
        "locale": "/pt-br/",
        "home": "/",
        "missing": "/no/such/page/",
    }
    page.goto(kb_serve.url + str(targets[which]))
    if which == "search":
        page.locator("#results li.result").first.wait_for()
    assert page.evaluate(CONTRAST_JS) == []
