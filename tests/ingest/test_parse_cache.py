"""The parse cache: unchanged bytes are not parsed again, and results never differ from a fresh parse."""

from __future__ import annotations

import pickle

import pytest

from kb.ingest.cache import ParseCache, parser_version
from kb.ingest.reader import ingest

DOC = (
    "---\ntitle: Documento {n}\nms.contentlocale: pt-BR\nms.assetid: {n:08d}-0000\n---\n"
    "# Título {n}\n\nTexto {n}.\n"
)


def write_docs(folder, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc-{i:03d}.md").write_text(DOC.format(n=i), encoding="utf-8")


def entries(cache: ParseCache) -> list[str]:
    return sorted(p.name for p in cache.folder.glob("*/*.pickle"))


@pytest.fixture
def content(tmp_path):
    write_docs(tmp_path / "content", 5)
    (tmp_path / "content" / "broken.md").write_text("no front matter\n", encoding="utf-8")
    return tmp_path / "content"


def test_second_ingest_is_all_hits_and_equal(content, tmp_path):
    fresh = ingest(content)
    first = ParseCache.under(tmp_path / "out")
    assert ingest(content, cache=first) == fresh
    assert (first.stats.hits, first.stats.misses, first.stats.writes) == (0, 6, 6)
    second = ParseCache.under(tmp_path / "out")
    assert ingest(content, cache=second) == fresh
    assert (second.stats.hits, second.stats.misses, second.stats.writes) == (6, 0, 0)
    assert first.folder == tmp_path / "out" / ".cache" / "parse" / parser_version()


def test_a_changed_file_is_parsed_again_and_a_deleted_one_pruned(content, tmp_path):
    ingest(content, cache=ParseCache.under(tmp_path / "out"))
    (content / "doc-001.md").write_text(DOC.format(n=1).replace("Texto", "Outro texto"), encoding="utf-8")
    (content / "doc-004.md").unlink()
    cache = ParseCache.under(tmp_path / "out")
    corpus = ingest(content, cache=cache)
    assert corpus == ingest(content)
    assert (cache.stats.hits, cache.stats.misses) == (4, 1)
    assert next(d for d in corpus.documents if d.path == "doc-001.md").segments[1].text == "Outro texto 1."
    assert len(entries(cache)) == 5  # 4 documents and the broken file's problem


def test_same_bytes_at_two_paths_are_two_entries(tmp_path):
    write_docs(tmp_path / "content" / "a", 1)
    write_docs(tmp_path / "content" / "b", 1)
    cache = ParseCache.under(tmp_path / "out")
    corpus = ingest(tmp_path / "content", cache=cache)
    assert [d.path for d in corpus.documents] == ["a/doc-000.md", "b/doc-000.md"]
    assert len(entries(cache)) == 2
    again = ParseCache.under(tmp_path / "out")
    paths = [d.path for d in ingest(tmp_path / "content", cache=again).documents]
    assert paths == ["a/doc-000.md", "b/doc-000.md"]


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps("wrong shape")[:5]])
def test_a_corrupt_entry_is_a_miss_and_is_rewritten(content, tmp_path, damage):
    cache = ParseCache.under(tmp_path / "out")
    ingest(content, cache=cache)
    victim = cache.folder.glob("*/*.pickle").__next__()
    victim.write_bytes(damage)
    again = ParseCache.under(tmp_path / "out")
    assert ingest(content, cache=again) == ingest(content)
    assert (again.stats.hits, again.stats.misses, again.stats.errors) == (5, 1, 1)
    assert pickle.loads(victim.read_bytes())[1] is not None


def test_entries_of_another_parser_version_are_removed(content, tmp_path):
    stale = tmp_path / "out" / ".cache" / "parse" / "0123456789abcdef" / "ab"
    stale.mkdir(parents=True)
    (stale / "x.pickle").write_bytes(b"old")
    ingest(content, cache=ParseCache.under(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out" / ".cache" / "parse").iterdir()] == [parser_version()]


def test_a_document_with_an_include_is_never_cached(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "part.md").write_text("---\ntitle: Parte\n---\nTexto incluído antes.\n", encoding="utf-8")
    (content / "main.md").write_text(
        "---\ntitle: Principal\nms.contentlocale: pt-BR\n---\n# Principal\n\n[!INCLUDE[p](part.md)]\n",
        encoding="utf-8",
    )
    ingest(content, cache=ParseCache.under(tmp_path / "out"))
    (content / "part.md").write_text("---\ntitle: Parte\n---\nTexto incluído depois.\n", encoding="utf-8")
    cache = ParseCache.under(tmp_path / "out")
    main = next(d for d in ingest(content, cache=cache).documents if d.path == "main.md")
    assert [s.text for s in main.segments] == ["Principal", "Texto incluído depois."]
    assert (cache.stats.hits, cache.stats.misses) == (0, 1)  # part.md changed; main.md is not looked up


@pytest.mark.slow
def test_workers_fill_the_cache_and_the_parent_reads_it(tmp_path):
    write_docs(tmp_path / "content", 40)
    cache = ParseCache.under(tmp_path / "out")
    fresh = ingest(tmp_path / "content", jobs=2, cache=cache)
    assert len(entries(cache)) == 40
    again = ParseCache.under(tmp_path / "out")
    assert ingest(tmp_path / "content", jobs=2, cache=again) == fresh
    assert again.stats.hits == 40


def test_an_unwritable_cache_does_not_fail_ingest(content, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("a file where the cache folder should be", encoding="utf-8")
    cache = ParseCache(out / ".cache" / "parse" / parser_version())
    assert ingest(content, cache=cache) == ingest(content)
    assert (cache.stats.writes, cache.stats.errors) == (0, 6)
