"""The site's per-topic work: gather, check, render and write the pages of each topic in worker processes.

A topic's pages (its hub, its documents, its compare pages with the findings of the translators' checks)
depend on the topic and on site-wide indexes only, so :func:`run_topics` hands whole topics to a pool of
forked workers: they inherit the gathered site data (:class:`TopicJob`) instead of receiving it pickled,
write their pages themselves, and send back only what the pages over the whole site need (finding counts,
sitemap entries, fingerprints, image copies).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kb import memos
from kb.model import FindingCounts, Topic
from kb.output.incremental import Reuse, fingerprint
from kb.site.files import write_if_changed
from kb.site.pages import Gatherer
from kb.site.sitemaps import sitemap_entry
from kb.site.stubs import topic_stubs
from kb.site.templates import render_page
from kb.site.views import Nav, Page, SiteInfo, SitemapEntry


@dataclass
class TopicJob:
    """What every topic's work reads: the gathered site, where pages go and what may be reused."""

    gatherer: Gatherer
    site: SiteInfo
    dest: Path
    reuse: Reuse
    session: bool = False
    """A long-running process: workers send back their segment alignments too, for the next build."""

    def write(self, page: Page) -> bool:
        """Hard-link ``page`` from the previous release when its data did not change, else render and
        write it. True when it was rendered."""
        key = fingerprint(page, self.site)
        if self.reuse.unchanged(page.path, key) and self.reuse.take(page.path, self.dest):
            return False
        write_if_changed(self.dest / page.path, render_page(page, self.site).encode("utf-8"))
        return True


@dataclass
class TopicResult:
    """What one topic's work tells the parent."""

    topic: str
    """The topic's id."""
    pages: list[tuple[str, str]]
    """(path, template) of each page written, in site order."""
    sitemap: list[SitemapEntry]
    counts: dict[str, FindingCounts]
    """What the status page shows of the translators' findings about the topic's documents."""
    fingerprints: dict[str, str]
    """Page path → its fingerprint (the parent records them for the next build)."""
    images: dict[str, str] = field(default_factory=dict)
    """Content path of an image its documents show → site path of its copy."""
    reused: int = 0
    handed: memos.Handover = field(default_factory=dict)
    """What a worker added to the memos its parent keeps (:func:`kb.memos.handover`)."""


def run_topic(job: TopicJob, topic: Topic) -> TopicResult:
    g = job.gatherer
    images = g.data.images
    n_images = len(images)
    pages = g.topic_pages(topic) + topic_stubs(g, topic)
    result = TopicResult(topic.id, [], [], {}, {})
    # The topic's pages list the same alternates: one tuple for all, pickled once, held once by the
    # parent until the sitemap is written (~1 KB a document otherwise, 100 MB at 100x).
    same: dict[tuple[Nav, ...], tuple[Nav, ...]] = {}
    for p in pages:
        result.reused += not job.write(p)
        result.pages.append((p.path, p.template))
        result.fingerprints[p.path] = job.reuse.new[p.path]
        entry = sitemap_entry(p)
        if entry is not None:
            result.sitemap.append(SitemapEntry(entry.loc, same.setdefault(entry.alternates, entry.alternates)))
    result.counts = g.finding_counts(topic)
    result.images = dict(added_since(images, n_images))
    return result


def _run_in_worker(job: TopicJob, topic: Topic) -> TopicResult:
    """:func:`run_topic` in a worker, with what it added to the memos the parent keeps."""
    since = memos.mark()
    result = run_topic(job, topic)
    result.handed = memos.handover(since, job.session)
    return result


K = TypeVar("K")
V = TypeVar("V")


def added_since(memo: dict[K, V], size: int) -> list[tuple[K, V]]:
    """The items added to ``memo`` since it held ``size`` (none if it shrank), oldest first. Read from
    its end (a dict keeps insertion order): a walk from the start touches every older entry, and in a
    worker that copies each page holding one: the build's 250,000 detections, at every topic."""
    return list(itertools.islice(reversed(memo.items()), max(0, len(memo) - size)))[::-1]


def _absorb(job: TopicJob, result: TopicResult) -> None:
    """Keep in this process what a worker's ``result`` tells of the memos and state it changed there.
    Done as each result arrives: held until the last, the language detections alone took 1 GB at 100x."""
    job.reuse.new.update(result.fingerprints)
    job.reuse.reused += result.reused
    memos.absorb(result.handed)
    result.handed = {}
    if not job.session:  # kept in job.reuse; only a session's memo reads a result's own copy again
        result.fingerprints = {}


# --- reuse within a session (kb serve --watch) ---------------------------------------------------


