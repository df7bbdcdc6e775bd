"""The index's catalog and document store: the catalog keeps documents without their text, the store
gives them back whole, and rebuilds (one-off or in a session) take over the previous release's store
files, writing only changed documents — with the same answers as a clean build."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT, SEED_ES, SEED_IT, SEED_PT, SEED_PT_21V, SEED_RU
from fastapi.testclient import TestClient

from kb.build.pipeline import build
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions, Session
from kb.search.catalog import load_catalog
from kb.search.layout import CATALOG, VOCABULARY, CatalogData
from kb.search.query import search
from kb.serve.api import create_app


def edit(content: Path, name: str, old: str, new: str) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def catalog_data(out: Path) -> CatalogData:
    with ((out / "index").resolve() / CATALOG).open("rb") as f:
        data = pickle.load(f)
    assert isinstance(data, CatalogData)
    return data


def answers(out: Path) -> dict[str, object]:
    """What users get from the index: API documents, topics and comparisons, searches, suggestions."""
    client = TestClient(create_app(out))
    with ((out / "index").resolve() / VOCABULARY).open("rb") as f:
        got: dict[str, object] = {"vocabulary": list(pickle.load(f).items())}
    got["topics"] = client.get("/api/topics").json()
    for loc, slug in [("pt-br", "multichannel-support"), ("ru-ru", "multichannel-support"),
                      ("pt-br", "multichannel-support-21vianet"), ("es-es", "multichannel-support")]:
        got[f"{loc}/{slug}"] = client.get(f"/api/documents/{loc}/{slug}").json()
    got["compare"] = client.get("/api/compare/multichannel-support?a=pt-BR&b=ru-RU").json()
    for q in ["zebraword", "каналов", "assinatura", "suscripcion", "assinatrua", "multichannel"]:
        found = search(out / "index", q, limit=50).as_dict()
        got[q] = (found["total"], [(h["path"], h["url"], h["snippet"], h["title"]) for h in found["results"]],
                  found["suggestions"])
    return got


def test_the_catalog_keeps_documents_without_text_and_the_store_gives_them_whole(tmp_path: Path) -> None:
    build(CONTENT, tmp_path / "out", BuildOptions(jobs=1))
    index = (tmp_path / "out" / "index").resolve()
    catalog = load_catalog(index)
    parsed = {d.path: d for d in ingest(CONTENT).documents}
    assert sorted(catalog.by_path) == sorted(parsed)
    for path, entry in catalog.by_path.items():
        assert entry.document.segments == () and entry.document.body == ""
        assert entry.document.title == parsed[path].title
        assert catalog.document(path) == parsed[path]
    assert catalog_data(tmp_path / "out").files == ("documents-0.pickle",)
    with (index / VOCABULARY).open("rb") as f:
        words = pickle.load(f)
    assert list(words) == sorted(words) and words["assinatura"] >= 1


REBUILDS = {"kb-build": (1, False), "kb-build-2-jobs": (2, False), "session": (1, True)}


def built_copy(rebuild: str, tmp_path: Path) -> tuple[Path, Path, BuildOptions]:
    """A copy of the seed content, built once into ``inc`` the way ``rebuild`` builds again."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    jobs, in_session = REBUILDS[rebuild]
    options = BuildOptions(jobs=jobs, session=Session() if in_session else None)
    inc = tmp_path / "inc"
    build(content, inc, options)
    return content, inc, options


@pytest.mark.slow
@pytest.mark.parametrize("rebuild", list(REBUILDS))
def test_rebuilds_write_only_changed_documents_and_answer_as_a_clean_build(rebuild: str, tmp_path: Path) -> None:
    content, inc, options = built_copy(rebuild, tmp_path)
    edit(content, SEED_RU, "Поддержка нескольких каналов", "Zebraword каналов")
    second = build(content, inc, options).release
    data = catalog_data(inc)
    # The first store file is the previous release's (hard-linked); the new one holds the change only.
    assert data.files == ("documents-0.pickle", "documents-1.pickle")
    assert (second / "index" / "documents-0.pickle").stat().st_nlink > 1
    assert [p for p, at in data.stored.items() if at[0] == 1] == [SEED_RU]
    clean = tmp_path / "clean"
    build(content, clean, BuildOptions(jobs=1))
    assert answers(inc) == answers(clean)

    # Edited again and again: a store file whose documents were mostly replaced is rewritten, so the
    # store does not grow with every rebuild; answers stay a clean build's.
    for word in ("Zebrawordtwo", "Zebrawordthree", "Zebrawordfour"):
        edit(content, SEED_RU, "каналов", f"{word} каналов")
        edit(content, SEED_ES, "Multicanal", f"Multicanal {word}")
        build(content, inc, options)
    data = catalog_data(inc)
    assert len(data.files) <= 2
    assert sum(at[2] for at in data.stored.values()) * 2 >= sum(
        ((inc / "index").resolve() / name).stat().st_size for name in data.files)
    shutil.rmtree(clean)
    build(content, clean, BuildOptions(jobs=1))
    assert answers(inc) == answers(clean)


def test_a_rebuild_with_nothing_changed_links_every_index_file_and_writes_no_other(tmp_path: Path) -> None:
    first = build(CONTENT, tmp_path / "out", BuildOptions(jobs=1)).release / "index"
    second = build(CONTENT, tmp_path / "out", BuildOptions(jobs=1)).release / "index"
    rewritten = {CATALOG, VOCABULARY}
    assert sorted(p.name for p in second.iterdir()) == sorted(p.name for p in first.iterdir())
    assert [p.name for p in second.iterdir() if p.name not in rewritten and p.stat().st_nlink < 2] == []


@pytest.mark.slow
@pytest.mark.parametrize("rebuild", list(REBUILDS))
def test_a_store_file_mostly_replaced_is_written_again_with_its_current_documents(
    rebuild: str, tmp_path: Path
) -> None:
    content, inc, options = built_copy(rebuild, tmp_path)
    for name in (SEED_PT, SEED_RU, SEED_ES, SEED_IT):  # all but the smallest, SEED_PT_21V
        with (content / name).open("a", encoding="utf-8") as f:
            f.write("\n\nZebraword, appended.\n")
    second = build(content, inc, options).release
    data = catalog_data(inc)
    # Four fifths of the first store file replaced: the live document is copied into a new file.
    assert data.files == ("documents-0.pickle",)
    assert (second / "index" / "documents-0.pickle").stat().st_nlink == 1
    assert sorted(data.stored) == sorted(p.name for p in content.iterdir())
    clean = tmp_path / "clean"
    build(content, clean, BuildOptions(jobs=1))
    assert answers(inc) == answers(clean)
    parsed = {d.path: d for d in ingest(content).documents}
    assert load_catalog((inc / "index").resolve()).document(SEED_PT_21V) == parsed[SEED_PT_21V]
