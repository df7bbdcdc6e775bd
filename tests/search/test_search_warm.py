"""Warming a release (kb serve at start): the longest posting lists are read ahead into the cache,
within the budget, and searches give exactly what they give without it."""

from __future__ import annotations

import itertools
import logging
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_corpus import published_build

from kb.search.query import search, warm
from kb.search.release import open_release, read_ahead
from kb.serve.api import create_app

QUERIES = ["assinatura", "cancelar assinatura", "Azure", "подписка", "suscripción -azure", '"Partner Center"']


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder with one published release of the search test corpus."""
    return published_build(tmp_path_factory.mktemp("warm"))


def copy_of(build: Path, tmp_path: Path) -> Path:
    """The build in a folder of its own: a release opened there is not the one other tests opened."""
    out = tmp_path / "out"
    shutil.copytree(build, out, symlinks=True)
    return out


def test_warming_reads_the_longest_lists_and_changes_no_result(build: Path, tmp_path: Path) -> None:
    cold = [search(build / "index", q).as_dict() for q in QUERIES]
    out = copy_of(build, tmp_path)
    lists = warm(out / "index", seconds=30)
    release = open_release(out / "index")
    assert lists == len(release.leaves) > 0
    reader = release.searcher.reader()
    read = max(reader.doc_frequency(name, tbytes) for _, name, tbytes in release.leaves.lists)
    longest = max(info.doc_frequency() for key in release.keys for name in ("title", "headings", "body")
                  for _, info in reader.iter_field(f"{name}_{key}"))
    assert read == longest
    assert [search(out / "index", q).as_dict() for q in QUERIES] == cold


def test_warming_stays_within_its_budget(build: Path, tmp_path: Path) -> None:
    out = copy_of(build, tmp_path)
    assert warm(out / "index", seconds=30, budget=16 * 40) > 0
    release = open_release(out / "index")
    assert sum(docs.size for docs, _ in release.leaves.lists.values()) * 16 <= 16 * 40
    assert warm(copy_of(build, tmp_path / "again") / "index", seconds=0) == 0


def test_read_ahead_reads_the_postings_then_the_store_while_they_fit(build: Path) -> None:
    folder = (build / "index").resolve()
    size = {p.name: p.stat().st_size for p in folder.iterdir()}
    whoosh = sorted(n for n in size if n not in ("catalog.pickle", "vocabulary.pickle", "lexicon.pickle",
                                                 "documents-0.pickle"))
    assert any(n.endswith(".seg") for n in whoosh) and "documents-0.pickle" in size
    later = time.monotonic() + 30

    assert read_ahead(folder, later) == [*whoosh, "documents-0.pickle"]
    assert read_ahead(folder, later, room=sum(size[n] for n in whoosh)) == whoosh
    assert read_ahead(folder, later, room=0) == list(itertools.takewhile(lambda n: size[n] == 0, whoosh))
    assert read_ahead(folder, time.monotonic() - 1) == []  # past its deadline: nothing


def test_kb_serve_warms_the_published_release_before_taking_requests(
    build: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = copy_of(build, tmp_path)
    with caplog.at_level(logging.INFO, logger="kb.serve.api"), TestClient(create_app(out, warm_seconds=30)) as client:
        assert "posting lists ahead" in caplog.text
        assert open_release(out / "index").leaves
        assert client.get("/api/search", params={"q": "assinatura"}).json() == \
            search(build / "index", "assinatura").as_dict()


def test_kb_serve_starts_before_the_first_build(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "nothing", warm_seconds=30)) as client:
        assert client.get("/api/health").status_code == 503


def test_no_warming_when_told_so(build: Path, tmp_path: Path) -> None:
    out = copy_of(build, tmp_path)
    with TestClient(create_app(out, warm_seconds=0)):
        assert not open_release(out / "index").leaves

