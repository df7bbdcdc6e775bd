"""``kb build``: gather everything (ingest, align), then write every output into a fresh release
folder and publish it with one atomic rename.

Layout of the build folder::

    OUT/current -> releases/<id>     the published release (a symlink replaced atomically)
    OUT/index   -> current/index     stable paths for servers and static hosting
    OUT/site    -> current/site
    OUT/releases/<id>/               one complete build: index/, site/, manifest.json
    OUT/.lock                        held while a build runs; names its holder

A build that fails or is killed never touches ``current``: the last good site and index stay.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import fcntl
import gc
import json
import multiprocessing
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from kb import memos
from kb.align.topics import align
from kb.errors import BuildError, BuildLocked
from kb.ingest.cache import ParseCache
from kb.ingest.reader import ingest
from kb.model import Alignment, Corpus, Topic
from kb.output.incremental import code_version
from kb.output.options import BuildOptions, Session
from kb.progress import ProgressFn, stage
from kb.search.index import index_head, write_index_topics
from kb.site.output import render_site

KEEP_RELEASES = 3
"""The live release, its predecessor (which a server may still be reading) and the one before, which
the next build recycles (see :func:`recycle`)."""
RECYCLING = {"site"}
"""Writers that bring a recycled release's output up to date in place; the others start afresh."""

_HELD: dict[int, int] = {}
"""Lock descriptor → pid of the build holding it. flock belongs to the open file, which forked
workers inherit: a worker orphaned by a killed build would hold the lock forever (seen with
SIGKILL: every later build said 'another build is running'). So a child forked during a build
closes its copy, and is killed when the build process dies instead of waiting forever."""


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


@dataclass
class BuildResult:
    """What a build did."""

    release: Path
    """The published release folder."""
    corpus: Corpus
    """Everything ingest read."""
    alignment: Alignment
    """The topics."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage, in stage order (the index and site stages may overlap)."""
    seconds: float = 0.0
    """Wall-clock seconds of the whole build, publishing included."""


# An output writes one part of a release from the gathered data: (name, writer).
Writer = Callable[[Path, Corpus, Alignment, BuildOptions], None]
H = TypeVar("H")


@dataclass(frozen=True, slots=True)
class TopicStream(Generic[H]):
    """A :data:`Writer` that reads the gathered data as a small head, then the topics one at a time,
    in order, each once: ``write(dest, head(corpus, alignment), alignment.topics, options)``.

    Such a writer can run beside the others without a second copy of the corpus: with more than one
    job and no session, :func:`write_outputs` spools its head and topics into a file and runs it in a
    fresh interpreter that reads them back one by one (:func:`_start_writer`). A forked process would
    share the corpus's memory pages with the build instead, and whichever of them reads an object
    afterwards writes its reference count and so copies its page: before long each holds the corpus.

    ``head`` and ``write`` are module-level functions (they are pickled by name). The documents of
    spooled topics come without their skeleton (the site's pre-rendered HTML: no other writer reads it)."""

    head: Callable[[Corpus, Alignment], H]
    """What the writer needs before the first topic (pickled whole: keep it small)."""
    write: Callable[[Path, H, Iterable[Topic], BuildOptions], None]

    def __call__(self, dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
        self.write(dest, self.head(corpus, alignment), alignment.topics, options)


OUTPUTS: list[tuple[str, Writer]] = []
OUTPUTS.append(("index", TopicStream(index_head, write_index_topics)))
OUTPUTS.append(("site", render_site))


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold ``OUT/.lock`` for the duration of a build; refuse with the holder's name if taken."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text(encoding="utf-8", errors="replace").strip() or "another process"
            raise BuildLocked(f"another build is running on '{out}' ({holder}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {dt.datetime.now().isoformat(timespec='seconds')}".encode())
        _HELD[fd] = os.getpid()
        yield
    finally:
        _HELD.pop(fd, None)
        os.close(fd)


def _release_id() -> str:
    return f"{dt.datetime.now().strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"


def publish(out: Path, release: Path) -> None:
    """Point ``OUT/current`` at ``release`` in one rename, and make the stable links exist."""
    tmp = out / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(Path("releases") / release.name)
    os.replace(tmp, out / "current")
    for name in ("index", "site"):
        link = out / name
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link)
            link.symlink_to(Path("current") / name)
    _fsync_dir(out)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_release(out: Path) -> Path | None:
    link = out / "current"
    return link.resolve() if link.is_symlink() else None


