"""The site's worker pools (kb.site.workers): replaced every WORKER_DOCUMENTS documents (a few while the
build's other processes take cores), each rendering as many chunks at once as the cores those leave."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
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
    """A real pool that notes how many topics it was given."""

    sizes: list[int] = []

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        RecordedPool.sizes.append(0)
        super().__init__(max_workers, **kwargs)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        RecordedPool.sizes[-1] += len(args[0])
        return super().submit(fn, *args, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("worker_documents", "taken", "sizes"),
    [
        (1, None, [1, 1]),  # no other process of the build: a pool for each 3 documents (jobs x 1)
        (1000, None, [2]),
        (1000, [2, 2, 0], [1, 1]),  # the index writer takes cores: a pool of one document, then the rest
        (1, [5, 5, 5, 5], [1, 1]),  # never fewer than one worker
    ],
)
def test_pools_are_replaced_and_small_while_other_writers_take_cores(
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

    assert RecordedPool.sizes == sizes  # topics per pool
    assert (tmp_path / "site" / "index.html").is_file()
    assert len(list((tmp_path / "site").glob("*/topics/*/index.html"))) == 2 * 4  # each topic, every locale


def test_a_pool_renders_as_many_chunks_at_once_as_it_may_and_widens_as_soon_as_it_may(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    finish = {i: threading.Event() for i in range(3)}

    def chunk(indices: list[int]) -> list[int]:
        started.append(indices[0])
        assert finish[indices[0]].wait(10)
        return indices

    def until(condition: Any) -> None:
        deadline = time.monotonic() + 10
        while not condition():
            assert time.monotonic() < deadline
            time.sleep(0.01)

    monkeypatch.setattr(sitejobs, "_run_chunk", chunk)
    width = [1]  # a writer takes the other core
    out: list[Any] = []
    with ThreadPoolExecutor(3) as pool:
        consumer = threading.Thread(
            target=lambda: out.extend(sitejobs._throttled(pool, [[0], [1], [2]], lambda: width[0])))  # type: ignore[arg-type]
        consumer.start()
        until(lambda: started == [0])
        time.sleep(0.2)
        assert started == [0]  # the second chunk waits for the first
        width[0] = 2  # the writer ended: the second chunk starts beside the first
        until(lambda: started == [0, 1])
        time.sleep(0.2)
        assert started == [0, 1]
        finish[0].set()
        until(lambda: started == [0, 1, 2])
        finish[2].set()
        time.sleep(0.1)
        assert out == [[0]]  # in order: the third waits for the second
        finish[1].set()
        consumer.join(10)
    assert out == [[0], [1], [2]]


@pytest.mark.parametrize(("taken", "width"), [(None, 3), (0, 3), (1, 2), (2, 1), (5, 1)])
def test_width_is_the_cores_left_and_never_none(taken: int | None, width: int) -> None:
    assert sitejobs._width(3, None if taken is None else lambda: taken) == width


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


class _Members:
    """A topic as :func:`kb.site.workers._take` reads it: its number of documents."""

    def __init__(self, n: int) -> None:
        self.members = [None] * n


@pytest.mark.parametrize(
    ("topics", "documents", "size", "jobs", "chunks"),
    [
        # near the end each worker gets a share of what is left, down to one topic
        (40, 1000, 9, 2, [9, 7, 6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]),
        (12, 1000, 9, 3, [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
        (40, 20, 9, 2, [9, 7, 6]),  # a pool's documents bound the group (here 22 of them, one chunk past 20)
        (3, 1000, 9, 1, [1, 1, 1]),
    ],
)
def test_the_last_chunks_of_topics_shrink(topics: int, documents: int, size: int, jobs: int,
                                          chunks: list[int]) -> None:
    all_topics: Any = [_Members(1) for _ in range(topics)]
    group = sitejobs._take(list(range(topics)), all_topics, documents, size, jobs)
    assert [len(c) for c in group] == chunks
    assert [i for c in group for i in c] == list(range(sum(chunks)))  # in order, each once