def site_stamp(job: TopicJob) -> str:
    """A hash of what the pages of every topic read beyond their own topic: the site's settings and
    locales, the navigation, and for every document what a link to it or a crumb shows (path, locale,
    editions, title, topic, slug, anchors). A document whose body alone changed leaves it as it was."""
    d = job.gatherer.data
    docs = []
    for doc in d.corpus.documents:
        topic, member = d.member_of.get(doc.path, (None, None))
        docs.append((
            doc.path, doc.locale, doc.editions, doc.title, topic.id if topic else None,
            member.slug if member else None, sorted(d.anchors(doc)),
        ))
    problems = [p.path for p in d.corpus.problems]
    return fingerprint(
        d.corpus.root, d.base_url, d.link_base, d.locales, job.site, d.corpus.navigation, problems, docs,
        d.corpus.redirects,
    )


def topic_key(job: TopicJob, stamp: str, topic: Topic) -> tuple[Any, ...]:
    """What a topic's pages are made of: the site stamp, the topic and its members (unchanged documents
    are the same objects from build to build, so comparing keys is cheap), its term findings."""
    members = tuple((m.document, m.evidence, m.confidence, m.slug) for m in topic.members)
    terms = tuple(job.gatherer.checks.terms.get(topic.id, ()))
    # image files may come or go without any document changing: which ones exist is part of the key
    images = tuple(tuple(job.gatherer.data.image_map(m.document).items()) for m in topic.members)
    return stamp, topic.id, topic.slug, members, terms, images


def reusable(job: TopicJob, topic: Topic, memo: dict[Any, Any], key: tuple[Any, ...]) -> TopicResult | None:
    """The previous build's result for ``topic`` when it was made from the same data and the previous
    release holds its pages made from it (to be hard-linked into this one); else None."""
    found = memo.get(topic.id)
    if found is None or found[0] != key:
        return None
    result: TopicResult = found[1]
    reuse = job.reuse
    if reuse.previous is None or not all(reuse.unchanged(p, k) for p, k in result.fingerprints.items()):
        return None
    return result


def link_all(previous: Path, dest: Path, paths: list[str]) -> bool:
    """Hard-link ``paths`` from the previous release into ``dest`` (a release being built, where they
    are not yet); False when one is missing there. :meth:`kb.output.incremental.Reuse.take` for a whole topic
    with fewer system calls: each page has a folder of its own, made once."""
    src_root, dst_root = str(previous), str(dest)
    for rel in paths:
        src, dst = f"{src_root}/{rel}", f"{dst_root}/{rel}"
        try:
            os.link(src, dst)
            continue
        except FileExistsError:
            os.unlink(dst)
        except OSError:  # its folder is not made yet (or another file system)
            pass
        if not os.path.isfile(src):
            return False
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:  # another file system: copy
            shutil.copy2(src, dst)
    return True


def run_session(job: TopicJob, topics: list[Topic], jobs: int, memo: dict[Any, Any]) -> list[TopicResult]:
    """:func:`run_topics`, redoing only the topics whose data changed since the previous build of the
    session; the others' pages are hard-linked from the previous release."""
    stamp = site_stamp(job)
    known: dict[str, TopicResult] = {}
    keys = {}
    todo = []
    reusing = []
    for topic in topics:
        keys[topic.id] = key = topic_key(job, stamp, topic)
        found = reusable(job, topic, memo, key)
        if found is None:
            todo.append(topic)
        else:
            reusing.append((topic, found))
    # Linking is mostly making each page's folder, which costs the kernel more than the link: threads
    # let both cores do it.
    previous = job.reuse.previous

    def link(found: TopicResult) -> bool:
        missing = [p for p in found.fingerprints if not job.reuse.in_place(p)]  # a recycled release's
        return previous is not None and link_all(previous, job.dest, missing)

    with ThreadPoolExecutor(4) as pool:
        linked = list(pool.map(link, [found for _, found in reusing]))
    for (topic, found), ok in zip(reusing, linked, strict=True):
        if ok:
            known[topic.id] = found
            job.reuse.reused += len(found.fingerprints)
        else:
            todo.append(topic)
    # A few topics are done here (no workers to start, and the checks' memos stay in this process).
    done = {r.topic: r for r in run_topics(job, todo, jobs if len(todo) > 8 else 1)}
    memo.clear()
    out = []
    for topic in topics:
        result = known.get(topic.id) or done[topic.id]
        memo[topic.id] = (keys[topic.id], result)
        out.append(result)
    return out


CHUNK_TOPICS = 12
"""At most this many topics in one worker's chunk (a few dozen pages). Small: when a pool is replaced
(see WORKER_DOCUMENTS) its other workers wait for the last chunk, and with 100-topic chunks that cost
a third of the site's time at 10x with pools of 800 documents a worker."""
WORKER_DOCUMENTS = 400
"""About how many documents a worker process renders before it is replaced (see :func:`run_topics`).
A worker copies the pages of the build's memory it writes to (reference counts, memos), so what it
holds grows with what it renders: at 100x about 160 MB in a pool of 200 documents, 280 MB in one of
800 (estimated from PSS and RSS mid-pool); at 10x with pools of 3,000 documents a worker peaked at
214 MB, with 800 at 125 MB, in the same time."""
SHARED_POOL_DOCUMENTS = 50
"""About how many documents a pool renders while other processes of the build take some of the cores
(it has fewer workers then): few, so that a pool with every core starts soon after they end. With
pools of WORKER_DOCUMENTS a core stayed idle for up to half a minute after the index writer ended
(17 s more for the site at 10x). Few also because its worker runs at the build's peak of memory,
beside the index writer near its end: ~105 MB of its own in pools of 100 documents at 100x."""

