"""The build's process runtime: the children a build starts die with it and never keep its lock, and a
:class:`TopicStream` writer runs in a fresh interpreter that reads its topics from a spool file.

What is here is about processes, not outputs: which writer runs where is :mod:`kb.build.pipeline`'s
decision (:func:`kb.build.pipeline.write_outputs`).
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import importlib
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from kb.errors import BuildError
from kb.model import Alignment, Corpus, Topic
from kb.output.options import BuildOptions

_HELD: dict[int, int] = {}
"""Lock descriptor → pid of the build holding it. flock belongs to the open file, which forked
workers inherit: a worker orphaned by a killed build would hold the lock forever (seen with
SIGKILL: every later build said 'another build is running'). So a child forked during a build
closes its copy, and is killed when the build process dies instead of waiting forever."""


def register_build_lock(fd: int) -> None:
    """``fd`` holds the build's lock (:func:`kb.build.releases.build_lock`): every child forked from now
    on closes its copy and dies with this process."""
    _HELD[fd] = os.getpid()


def unregister_build_lock(fd: int) -> None:
    """The lock on ``fd`` is about to be let go: children forked from now on keep no watch for it."""
    _HELD.pop(fd, None)


def _after_fork_in_child() -> None:
    if not _HELD:
        return
    build_pid = next(iter(_HELD.values()))
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()
    _die_with(build_pid)


def _die_with(build_pid: int) -> None:
    """Be killed when the build (this process's parent) dies; exit at once if it has died already."""
    with contextlib.suppress(OSError, AttributeError):  # prctl is Linux-only
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != build_pid:  # the build died before prctl took effect
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


H = TypeVar("H")


@dataclass(frozen=True, slots=True)
class TopicStream(Generic[H]):
    """A :data:`kb.build.pipeline.Writer` that reads the gathered data as a small head, then the topics
    one at a time, in order, each once: ``write(dest, head(corpus, alignment), alignment.topics, options)``.

    Such a writer can run beside the others without a second copy of the corpus: with more than one
    job and no session, :func:`kb.build.pipeline.write_outputs` spools its head and topics into a file
    and runs it in a fresh interpreter that reads them back one by one (:func:`start_writer`). A forked
    process would share the corpus's memory pages with the build instead, and whichever of them reads an
    object afterwards writes its reference count and so copies its page: before long each holds the corpus.

    ``head`` and ``write`` are module-level functions (they are pickled by name). The documents of
    spooled topics come without their skeleton (the site's pre-rendered HTML: no other writer reads it)."""

    head: Callable[[Corpus, Alignment], H]
    """What the writer needs before the first topic (pickled whole: keep it small)."""
    write: Callable[[Path, H, Iterable[Topic], BuildOptions], None]

    def __call__(self, dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
        self.write(dest, self.head(corpus, alignment), alignment.topics, options)


@dataclass
class Running:
    """A :class:`TopicStream` writer running in a process of its own (:func:`start_writer`)."""

    process: subprocess.Popen[bytes]
    conn: Connection
    """Both ways: its job and when its spool is ready go there; its result comes back."""
    spool: Path
    started: float
    """``time.time()`` when it was started: the writer's seconds end when it reports its result."""


# The writer's interpreter: it takes the build's import path, then what to import and its job, from the
# connection.
_BOOT = (
    "import sys; from multiprocessing.connection import Connection; conn = Connection({fd}); "
    "sys.path[:] = conn.recv(); from kb.build.workers import writer_child; writer_child(conn)"
)


@dataclass
class Booted:
    """A writer's interpreter started before its job exists (:func:`boot_writer`)."""

    process: subprocess.Popen[bytes]
    conn: Connection


def boot_writer(stream: TopicStream[Any]) -> Booted:
    """Start an interpreter for ``stream``'s writer and have it import the writer's modules now: booted
    while the build aligns its topics (one core's work), its ~0.3 s of imports take the other core
    instead of competing with the site's workers later. :func:`start_writer` gives it its job."""
    ours, theirs = multiprocessing.Pipe()
    try:
        process = subprocess.Popen([sys.executable, "-c", _BOOT.format(fd=theirs.fileno())], pass_fds=[theirs.fileno()])
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    booted = Booted(process, ours)
    # (A writer that died already is told nothing more: finish_writer reports why it stopped.)
    with contextlib.suppress(OSError):
        ours.send(sys.path)
        ours.send(([stream.head.__module__, stream.write.__module__], os.getpid()))
    return booted


def start_writer(
    stream: TopicStream[Any], dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions,
    booted: Booted | None = None,
) -> Running:
    """Give ``stream``'s writer its job, in ``booted`` (from :func:`boot_writer` for this stream) or in
    an interpreter started now (which inherits none of this process's memory), then spool its head and
    topics for it: this process reads the corpus now, before the site's workers fork, so that no page
    of the corpus is copied for that either."""
    booted = booted if booted is not None else boot_writer(stream)
    running = Running(booted.process, booted.conn, dest.with_name(f".{dest.name}.spool"), time.time())
    try:
        with contextlib.suppress(OSError):
            booted.conn.send((stream, dest, options))
        _spool(running.spool, stream.head(corpus, alignment), alignment.topics)
        with contextlib.suppress(OSError):
            booted.conn.send(running.spool)
    except BaseException:
        stop_writer(running)
        raise
    return running


def _spool(path: Path, head: Any, topics: Iterable[Topic]) -> None:
    """Write a :class:`TopicStream`'s head and topics into ``path``, one pickle each, then None."""
    with path.open("wb") as f:
        pickle.dump(head, f, protocol=pickle.HIGHEST_PROTOCOL)
        for topic in topics:
            members = [dataclasses.replace(m, document=dataclasses.replace(m.document, skeleton=None))
                       for m in topic.members]
            pickle.dump(dataclasses.replace(topic, members=members), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(None, f, protocol=pickle.HIGHEST_PROTOCOL)


def _spooled(f: BinaryIO) -> Iterator[Topic]:
    """The topics :func:`_spool` wrote after the head, read one at a time."""
    while (topic := pickle.load(f)) is not None:
        yield topic


def writer_child(conn: Connection) -> None:
    """The process of a :class:`TopicStream` writer (started by ``_BOOT``): the modules to import and the
    build's pid, its job, then the spool once it is ready."""
    try:
        modules, build_pid = conn.recv()
        _die_with(build_pid)
        for name in modules:
            importlib.import_module(name)
        stream, dest, options = conn.recv()
    except EOFError:  # booted for a build that ended (or died) before it had a job for this writer
        raise SystemExit(0) from None
    try:
        with Path(conn.recv()).open("rb") as f:
            stream.write(dest, pickle.load(f), _spooled(f), options)
    except BaseException as exc:  # reported to the build, which fails with it
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
    conn.send(("ok", time.time()))


def finish_writer(name: str, running: Running) -> float:
    """Wait for a writer started by :func:`start_writer`; its seconds, or the error that stopped it."""
    try:
        status, value = running.conn.recv()
    except EOFError:  # died without a word: killed, or out of memory
        status, value = "error", "the process stopped without a result"
    _close_writer(running)
    if status != "ok":
        raise BuildError(f"the {name} writer failed: {value}")
    return float(value) - running.started


def stop_writer(running: Running | Booted) -> None:
    """Stop a writer (the build failed, or never gave it a job), and wait for it: it must not write into a
    release being removed."""
    running.process.terminate()
    _close_writer(running)


def _close_writer(running: Running | Booted) -> None:
    running.process.wait()
    running.conn.close()
    if isinstance(running, Running):
        running.spool.unlink(missing_ok=True)