def prune(out: Path, keep: int = KEEP_RELEASES, background: bool = False) -> None:
    """Remove old releases and leftovers of killed builds, never the live release.

    Kept: the live release and the ``keep - 1`` finished ones published before it. A release newer
    than the live one was never published (its build was killed), so it goes, finished or not."""
    out = out.resolve()  # ``current`` resolves to an absolute path: compare like with like
    live = current_release(out)
    entries = sorted((out / "releases").iterdir()) if (out / "releases").is_dir() else []
    published = [r for r in entries if not r.name.startswith(".") and (live is None or r.name < live.name)]
    finished = [r for r in published if (r / "manifest.json").is_file()]
    keep_set = set(finished[-(keep - 1) :] if keep > 1 else []) | ({live} if live else set())
    trashed = []
    for r in entries:
        if r not in keep_set:
            # Renamed first, so a prune killed half-way never leaves a half-deleted release behind.
            trash = r if r.name.startswith(".") else r.with_name(f".trash-{r.name}")
            with contextlib.suppress(OSError):
                r.rename(trash)
            trashed.append(trash)
    # Removing a release's thousands of folders can take seconds on a busy disk: ``background`` leaves
    # it to a thread (not a daemon: the process finishes it before exiting), for ``kb serve --watch``.
    if background:
        threading.Thread(target=_remove, args=(trashed,), name="kb-prune").start()
    else:
        _remove(trashed)
    for tmp in out.glob(".current-*"):  # the link publish() renames; left by a build killed there
        with contextlib.suppress(OSError):
            tmp.unlink()


def recycle(out: Path, release: Path) -> bool:
    """Make ``release`` out of the oldest release kept behind the live one; False when there is none.

    A rebuild hard-links every unchanged page into a fresh folder tree, and making the folders (one
    per page) cost more than everything else a one-file rebuild does. A recycled release has them
    already: it is renamed (atomically; it is not live, and the predecessor a server may still be
    reading is left alone), marked unfinished, stripped of the outputs not in RECYCLING, and each
    writer in RECYCLING rewrites, links or removes only the files whose fingerprints differ from
    what it holds. A build killed meanwhile leaves an unpublished release, which prune removes."""
    live = current_release(out)
    if live is None:
        return False
    older = [
        r for r in sorted((out / "releases").iterdir())
        if not r.name.startswith(".") and r.name < live.name and (r / "manifest.json").is_file()
    ]
    if len(older) < KEEP_RELEASES - 1 or _manifest_code(older[0]) != code_version():
        return False  # (another version of kb may have left files its state does not list)
    try:
        older[0].rename(release)
    except OSError:
        return False
    with contextlib.suppress(FileNotFoundError):
        (release / "manifest.json").unlink()
    for name, _ in OUTPUTS:
        if name not in RECYCLING:
            shutil.rmtree(release / name, ignore_errors=True)
    return True


