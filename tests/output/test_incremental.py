"""Incremental builds: after a file is changed, deleted, renamed or added, ``kb build`` reuses the
previous release's unchanged files and the result equals a clean build of the same content — every
file of site/ byte for byte, and the index's documents and search results."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CONTENT, SEED_ES, SEED_IT, SEED_PT, SEED_RU, comparable_site
from whoosh import index as whoosh_index

from kb import memos
from kb.build.pipeline import build
from kb.build.releases import KEEP_RELEASES
from kb.output.options import BuildOptions, Session
from kb.search.query import search

QUERIES = ["multichannel", "подписки", "suscripciones", "abbonamenti", "assinaturas", "zebraword", "CSP"]

NEW_DOC = """---
title: Zebraword guide
ms.contentlocale: es-ES
ms.assetid: 11111111-2222-3333-4444-555555555555
---
# Zebraword guide

A page about the zebraword, added after the first build. See [the article](003_2b98cdb811fc5d19.txt).
"""


def modify(content: Path) -> None:
    path = content / SEED_RU
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Поддержка нескольких каналов", "Zebraword каналов"), encoding="utf-8")


def delete(content: Path) -> None:
    (content / SEED_IT).unlink()


def rename(content: Path) -> None:
    (content / SEED_ES).rename(content / "renamed-multichannel.txt")


def add(content: Path) -> None:
    (content / "zebraword.md").write_text(NEW_DOC, encoding="utf-8")


def touch_only(content: Path) -> None:
    """Same bytes, new mtime: nothing may change."""
    path = content / SEED_PT
    path.write_bytes(path.read_bytes())


CHANGES: dict[str, Callable[[Path], None]] = {
    "modify": modify, "delete": delete, "rename": rename, "add": add, "touch": touch_only,
}


def site_files(out: Path, pagefind: bool = True) -> dict[str, bytes]:
    return comparable_site(out / "site", pagefind)


def index_documents(out: Path) -> list[dict[str, object]]:
    ix = whoosh_index.open_dir(str((out / "index").resolve()))
    with ix.searcher() as s:
        return sorted((dict(fields) for fields in s.all_stored_fields()), key=lambda f: str(f["path"]))


def results(out: Path) -> dict[str, list[tuple[str, str, float]]]:
    found = {}
    for q in QUERIES:
        hits = search(out / "index", q, limit=50).as_dict()["results"]
        found[q] = [(h["path"], h["url"], h["score"]) for h in hits]
    return found


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


@pytest.mark.parametrize("in_session", [False, True], ids=["kb-build", "session"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_incremental_build_equals_clean_build(change: str, in_session: bool, content: Path, tmp_path: Path) -> None:
    """A second ``kb build``, or a rebuild in the session of ``kb serve --watch`` (which keeps each
    stage's memos between builds), writes what a clean build writes."""
    options = BuildOptions(jobs=1, session=Session() if in_session else None)
    inc = tmp_path / "inc"
    first = build(content, inc, options).release
    CHANGES[change](content)
    rebuilt = build(content, inc, options)
    assert rebuilt.warnings == []
    second = rebuilt.release
    clean = tmp_path / "clean"
    build(content, clean, options)

    got, want = site_files(inc), site_files(clean)
    assert sorted(got) == sorted(want)
    assert [p for p in want if got[p] != want[p]] == []
    assert index_documents(inc) == index_documents(clean)
    # The same hits in the same order; scores within 1% (Whoosh merges field lengths quantised).
    got_hits, want_hits = results(inc), results(clean)
    assert {q: [h[:2] for h in hits] for q, hits in got_hits.items()} == {
        q: [h[:2] for h in hits] for q, hits in want_hits.items()}
    for q, hits in want_hits.items():
        assert [h[2] for h in got_hits[q]] == pytest.approx([h[2] for h in hits], rel=0.01)

    # Unchanged pages were hard-linked from the first release, not rendered again.
    # (Adding or deleting a document changes every page: the footer counts the documents.)
    shared = [p for p in (second / "site").rglob("*.html") if p.stat().st_nlink > 1]
    assert shared or change in ("add", "delete"), "an incremental build reuses the previous release's pages"
    assert first.is_dir()  # the previous release is kept, untouched by the new one
    if change == "touch":
        assert [p for p in (second / "site").rglob("*") if p.is_file() and p.stat().st_nlink == 1] == []
    if change in ("modify", "add"):
        assert search(inc / "index", "zebraword").total >= 1


def test_a_no_incremental_build_reuses_nothing(content: Path, tmp_path: Path) -> None:
    build(content, tmp_path / "out", BuildOptions(jobs=1))
    second = build(content, tmp_path / "out", BuildOptions(jobs=1, incremental=False)).release
    assert [p for p in (second / "site").rglob("*") if p.is_file() and p.stat().st_nlink > 1] == []


def test_a_session_forgets_edited_away_versions(content: Path, tmp_path: Path) -> None:
    """A long-running ``kb serve --watch`` must not keep what it derived from every version of a file
    that is edited again and again."""
    options = BuildOptions(jobs=1, session=Session())
    first = build(content, tmp_path / "out", options)
    old = next(d for d in first.corpus.documents if d.path == SEED_RU)
    modify(content)
    second = build(content, tmp_path / "out", options)
    new = next(d for d in second.corpus.documents if d.path == SEED_RU)

    remembered = memos.remembered_documents()
    assert (SEED_RU, old.content_hash) not in remembered
    assert (SEED_RU, new.content_hash) in remembered
    assert {path for path, _ in remembered} <= {d.path for d in second.corpus.documents}


@pytest.mark.slow
@pytest.mark.parametrize("in_session", [False, True], ids=["kb-build", "session"])
def test_recycled_releases_equal_clean_builds_and_leave_the_live_ones_alone(
    in_session: bool, content: Path, tmp_path: Path
) -> None:
    """From the fourth build on, a build recycles the oldest kept release (see kb.build.releases.recycle): after
    each change of a series, the site still equals a clean build's, and the live release and its
    predecessor are never written to."""
    options = BuildOptions(jobs=1, session=Session() if in_session else None)
    inc = tmp_path / "inc"
    for _ in range(KEEP_RELEASES):
        build(content, inc, options)
    for step, change in enumerate(["modify", "add", "delete", "rename", "touch"]):
        before = {p: snapshot(p) for p in sorted((inc / "releases").iterdir())}
        CHANGES[change](content)
        rebuilt = build(content, inc, options)
        assert rebuilt.warnings == [], change
        new = rebuilt.release
        clean = tmp_path / f"clean-{step}"
        build(content, clean, BuildOptions(jobs=1))
        # (kb serve --watch writes no Pagefind bundle: its pages search through its API)
        assert site_files(inc) == site_files(clean, pagefind=not in_session), change
        assert index_documents(inc) == index_documents(clean), change
        kept = [p for p in before if p.exists()]
        assert len(kept) == KEEP_RELEASES - 1 and new not in before  # the oldest one became ``new``
        assert {p: snapshot(p) for p in kept} == {p: before[p] for p in kept}, change


def snapshot(release: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file of a release: inode, modification time and bytes."""
    files = {}
    for p in sorted(release.rglob("*")):
        if p.is_file():
            st = p.stat()
            files[p.relative_to(release).as_posix()] = (st.st_ino, st.st_mtime_ns, p.read_bytes())
    return files
