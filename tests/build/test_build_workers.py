"""kb.build.workers: a child forked while a build holds its lock does not keep the lock, and a
TopicStream writer runs in a fresh interpreter that reads the spooled topics one at a time. (Writers that
fail or die under a real build: tests/build/test_build_outputs.py.)"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import CONTENT

from kb.align.topics import align
from kb.build import pipeline, workers
from kb.build.workers import (
    Booted,
    TopicStream,
    boot_writer,
    finish_writer,
    register_build_lock,
    start_writer,
    unregister_build_lock,
)
from kb.errors import BuildError
from kb.ingest.reader import ingest
from kb.model import Alignment, Corpus, Topic
from kb.output.options import BuildOptions


def child_has(fd: int) -> bool:
    """Whether a child forked now has ``fd`` open."""
    pid = os.fork()
    if pid == 0:
        try:
            os.fstat(fd)
        except OSError:
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def test_a_child_forked_while_the_build_holds_its_lock_closes_its_copy(tmp_path: Path) -> None:
    fd = os.open(tmp_path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        register_build_lock(fd)
        try:
            assert not child_has(fd)
        finally:
            unregister_build_lock(fd)
        assert child_has(fd)  # once let go, children are left alone
    finally:
        os.close(fd)


def head(corpus: Corpus, alignment: Alignment) -> int:
    return len(corpus.documents)


def record(dest: Path, documents: int, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Writes what it was given: the head, then each topic's documents and whether they kept a skeleton."""
    seen = [[(m.document.path, m.document.skeleton is None) for m in topic.members] for topic in topics]
    dest.write_text(json.dumps({"head": documents, "topics": seen, "pid": os.getpid()}), encoding="utf-8")


def fail(dest: Path, documents: int, topics: Iterable[Topic], options: BuildOptions) -> None:
    raise OSError("no space left")


@pytest.fixture(scope="module")
def gathered() -> tuple[Corpus, Alignment]:
    corpus = ingest(CONTENT)
    return corpus, align(corpus.documents)


def test_a_topic_stream_writer_runs_apart_and_reads_the_topics_in_order(tmp_path: Path, gathered) -> None:
    corpus, alignment = gathered
    dest = tmp_path / "record.json"

    running = start_writer(TopicStream(head, record), dest, corpus, alignment, BuildOptions(jobs=2))
    seconds = finish_writer("record", running)

    written = json.loads(dest.read_text(encoding="utf-8"))
    assert written["pid"] != os.getpid() and seconds >= 0
    assert written["head"] == len(corpus.documents)
    expected = [[[m.document.path, True] for m in t.members] for t in alignment.topics]
    assert written["topics"] == expected  # in order, each document without its skeleton
    assert not running.spool.exists()  # removed once the writer is done


def test_a_failing_writer_fails_with_its_error(tmp_path: Path, gathered) -> None:
    corpus, alignment = gathered
    running = start_writer(TopicStream(head, fail), tmp_path / "x", corpus, alignment, BuildOptions(jobs=2))
    with pytest.raises(BuildError, match="the x writer failed: OSError: no space left"):
        finish_writer("x", running)
    assert running.process.returncode == 1 and not running.spool.exists()


def test_a_writer_booted_ahead_runs_its_job_in_that_interpreter(tmp_path: Path, gathered) -> None:
    corpus, alignment = gathered
    stream = TopicStream(head, record)
    booted = boot_writer(stream)
    running = start_writer(stream, tmp_path / "record.json", corpus, alignment, BuildOptions(jobs=2), booted)
    finish_writer("record", running)
    written = json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))
    assert written["pid"] == booted.process.pid
    assert written["head"] == len(corpus.documents)


def test_a_writer_booted_for_a_build_that_never_gives_it_a_job_exits_quietly(tmp_path: Path) -> None:
    booted = boot_writer(TopicStream(head, record))
    booted.conn.close()  # the build ended (or failed) before the writer had a job
    assert booted.process.wait(timeout=60) == 0


def test_a_build_that_fails_while_aligning_stops_the_writers_it_booted(tmp_path: Path, monkeypatch) -> None:
    booted: list[Booted] = []

    def keep(stream: TopicStream) -> Booted:
        booted.append(boot_writer(stream))
        return booted[-1]

    def broken(*args: object) -> None:
        raise RuntimeError("alignment broke")

    monkeypatch.setattr(pipeline, "boot_writer", keep)
    monkeypatch.setattr(pipeline, "_align", broken)
    with pytest.raises(RuntimeError, match="alignment broke"):
        pipeline.build(CONTENT, tmp_path / "out", BuildOptions(jobs=2))
    assert [name for name, _ in pipeline.apart(BuildOptions(jobs=2))] == ["index", "pagefind"]
    assert len(booted) == 2 and all(b.process.poll() is not None for b in booted)
    assert not (tmp_path / "out" / "current").exists()


def test_a_writer_whose_build_dies_while_it_boots_exits_quietly() -> None:
    ours, theirs = multiprocessing.Pipe()
    process = subprocess.Popen([sys.executable, "-c", workers._BOOT.format(fd=theirs.fileno())],
                               pass_fds=[theirs.fileno()], stderr=subprocess.PIPE)
    theirs.close()
    ours.send(sys.path)
    ours.close()  # the build is gone before it said what to import
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None and process.stderr.read() == b""


def test_the_checks_language_identifier_loads_in_a_thread_while_the_build_aligns(tmp_path: Path, monkeypatch) -> None:
    import py3langid.langid as langid

    from kb import locales, memos

    memos.forget("language-identifiers")
    seen: list[str] = []
    real_align, real_read = pipeline._align, langid.LanguageIdentifier.from_model_file.__func__

    def aligning(*args: object) -> Alignment:
        loader = locales._loader
        seen.append(loader.name if loader is not None else "none")
        return real_align(*args)  # type: ignore[arg-type]

    def reading(cls: type, *args: object, **kwargs: object) -> object:
        seen.append("read")
        return real_read(cls, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_align", aligning)
    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", classmethod(reading))
    pipeline.build(CONTENT, tmp_path / "out", BuildOptions(jobs=2))
    # the model is read once: by ingest, which detected the seeds' locales (five documents: parsed in
    # this process), then the thread started before alignment restricted it to the checks' languages
    assert seen == ["read", "kb-langid"]
    assert (tmp_path / "out" / "current" / "site" / "index.html").is_file()


def test_writers_running_apart_are_reported_started_before_the_site_and_done_after_it(tmp_path: Path) -> None:
    events: list[tuple[str, int]] = []
    result = pipeline.build(CONTENT, tmp_path / "out", BuildOptions(jobs=2),
                            progress=lambda stage, done, total: events.append((stage, done // total)))
    assert [e for e in events if e[0] != "ingest"] == [
        ("align", 0), ("align", 1),
        ("index", 0), ("pagefind", 0),  # started beside the site, which they run alongside
        ("site", 0), ("site", 1),
        ("index", 1), ("pagefind", 1),  # collected once the site is written
    ]
    assert list(result.timings) == ["ingest", "align", "index", "pagefind", "site"]
