"""``kb build``: gather everything (ingest, align), then write every output into a fresh release
folder and publish it with one atomic rename.

:func:`build` reads as the steps it takes; releases (lock, publish, prune, recycle, manifest) are
:mod:`kb.build.releases`, and the processes writers run in are :mod:`kb.build.workers`.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import pickle
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb import memos
from kb.align.topics import align
from kb.build.releases import build_lock, current_release, prune, publish, recycle, release_id, write_manifest
from kb.build.workers import Booted, Running, TopicStream, boot_writer, finish_writer, start_writer, stop_writer
from kb.errors import BuildError, InvalidParameter
from kb.ingest.cache import ParseCache
from kb.ingest.reader import ingest
from kb.ingest.textfiles import content_folder
from kb.model import Alignment, Corpus
from kb.output.incremental import code_version
from kb.output.integrity import record, refusals, verify
from kb.output.options import BuildOptions, Session
from kb.progress import ProgressFn, stage
from kb.quality.checks import CorpusChecks
from kb.search.index import index_head, write_index_topics
from kb.search.pagefind import pagefind_head, write_pagefind
from kb.site.writer import render_site


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
    warnings: list[str] = field(default_factory=list)
    """Files of the previous release that were damaged, and so written afresh instead of reused."""


# An output writes one part of a release from the gathered data: (name, writer).
Writer = Callable[[Path, Corpus, Alignment, BuildOptions], None]

OUTPUTS: list[tuple[str, Writer]] = []
OUTPUTS.append(("index", TopicStream(index_head, write_index_topics)))
# The static host's search (OUT/site/pagefind), made from the topics and not from the pages: it runs
# beside the site's writer, in a process of its own, and a missing Pagefind only warns.
OUTPUTS.append(("pagefind", TopicStream(pagefind_head, write_pagefind)))
OUTPUTS.append(("site", render_site))


def build(
    content: str | Path, out: str | Path, options: BuildOptions | None = None, progress: ProgressFn | None = None
) -> BuildResult:
    """Build every output for ``content`` and publish it under ``out`` atomically.

    ``progress`` (see :mod:`kb.progress`) is told when each stage starts and ends, and how ingest goes."""
    out = Path(out)
    check_folders(content, out)
    options = options if options is not None else BuildOptions()
    booted: dict[str, Booted] = {}
    ahead = functools.partial(start_ahead, options, booted)
    with build_lock(out):
        timings: dict[str, float] = {}
        started = time.perf_counter()
        try:
            corpus, alignment = gather(content, out, options, progress, timings, then=ahead)
            stored = memos.load(out / ".cache", code_version()) if options.incremental else None
            release, options = new_release(out, options)
            result = BuildResult(release, corpus, alignment, timings)
            write_release(result, options, progress, booted)
        finally:
            for spare in booted.values():  # (booted, and never given a job: the build failed before)
                stop_writer(spare)
        publish(out, release)
        if stored is not None:
            memos.save(out / ".cache", code_version(), stored)
        prune(out, background=options.prune_in_background)
        result.seconds = time.perf_counter() - started
        return result


def check_folders(content: str | Path, out: Path) -> None:
    """Refuse, naming the option, a ``--content`` that is no folder, a ``--build`` that is not one or
    cannot be made, and either inside the other: each build would read the last one's files as
    documents (its ``robots.txt`` was reported as a document without front matter), or write among the
    documents (as mkdocs refuses a ``site_dir`` inside its ``docs_dir``)."""
    content = content_folder(content)
    if out.exists() and not out.is_dir():
        raise InvalidParameter(f"--build: '{out}' is not a folder")
    inside, outside = out.resolve(), content.resolve()
    if inside == outside or outside in inside.parents:
        raise InvalidParameter(f"--build '{out}' is inside --content '{content}': a build would read the last "
                               "one's files as documents; build into a folder outside the content")
    if inside in outside.parents:
        raise InvalidParameter(f"--content '{content}' is inside --build '{out}': give each its own folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidParameter(f"--build: cannot make the folder '{out}': {exc.strerror}") from None


def gather(
    content: str | Path, out: Path, options: BuildOptions, progress: ProgressFn | None, timings: dict[str, float],
    then: Callable[[], object] = lambda: None,
) -> tuple[Corpus, Alignment]:
    """Ingest and align ``content``, adding the seconds of each stage to ``timings``; ``then`` is called
    between the two (alignment keeps one core busy: what ``then`` starts has the others)."""
    t0 = time.perf_counter()
    cache = ParseCache.under(out) if options.parse_cache else None
    session = options.session
    parsed = session.memo("ingest") if session is not None else None
    corpus = ingest(content, jobs=options.jobs, cache=cache, progress=progress, memo=parsed)
    timings["ingest"] = time.perf_counter() - t0
    then()
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
    return corpus, alignment


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


def new_release(out: Path, options: BuildOptions) -> tuple[Path, BuildOptions]:
    """A fresh release folder (a recycled one when the build is incremental and one can be), and the
    options its writers run with: where the previous release is and whether this one was recycled."""
    release = out / "releases" / release_id()
    recycled = recycle(out, release, [name for name, _ in OUTPUTS]) if options.incremental else False
    if not recycled:
        release.mkdir(parents=True)
    options = dataclasses.replace(
        options, record_state=True, previous_release=current_release(out) if options.incremental else None,
        recycled=release if recycled else None,
    )
    return release, options


def write_release(
    result: BuildResult, options: BuildOptions, progress: ProgressFn | None, booted: dict[str, Booted] | None = None
) -> None:
    """Write every output and then the manifest into ``result.release``; a failure removes the release.
    ``booted`` holds writers' interpreters started ahead (:func:`boot_writers`): those used are taken out."""
    release = result.release
    # The corpus lives until the build ends. Frozen, it is left out of the cyclic collector's passes:
    # a full pass in a forked writer would write to every object's header and so copy every page
    # the writer shares with this process.
    gc.freeze()
    try:
        result.timings.update(write_outputs(release, result.corpus, result.alignment, options, progress, booted))
        result.warnings = refusals(release)
        # Every index file hashed (or, linked from the previous release, verified before it was): what
        # servers, kb verify and the next build check the files against.
        files = record(release, options.previous_release)
        write_manifest(release, result.corpus, result.alignment, result.timings, files, result.warnings,
                       options.base_url)
        if damage := verify(release, hashes=False):  # (a file shrunk or gone since it was verified)
            raise BuildError(f"a file of the new release changed before it was published: {damage[0]}")
    except Exception as exc:
        shutil.rmtree(release, ignore_errors=True)
        raise BuildError(f"build failed, nothing was published: {type(exc).__name__}: {exc}") from exc
    finally:
        gc.unfreeze()


