"""In headless Chromium against `kb serve` on the seeds: a topic hub, a compare page and the status page
exist in every locale, and the language switcher on each stays on that page in the new language, with
``<html lang>`` set; an old address without a locale lands on the page in one."""

from __future__ import annotations

import pytest

# The fixtures come from browser_support.py by import (see test_browser.py): F811 is expected.
# ruff: noqa: F811
from browser_support import CONTENT, Server, browser, built_seeds, kb_serve, page  # noqa: F401
from playwright.sync_api import Page, expect

from kb.align.topics import align
from kb.ingest.reader import ingest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def topic_id() -> str:
    (topic,) = [t for t in align(ingest(CONTENT).documents).topics if t.members]
    return topic.id


@pytest.mark.parametrize(
    ("start", "switch_to", "name", "lang", "h1"),
    [
        ("/pt-br/topics/{id}/", "Русский", "/ru-ru/topics/{id}/", "ru-RU", "Поддержка нескольких каналов"),
        ("/pt-br/compare/{id}/pt-br..ru-ru/", "Español", "/es-es/compare/{id}/pt-br..ru-ru/", "es-ES", "Comparar"),
        ("/ru-ru/translation-status/", "Italiano", "/it-it/translation-status/", "it-IT", "Stato delle traduzioni"),
    ],
)
def test_switching_language_stays_on_the_page_in_the_new_language(
    page: Page, kb_serve: Server, topic_id: str, start: str, switch_to: str, name: str, lang: str, h1: str
) -> None:
    page.goto(kb_serve.url + start.format(id=topic_id))
    source = page.locator("html").get_attribute("lang")
    switcher = page.locator("nav.switcher-languages")
    expect(switcher.locator("[aria-current=page]")).to_have_attribute("href", start.format(id=topic_id))

    switcher.get_by_role("link", name=switch_to).click()

    expect(page).to_have_url(kb_serve.url + name.format(id=topic_id))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_contain_text(h1)
    assert lang != source
    # the interface speaks the new language too: the switcher's own heading is translated
    expect(page.locator("nav.switcher-languages h2")).not_to_have_text("Language")


def test_an_old_address_lands_on_the_page_in_a_locale(page: Page, kb_serve: Server, topic_id: str) -> None:
    page.goto(kb_serve.url + f"/topics/{topic_id}/")
    expect(page).to_have_url(kb_serve.url + f"/pt-br/topics/{topic_id}/")  # the topic's own language
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
