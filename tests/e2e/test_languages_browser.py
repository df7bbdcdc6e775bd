"""The search page in Chromium on a site in Japanese, Chinese, Korean, German and French
(tests/languages_corpus.py): on a static host from the Pagefind bundle, under `kb serve` from the API; in
both, a word inside a Japanese or Chinese run of text finds its page, and the page speaks its language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# ruff: noqa: F811 (the fixtures come by import, see browser_support.py)
from browser_support import Server, browser, kb_build, page, serve_as_files, serve_with_kb  # noqa: F401
from languages_corpus import write_corpus
from playwright.sync_api import Page, expect

from kb import urls

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("languages-site")
    out = root / "out"
    printed = kb_build(write_corpus(root / "content"), out)
    assert "warning" not in printed, printed  # the Pagefind bundle was written
    return out


@pytest.fixture(scope="module")
def static(built: Path) -> Iterator[Server]:
    yield from serve_as_files(built)


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Server]:
    yield from serve_with_kb(built)


CASES = [
    # locale, query, the title of the page it must find, the search page's result line
    ("ja-JP", "パスワード", "パスワードをリセットする", "「パスワード」の検索結果: 1 件"),
    ("zh-CN", "发票", "查看发票", "“发票”的 1 个结果"),
    ("ko-KR", "청구서", "청구서 보기", "“청구서”에 대한 결과 1개"),
    ("de-DE", "Rechnungen", "Rechnungen anzeigen", "1 Ergebnis für „Rechnungen“"),
]


def search_in(page: Page, base: str, locale: str, query: str) -> None:
    page.goto(base + "/" + urls.locale_home_path(locale))
    action = page.locator("form.header-search").get_attribute("action")
    assert action
    page.goto(base + action)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    page.locator("#locale").select_option(locale)
    page.locator("#q").press_sequentially(query, delay=40)


@pytest.mark.parametrize(("locale", "query", "title", "status"), CASES)
@pytest.mark.parametrize("host", ["static", "served"])
def test_a_word_inside_the_text_finds_its_page(page: Page, request: pytest.FixtureRequest, host: str, locale: str,
                                               query: str, title: str, status: str) -> None:
    server: Server = request.getfixturevalue(host)
    search_in(page, server.url, locale, query)
    results = page.locator("#results li.result")
    expect(results).to_have_count(1)
    expect(results.first.locator("h2 a")).to_have_text(title)
    expect(results.first.locator("h2 a")).to_have_attribute("lang", locale)
    expect(page.locator("#search-status")).to_have_text(status)
    expect(results.first.locator(".snippet mark").first).to_have_text(re.compile(re.escape(query), re.I))