def apart(options: BuildOptions) -> list[tuple[str, TopicStream[Any]]]:
    """The writers of OUTPUTS that run in processes of their own: with more than one job and no session,
    every :class:`TopicStream` but the last, so that the index is written by one core while the site's
    workers render, instead of one after the other. In a session the writers run in the build's process,
    one after the other, so that their memos stay there."""
    if options.jobs <= 1 or options.session is not None:
        return []
    return [(name, w) for name, w in OUTPUTS[:-1] if isinstance(w, TopicStream)]


def start_ahead(options: BuildOptions, booted: dict[str, Booted]) -> None:
    """What can start before the topics are aligned, beside alignment (one core's work): the writers'
    interpreters (:func:`boot_writers`) and the checks' language identifier (the site's, in a thread)."""
    boot_writers(options, booted)
    CorpusChecks.warm_up()


def boot_writers(options: BuildOptions, booted: dict[str, Booted]) -> None:
    """Start the interpreters of the writers that will run apart, before their jobs exist, into ``booted``
    (whose owner stops those it never gives a job, however the build ends)."""
    for name, stream in apart(options):
        booted[name] = boot_writer(stream)


def write_outputs(
    release: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions, progress: ProgressFn | None,
    booted: dict[str, Booted] | None = None,
) -> dict[str, float]:
    """Run every writer of OUTPUTS into ``release``; returns the seconds each took. The writers
    :func:`apart` runs in processes of their own (in ``booted``'s interpreters when it has them, taken out
    of it) while the others run here."""
    timings: dict[str, float] = {}
    booted = booted if booted is not None else {}
    running: list[tuple[str, Running]] = []
    try:
        for name, stream in apart(options):
            spare = booted.pop(name, None)
            if progress is not None:  # (started now: it runs while the site renders, not after)
                progress(name, 0, 1)
            running.append((name, start_writer(stream, release / name, corpus, alignment, options, spare)))
        here = dataclasses.replace(options, cores_taken=lambda: sum(c.process.poll() is None for _, c in running))
        for name, writer in OUTPUTS:
            if name not in {started for started, _ in running}:
                t0 = time.perf_counter()
                with stage(progress, name):
                    writer(release / name, corpus, alignment, here)
                timings[name] = time.perf_counter() - t0
        for name, child in running:
            timings[name] = finish_writer(name, child)
            if progress is not None:
                progress(name, 1, 1)
    except BaseException:
        for _, child in running:
            stop_writer(child)
        raise
    return {name: timings[name] for name, _ in OUTPUTS}