def _manifest_code(release: Path) -> str | None:
    try:
        code = json.loads((release / "manifest.json").read_text(encoding="utf-8")).get("code")
    except (OSError, ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def write_outputs(
    release: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions, progress: ProgressFn | None
) -> dict[str, float]:
    """Run every writer of OUTPUTS into ``release``; returns the seconds each took.

    With more than one job and no session, every :class:`TopicStream` writer but the last runs in a
    process of its own while the others run here: the index is written by one core while the site's
    workers render, instead of one after the other. In a session the writers run here, one after the
    other, so that their memos stay in this process."""
    timings: dict[str, float] = {}
    beside = options.jobs > 1 and options.session is None  # a core for writers in processes of their own
    apart = [(name, w) for name, w in OUTPUTS[:-1] if isinstance(w, TopicStream)] if beside else []
    running: list[tuple[str, Running]] = []
    try:
        for name, stream in apart:
            running.append((name, _start_writer(stream, release / name, corpus, alignment, options)))
        here = dataclasses.replace(options, cores_taken=lambda: sum(c.process.poll() is None for _, c in running))
        for name, writer in OUTPUTS:
            if name not in {started for started, _ in running}:
                t0 = time.perf_counter()
                with stage(progress, name):
                    writer(release / name, corpus, alignment, here)
                timings[name] = time.perf_counter() - t0
        for name, child in running:
            with stage(progress, name):
                timings[name] = _finish_writer(name, child)
    except BaseException:
        for _, child in running:
            _stop_writer(child)
        raise
    return {name: timings[name] for name, _ in OUTPUTS}


@dataclass
class Running:
    """A :class:`TopicStream` writer running in a process of its own (:func:`_start_writer`)."""

    process: subprocess.Popen[bytes]
    conn: Connection
    """Both ways: its job and when its spool is ready go there; its result comes back."""
    spool: Path
    started: float
    """``time.time()`` when it was started: the writer's seconds end when it reports its result."""


# The writer's interpreter: it takes the build's import path, then its job, from the connection.
_BOOT = (
    "import sys; from multiprocessing.connection import Connection; conn = Connection({fd}); "
    "sys.path[:] = conn.recv(); from kb.build.pipeline import _writer_child; _writer_child(conn)"
)


def _start_writer(
    stream: TopicStream[Any], dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions
) -> Running:
    """Start ``stream``'s writer in a fresh interpreter (which inherits none of this process's memory),
    then spool its head and topics for it: this process reads the corpus now, before the site's
    workers fork, so that no page of the corpus is copied for that either."""
    ours, theirs = multiprocessing.Pipe()
    try:
        process = subprocess.Popen([sys.executable, "-c", _BOOT.format(fd=theirs.fileno())], pass_fds=[theirs.fileno()])
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    running = Running(process, ours, dest.with_name(f".{dest.name}.spool"), time.time())
    try:
        # (A writer that died already is told nothing more: _finish_writer reports why it stopped.)
        with contextlib.suppress(OSError):
            ours.send(sys.path)
            ours.send((stream, dest, options, os.getpid()))
        _spool(running.spool, stream.head(corpus, alignment), alignment.topics)
        with contextlib.suppress(OSError):
            ours.send(running.spool)
    except BaseException:
        _stop_writer(running)
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


def _writer_child(conn: Connection) -> None:
    """The process of a :class:`TopicStream` writer: its job, then the spool once it is ready."""
    stream, dest, options, build_pid = conn.recv()
    _die_with(build_pid)
    try:
        with Path(conn.recv()).open("rb") as f:
            stream.write(dest, pickle.load(f), _spooled(f), options)
    except BaseException as exc:  # reported to the build, which fails with it
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
    conn.send(("ok", time.time()))


def _finish_writer(name: str, running: Running) -> float:
    """Wait for a writer started by :func:`_start_writer`; its seconds, or the error that stopped it."""
    try:
        status, value = running.conn.recv()
    except EOFError:  # died without a word: killed, or out of memory
        status, value = "error", "the process stopped without a result"
    _close_writer(running)
    if status != "ok":
        raise BuildError(f"the {name} writer failed: {value}")
    return float(value) - running.started


def _stop_writer(running: Running) -> None:
    """Stop a writer (the build failed), and wait for it: it must not write into a release being removed."""
    running.process.terminate()
    _close_writer(running)


def _close_writer(running: Running) -> None:
    running.process.wait()
    running.conn.close()
    running.spool.unlink(missing_ok=True)


def _align(corpus: Corpus, session: Session | None) -> Alignment:
    """Align the corpus; a session reuses its last alignment while no document changed (a touched
    file, a rebuild after an edit was undone)."""
    if session is None:
        return align(corpus.documents)
    memo = session.memo("align")
    key = tuple((d.path, d.content_hash) for d in corpus.documents)
    if memo.get("key") != key:
        memo["key"], memo["alignment"] = key, align(corpus.documents)
        memos.retain(corpus.documents)  # what the session's memos hold of edited-away versions
    alignment: Alignment = memo["alignment"]
    return alignment


def _repack(held: list[Any], folder: Path) -> None:
    """Replace the objects in ``held`` (nothing else may hold them) by copies read back from a pickle in
    an unnamed file in ``folder``: the copies lie packed in memory of their own, where ingest and
    alignment left the objects they kept scattered among the holes of what they freed. Those holes
    stayed taken (86 MB at 100x), and a forked site worker copies a page of them wherever it allocates
    into one."""
    with tempfile.TemporaryFile(dir=folder) as f:
        pickle.dump(held, f, protocol=pickle.HIGHEST_PROTOCOL)
        held.clear()
        memos.release_free_memory()
        f.seek(0)
        held[:] = pickle.load(f)


def write_manifest(release: Path, result: BuildResult) -> None:
    manifest = {
        "release": release.name,
        "built": dt.datetime.now().isoformat(timespec="seconds"),
        "content": str(result.corpus.root),
        "documents": len(result.corpus.documents),
        "topics": len(result.alignment.topics),
        "problems": [p.as_dict() for p in result.corpus.problems],
        "warnings": result.alignment.warnings,
        "timings": result.timings,
        "code": code_version(),
    }
    # Written beside and renamed: a manifest marks a release finished, so it must never be half there.
    tmp = release / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, release / "manifest.json")


