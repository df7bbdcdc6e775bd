"""The writers of a build: with two jobs the index is written by a process of its own, fed the topics,
while the site is rendered, and a writer that fails in either place fails the build without
publishing anything (and without leaving a process behind)."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import CONTENT, comparable_site

from kb import memos
from kb.align.topics import align
from kb.build import pipeline as build_module
from kb.build.pipeline import build
from kb.build.workers import TopicStream
from kb.errors import BuildError
from kb.ingest.reader import ingest
from kb.model import Alignment, Corpus, Topic
from kb.output.options import BuildOptions
from kb.search.index import IndexHead, index_head, write_index_topics
from kb.site.writer import render_site

INDEX = TopicStream(index_head, write_index_topics)


def broken_writer(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    dest.mkdir()
    (dest / "half-written").write_text("x", encoding="utf-8")
    raise OSError(f"disk full while writing {len(corpus.documents)} documents")


def broken_stream(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Fails after reading every topic."""
    dest.mkdir()
    (dest / "half-written").write_text("x", encoding="utf-8")
    raise OSError(f"disk full while writing {sum(len(t.members) for t in topics)} documents")


def broken_at_once(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Fails before reading anything."""
    raise OSError("disk full while writing 5 documents")


def killed(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Dies mid-stream without a word (as the kernel's out-of-memory killer would do it)."""
    next(iter(topics))
    os.kill(os.getpid(), signal.SIGKILL)


def children() -> set[int]:
    """The processes this one started that still run (or were not waited for). Other tests' may be
    there too (a browser's driver lives for the whole session): compare with a set taken before."""
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as f:
            found.update(int(pid) for pid in f.read().split())
    return found


@pytest.mark.parametrize("jobs", [1, 2])
def test_concurrent_writers_produce_what_sequential_ones_do(jobs: int, tmp_path: Path) -> None:
    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=jobs))
    assert list(result.timings) == ["ingest", "align", "index", "pagefind", "site"]
    assert (result.release / "index" / "catalog.pickle").is_file()
    assert (result.release / "site" / "index.html").is_file()
    assert sorted(p.name for p in result.release.iterdir()) == [".state", "index", "manifest.json", "site"]
    assert result.seconds >= result.timings["ingest"] + result.timings["align"]


BROKEN = {
    "forked": (0, 2, TopicStream(index_head, broken_stream)),
    "forked-at-once": (0, 2, TopicStream(index_head, broken_at_once)),
    "in-process": (1, 2, broken_writer),
    "one-job": (0, 1, broken_writer),
    "one-job-stream": (0, 1, TopicStream(index_head, broken_stream)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_failing_writer_fails_the_build_and_keeps_the_last_release(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    position, jobs, broken = BROKEN[case]
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "out"
    good = build(content, out, BuildOptions(jobs=jobs)).release
    before = children()
    outputs: list[tuple[str, build_module.Writer]] = [("index", INDEX), ("site", render_site)]
    outputs[position] = (outputs[position][0], broken)
    monkeypatch.setattr(build_module, "OUTPUTS", outputs)

    with pytest.raises(BuildError) as failed:
        build(content, out, BuildOptions(jobs=jobs))

    assert "disk full while writing 5 documents" in str(failed.value)
    assert (out / "current").resolve() == good
    assert sorted(p.name for p in (out / "releases").iterdir()) == [good.name]
    assert children() <= before  # the index's process (the site failed) was stopped and waited for


@pytest.mark.slow
def test_a_writer_process_that_dies_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "OUTPUTS", [("index", TopicStream(index_head, killed)), ("site", render_site)])
    before = children()

    with pytest.raises(BuildError, match="the index writer failed: the process stopped without a result"):
        build(CONTENT, tmp_path / "out", BuildOptions(jobs=2))

    assert not (tmp_path / "out" / "current").exists()
    assert list((tmp_path / "out" / "releases").iterdir()) == []
    assert children() <= before


def waits_for_go(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Runs until the writer in the build's process has looked (it creates ``go`` beside ``dest``)."""
    dest.mkdir()
    for _ in range(600):
        if (dest.parent / "go").exists():
            return
        time.sleep(0.05)


def probe(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    """Records how many cores it is told the other writers take, before and after they end."""
    dest.mkdir()
    assert options.cores_taken is not None
    seen = [options.cores_taken()]
    (dest.parent / "go").touch()
    for _ in range(600):
        if options.cores_taken() == 0:
            break
        time.sleep(0.05)
    seen.append(options.cores_taken())
    (dest / "seen").write_text(" ".join(map(str, seen)), encoding="utf-8")


@pytest.mark.slow
def test_writers_in_the_build_process_are_told_the_cores_the_others_take(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "OUTPUTS", [("index", TopicStream(index_head, waits_for_go)), ("site", probe)])

    result = build(CONTENT, tmp_path / "out", BuildOptions(jobs=2))

    assert (result.release / "site" / "seen").read_text(encoding="utf-8") == "1 0"


def test_repack_replaces_the_corpus_by_an_equal_copy_whose_topics_share_its_documents(tmp_path: Path) -> None:
    corpus = ingest(CONTENT)
    alignment = align(corpus.documents)
    held: list[object] = [corpus, alignment]
    build_module._repack(held, tmp_path)
    copy, aligned = held
    assert isinstance(copy, Corpus) and isinstance(aligned, Alignment)
    assert copy == corpus and copy is not corpus and aligned == alignment
    by_path = {id(d): d.path for d in copy.documents}
    members = [m.document for t in aligned.topics for m in t.members]
    assert len(members) == 5 and all(by_path.get(id(d)) == d.path for d in members)
    assert [d.skeleton for d in copy.documents] == [d.skeleton for d in corpus.documents]
    assert list(tmp_path.iterdir()) == []  # the file had no name


def site_files(release: Path) -> dict[str, bytes]:
    return comparable_site(release / "site")


def test_a_large_one_off_build_forgets_alignment_memos_and_repacks_with_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = build(CONTENT, tmp_path / "small", BuildOptions(jobs=1, incremental=False))
    repacked: list[int] = []
    repack = build_module._repack
    monkeypatch.setattr(
        build_module, "_repack", lambda held, folder: repacked.append(len(held)) or repack(held, folder)
    )
    monkeypatch.setattr(memos, "MEMO_SIZE", 4)  # the seeds' five documents count as a large corpus
    large = build(CONTENT, tmp_path / "large", BuildOptions(jobs=1, incremental=False))
    assert repacked == [2]
    assert memos.size("language-statistics") == 0 and memos.size("document-words") == 0
    assert site_files(large.release) == site_files(small.release)
    assert large.corpus == small.corpus