WIDTH_POLL = 0.1
"""Seconds between two looks at how many cores the build's other processes take (a chunk takes ~1 s)."""

_JOB: TopicJob | None = None
"""The job of the running pool: set before the workers fork, so they inherit it."""


def _run_chunk(indices: list[int]) -> list[TopicResult]:
    assert _JOB is not None
    topics = _JOB.gatherer.data.alignment.topics
    return [_run_in_worker(_JOB, topics[i]) for i in indices]


def run_topics(
    job: TopicJob, topics: list[Topic], jobs: int = 1, cores_taken: Callable[[], int] | None = None
) -> list[TopicResult]:
    """Every topic's work, in topic order, in ``jobs`` forked worker processes (here when 1), fewer
    while ``cores_taken()`` of the cores are taken by other processes of the build (each pool asks)."""
    if jobs <= 1 or len(topics) < 2:
        return [run_topic(job, t) for t in topics]
    global _JOB
    index = {id(t): i for i, t in enumerate(job.gatherer.data.alignment.topics)}
    order = [index[id(t)] for t in topics]
    # Small chunks in order: topics differ in size, and a worker that finishes early takes the next.
    size = max(1, min(len(order) // (jobs * 8), CHUNK_TOPICS))
    _JOB = job
    results = []
    frozen = gc.get_freeze_count() > 0  # by the build (kb.build.pipeline), which unfreezes when it ends
    try:
        # A worker writes to every page of the build's memory it reads (reference counts), and so gets
        # a copy of it: a new pool for every few thousand documents bounds what the workers hold.
        done = 0
        while done < len(order):
            if cores_taken is not None and cores_taken() > 0:
                # a few documents, a topic a chunk: the pool widens, or the next one starts wide, soon
                # after the other processes end
                group = _take(order[done:], job.gatherer.data.alignment.topics, SHARED_POOL_DOCUMENTS, 1)
            else:
                group = _take(order[done:], job.gatherer.data.alignment.topics, WORKER_DOCUMENTS * jobs, size, jobs)
            done += sum(map(len, group))
            # What the workers inherit is left out of their cyclic collector's passes: a full pass
            # writes to the header of every object it visits, and so copied into each worker every
            # page of the site's data and of the results gathered so far (250 MB in its first 100
            # topics at 100x).
            gc.freeze()
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                for chunk in _throttled(pool, group, lambda: _width(jobs, cores_taken)):
                    for r in chunk:
                        _absorb(job, r)
                    results += chunk
    finally:
        _JOB = None
        if not frozen:
            gc.unfreeze()
    return results


def _width(jobs: int, cores_taken: Callable[[], int] | None) -> int:
    """How many chunks may render at once: a core for each job the build's other processes leave."""
    return max(1, jobs - cores_taken()) if cores_taken is not None else jobs


def _throttled(pool: ProcessPoolExecutor, group: list[list[int]], width: Callable[[], int]
               ) -> Iterator[list[TopicResult]]:
    """The results of ``group``'s chunks, in order, with at most ``width()`` of them rendering at once,
    asked again every :data:`WIDTH_POLL` seconds: a pool rendering on one core beside a writer takes the
    second as soon as the writer ends, not after the rest of its chunks (a core stayed idle 2.5 s of a
    15 s build). A forking pool starts all its workers at once: a narrow pool's second one waits, at
    the cost of its fork."""
    queued: deque[Future[list[TopicResult]]] = deque()
    for chunk in group:
        while len(busy := [f for f in queued if not f.done()]) >= width():
            wait(busy, timeout=WIDTH_POLL, return_when=FIRST_COMPLETED)
        queued.append(pool.submit(_run_chunk, chunk))
        while queued and queued[0].done():
            yield queued.popleft().result()
    while queued:
        yield queued.popleft().result()


def _take(order: list[int], topics: list[Topic], documents: int, size: int, jobs: int = 1) -> list[list[int]]:
    """The first chunks of at most ``size`` topics of ``order`` (indices of ``topics``), up to about
    ``documents`` documents (at least one chunk). Near the end of ``order`` the chunks shrink to a
    share of what is left for each of the ``jobs`` workers (down to one topic): a last chunk of a
    dozen topics kept one core busy for half a second after the other had finished."""
    group: list[list[int]] = []
    total = 0
    start = 0
    while start < len(order):
        step = min(size, max(1, (len(order) - start) // (2 * jobs)))
        group.append(chunk := order[start : start + step])
        start += step
        total += sum(len(topics[i].members) for i in chunk)
        if total >= documents:
            break
    return group