def build(
    content: str | Path, out: str | Path, options: BuildOptions | None = None, progress: ProgressFn | None = None
) -> BuildResult:
    """Build every output for ``content`` and publish it under ``out`` atomically.

    ``progress`` (see :mod:`kb.progress`) is told when each stage starts and ends, and how ingest goes."""
    out = Path(out)
    options = options if options is not None else BuildOptions()
    with build_lock(out):
        timings: dict[str, float] = {}
        started = t0 = time.perf_counter()
        cache = ParseCache.under(out) if options.parse_cache else None
        session = options.session
        parsed = session.memo("ingest") if session is not None else None
        corpus = ingest(content, jobs=options.jobs, cache=cache, progress=progress, memo=parsed)
        timings["ingest"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with stage(progress, "align"):
            alignment = _align(corpus, session)
        timings["align"] = time.perf_counter() - t0
        if session is None and len(corpus.documents) > memos.MEMO_SIZE:
            # What ingest and alignment remembered of documents is then only the last few thousand
            # alignment read, of little use to the site's workers: dropped, its memory (~250 MB at
            # 100x) holds the site's data instead. A smaller corpus keeps it (the workers inherit
            # it), and a session keeps it for its next build.
            memos.forget_after("align")
            held: list[Any] = [corpus, alignment]
            del corpus, alignment
            _repack(held, out)  # which hands what was forgotten back to the system too
            corpus, alignment = held
        stored = memos.load(out / ".cache", code_version()) if options.incremental else None
        release = out / "releases" / _release_id()
        recycled = recycle(out, release) if options.incremental else False
        if not recycled:
            release.mkdir(parents=True)
        options = dataclasses.replace(
            options, record_state=True, previous_release=current_release(out) if options.incremental else None,
            recycled=release if recycled else None,
        )
        result = BuildResult(release, corpus, alignment, timings)
        # The corpus lives until the build ends. Frozen, it is left out of the cyclic collector's passes:
        # a full pass in a forked writer would write to every object's header and so copy every page
        # the writer shares with this process.
        gc.freeze()
        try:
            timings.update(write_outputs(release, corpus, alignment, options, progress))
            write_manifest(release, result)
        except Exception as exc:
            shutil.rmtree(release, ignore_errors=True)
            raise BuildError(f"build failed, nothing was published: {type(exc).__name__}: {exc}") from exc
        finally:
            gc.unfreeze()
        publish(out, release)
        if stored is not None:
            memos.save(out / ".cache", code_version(), stored)
        prune(out, background=options.prune_in_background)
        result.seconds = time.perf_counter() - started
        return result
