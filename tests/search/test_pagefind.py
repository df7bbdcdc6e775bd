"""The Pagefind bundle `kb build` writes into the site (kb/search/pagefind.py): one index per locale,
records carrying what a result shows, reuse of an unchanged bundle, and a build that still publishes
its site, with a warning, when the Pagefind binary is missing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CONTENT

from kb.align.topics import align
from kb.build.pipeline import build
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions, Session
from kb.search.pagefind import BUNDLE, records
from kb.search.pagefind_service import PagefindFailed, index_records

SITE = Path(__file__).resolve().parents[1] / "e2e" / "search_site" / "content"


def test_each_document_is_a_record_in_its_locale_with_its_topic_whose_file_lists_the_translations() -> None:
    topics = align(ingest(SITE).documents).topics
    files: dict[str, bytes] = {}
    found = {r.url: r for r in records(topics, "/docs/", files)}
    assert sorted({r.language for r in found.values()}) == ["es-es", "it-it", "pt-br", "ru-ru"]
    pt = found["/docs/pt-br/reset-a-user-password/"]
    assert pt.meta == {"title": "Redefinir a senha do usuário | Partner Center", "topic": pt.meta["topic"]}
    assert re.fullmatch(r"[0-9a-f]{12}", pt.meta["topic"])
    assert pt.filters == {"locale": ["pt-BR"], "edition": ["global"]}
    assert "senha" in pt.content
    listed = json.loads(files[pt.meta["topic"] + ".json"])
    assert sorted((a["locale"], a["url"]) for a in listed) == [
        ("es-ES", "/docs/es-es/reset-a-user-password/"),
        ("it-IT", "/docs/it-it/reset-a-user-password/"),
        ("pt-BR", "/docs/pt-br/reset-a-user-password-21vianet/"),
        ("pt-BR", "/docs/pt-br/reset-a-user-password/"),
        ("ru-RU", "/docs/ru-ru/reset-a-user-password/"),
    ]
    assert {"locale": "ru-RU", "editions": ["global"], "title": "Сброс пароля пользователя | Центр партнеров",
            "url": "/docs/ru-ru/reset-a-user-password/"} in listed
    # One file a topic, named by the topic (its records all name it), and the same from build to build.
    assert found["/docs/ru-ru/reset-a-user-password/"].meta["topic"] == pt.meta["topic"]
    assert len(files) == len(topics)
    again: dict[str, bytes] = {}
    list(records(align(ingest(SITE).documents).topics, "/docs/", again))
    assert again == files


def test_the_build_writes_one_index_per_locale_into_the_site_and_reuses_an_unchanged_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(SITE, out, BuildOptions(jobs=1))
    assert first.warnings == []
    bundle = first.release / "site" / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: v["page_count"] for lang, v in entry["languages"].items()} == {
        "es-es": 2, "it-it": 2, "pt-br": 4, "ru-ru": 2}
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.pt-br.pagefind", "wasm.ru-ru.pagefind"):
        assert (bundle / name).is_file(), name
    assert not (first.release / BUNDLE).exists()  # inside the site, where a static host serves it
    second = build(SITE, out, BuildOptions(jobs=1))
    again = second.release / "site" / BUNDLE
    files = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file())
    linked = [f for f in files if (again / f).stat().st_nlink > 1]
    assert linked == files  # hard links of the first release's bundle, nothing written again


def test_a_missing_pagefind_binary_warns_and_the_site_is_still_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=1))
    assert result.warnings == [
        "pagefind: no static search bundle was written (the Pagefind binary was not found: install kb with "
        "pip to get pagefind[extended]); the site's search page needs kb serve's API"
    ]
    assert str(tmp_path) not in result.warnings[0]
    site = (tmp_path / "out" / "site").resolve()
    assert (site / "index.html").is_file() and (site / "search" / "index.html").is_file()
    assert not (site / BUNDLE).exists()


def test_kb_serve_watch_builds_write_no_bundle(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(CONTENT, out, BuildOptions(jobs=1))  # a one-off build first: its bundle is not carried over
    result = build(CONTENT, out, BuildOptions(jobs=1, session=Session()))
    assert result.warnings == []
    assert (result.release / "site" / "index.html").is_file()
    assert not (result.release / "site" / BUNDLE).exists()


def test_a_failing_pagefind_binary_is_reported_and_the_site_still_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'pagefind: cannot start' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    said = "^the service stopped before its NewIndex answer: pagefind: cannot start$"
    with pytest.raises(PagefindFailed, match=said):
        index_records([], tmp_path / "bundle", 0)
    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=1))
    assert result.warnings == [
        "pagefind: no static search bundle was written (PagefindFailed: the service stopped before its NewIndex "
        "answer: pagefind: cannot start); the site's search page needs kb serve's API"
    ]
    assert (tmp_path / "out" / "site" / "index.html").is_file()


def test_a_language_pagefind_has_no_stemmer_for_gets_a_whole_bundle_at_once(tmp_path: Path) -> None:
    # Japanese and Chinese docs: Pagefind names no WebAssembly of their own ('wasm': null, the browser loads
    # the 'unknown' one); the bundle was judged incomplete, written twice with a 30 s wait each, then dropped.
    content = tmp_path / "content"
    texts = {"pt-br": ("Configurar a conta", "Como configurar sua conta."),
             "ja-jp": ("アカウントの設定", "アカウントを設定する方法。"),
             "zh-cn": ("设置帐户", "如何设置帐户。")}
    for locale, (title, text) in texts.items():
        (content / locale).mkdir(parents=True)
        (content / locale / "conta.md").write_text(
            f"---\ntitle: {title}\nms.assetid: 1111-2222\n---\n# {title}\n\n{text}\n", encoding="utf-8")
    result = build(content, tmp_path / "out", BuildOptions(jobs=1))
    assert result.warnings == []
    bundle = result.release / "site" / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: v["wasm"] for lang, v in entry["languages"].items()} == {"pt-br": "pt-br", "ja-jp": None,
                                                                           "zh-cn": None}
    assert (bundle / "wasm.unknown.pagefind").is_file()
