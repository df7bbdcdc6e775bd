"""The site's worker pools (kb.site.workers): replaced every WORKER_DOCUMENTS documents, each sized when
it starts by the cores the build's other processes leave it."""

from __future__ import annotations

import itertools
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import CONTENT, SEED_ES, SEED_IT, SEED_RU

from kb.align.topics import align
from kb.ingest.reader import ingest
from kb.output.options import BuildOptions
from kb.site import workers as sitejobs
from kb.site.writer import render_site


class RecordedPool(ProcessPoolExecutor):
    """A real pool that notes how many workers it was given."""

    sizes: list[int] = []

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        RecordedPool.sizes.append(max_workers)
        super().__init__(max_workers, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("worker_documents", "taken", "sizes"),
    [
        (1, None, [3, 3]),  # no other process of the build: every job, a pool for each 3 documents
        (1000, None, [3]),
        (1000, [2, 0], [1, 3]),  # the index writer takes two cores; a pool of one ends after a topic
        (1, [5, 5], [1, 1]),  # never fewer than one worker
    ],
)
def test_each_pool_leaves_the_cores_other_writers_take(
    worker_documents: int, taken: list[int] | None, sizes: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for seed in CONTENT.iterdir():
        (content / seed.name).write_bytes(seed.read_bytes())
    for seed in (SEED_RU, SEED_ES, SEED_IT):  # a second article, in three languages
        other = (CONTENT / seed).read_text(encoding="utf-8").replace("C8B58255-2C7D", "0DDBA11-2C7D")
        (content / f"other-{seed}").write_text(other, encoding="utf-8")
    corpus = ingest(content)
    alignment = align(corpus.documents)
    assert sorted(len(t.members) for t in alignment.topics) == [3, 5]
    monkeypatch.setattr(sitejobs, "ProcessPoolExecutor", RecordedPool)
    monkeypatch.setattr(sitejobs, "WORKER_DOCUMENTS", worker_documents)
    monkeypatch.setattr(sitejobs, "SHARED_POOL_DOCUMENTS", 1)
    monkeypatch.setattr(RecordedPool, "sizes", [])
    answers = itertools.chain(taken or [], itertools.repeat(0))
    options = BuildOptions(jobs=3, cores_taken=None if taken is None else lambda: next(answers))

    render_site(tmp_path / "site", corpus, alignment, options)

    assert RecordedPool.sizes == sizes
    assert (tmp_path / "site" / "index.html").is_file()


@pytest.mark.parametrize(
    ("before", "after", "added"),
    [
        ({"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 3, "d": 4}, [("c", 3), ("d", 4)]),
        ({"a": 1}, {"a": 1}, []),
        ({"a": 1, "b": 2}, {}, []),  # cleared meanwhile: nothing is known to be new
        ({}, {"x": 0}, [("x", 0)]),
    ],
)
def test_added_since_gives_the_newest_items_oldest_first(
    before: dict[str, int], after: dict[str, int], added: list[tuple[str, int]]
) -> None:
    assert sitejobs.added_since(after, len(before)) == added
