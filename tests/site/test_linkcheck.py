"""`kb build` on the seeds and on the dev corpus: every internal link of OUT/site resolves, and every
document page carries hreflang alternates for exactly the locales its topic has (plus x-default)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from linkcheck import PageLinks, check_site

from kb import urls
from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.model import Alignment
from kb.site.data import is_noindex, locale_key

CONTENT = Path(__file__).resolve().parents[2] / "content"


def kb_build(content: Path, out: Path, *extra: str) -> Path:
    """Run the real `kb build` command; the published site folder."""
    cmd = [
        sys.executable,
        "-m",
        "kb",
        "build",
        "--content",
        str(content),
        "--build",
        str(out),
        "--quiet",
        *extra,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return out / "site"


def assert_alternates(pages: dict[str, PageLinks], alignment: Alignment, base: str) -> int:
    """Each member's page: ``<html lang>`` is its locale; one alternate per locale of its topic, each
    naming a page of that topic in that locale; and x-default naming the topic hub in the site's main
    locale (the one with the most documents)."""
    checked = 0
    counts = Counter(m.document.locale for topic in alignment.topics for m in topic.members)
    main = min(counts, key=lambda loc: (-counts[loc], locale_key(loc)))
    for topic in alignment.topics:
        urls_by_locale = {}
        for m in topic.members:
            urls_by_locale.setdefault(m.document.locale, set()).add(
                urls.join(base, urls.document_path(m.document.locale, m.slug))
            )
        for m in topic.members:
            url = urls.join(base, urls.document_path(m.document.locale, m.slug))
            page = pages[url]
            assert page.lang == m.document.locale, url
            langs = [lang for lang, _ in page.alternates]
            indexed = {n.document.locale for n in topic.members if not is_noindex(n.document)}  # (ROBOTS: NOINDEX
            assert langs == [*sorted(indexed, key=str.lower), "x-default"], url  # pages are no one's alternate)
            for lang, href in page.alternates:
                if lang == "x-default":
                    assert href == urls.join(base, urls.topic_path(topic.id, main)), url
                else:
                    assert href in urls_by_locale[lang], (url, lang, href)
            checked += 1
    return checked


@pytest.mark.slow
@pytest.mark.parametrize("base", ["/", "/docs/"])
def test_seed_site_links_all_resolve_and_pages_carry_hreflang(tmp_path: Path, base: str) -> None:
    site = kb_build(CONTENT, tmp_path / "out", "--jobs", "1", "--base-url", base)
    pages, problems = check_site(site, base)
    assert problems == []
    alignment = align(ingest(CONTENT).documents)
    assert assert_alternates(pages, alignment, base) == 5
    assert (
        (site / "sitemap.xml").is_file() and (site / "robots.txt").is_file() and (site / "404.html").is_file()
    )


@pytest.fixture(scope="module")
def dev_site(
    corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, PageLinks], list[str]]:
    """The dev corpus built by `kb build`, link-checked once for the tests below."""
    return check_site(kb_build(corpus_dir, tmp_path_factory.mktemp("dev") / "out", "--jobs", "2"), "/")


def test_dev_corpus_site_links_all_resolve(dev_site) -> None:
    pages, problems = dev_site
    assert problems == []
    assert len(pages) > 744


def test_dev_corpus_pages_carry_hreflang_for_their_topics_locales(dev_site, dev_corpus) -> None:
    pages, _ = dev_site
    alignment = align(dev_corpus.documents)
    assert assert_alternates(pages, alignment, "/") == len(dev_corpus.documents) == 744
