"""The site's per-topic work: gather, check, render and write the pages of each topic in worker processes.

A topic's pages (its hub, its documents, its compare pages with the findings of the translators' checks)
depend on the topic and on site-wide indexes only, so :func:`run_topics` hands whole topics to a pool of
forked workers: they inherit the gathered site data (:class:`TopicJob`) instead of receiving it pickled,
write their pages themselves, and send back only what the pages over the whole site need (findings,
sitemap entries, fingerprints, image copies).
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb import check
from kb.incremental import Reuse, fingerprint
from kb.model import Topic
from kb.site import Gatherer, Page, SiteInfo, SitemapEntry, render_page, sitemap_entry, write_if_changed


@dataclass
class TopicJob:
    """What every topic's work reads: the gathered site, where pages go and what may be reused."""

    gatherer: Gatherer
    site: SiteInfo
    dest: Path
    reuse: Reuse

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
    findings: tuple[Any, ...]
    """The translators' findings about the topic's documents (the status page counts them)."""
    fingerprints: dict[str, str]
    """Page path → its fingerprint (the parent records them for the next build)."""
    images: dict[str, str] = field(default_factory=dict)
    """Content path of an image its documents show → site path of its copy."""
    reused: int = 0
    detected: list[tuple[Any, Any]] = field(default_factory=list)
    """Language detections made here (a worker's memo would be lost, the parent's is saved)."""


def run_topic(job: TopicJob, topic: Topic) -> TopicResult:
    g = job.gatherer
    images = g.data.images
    n_images, n_detected = len(images), len(check.DETECTED)
    pages = g.topic_pages(topic)
    result = TopicResult(topic.id, [], [], g.topic_findings(topic), {})
    for p in pages:
        result.reused += not job.write(p)
        result.pages.append((p.path, p.template))
        result.fingerprints[p.path] = job.reuse.new[p.path]
        entry = sitemap_entry(p)
        if entry is not None:
            result.sitemap.append(entry)
    result.images = dict(itertools.islice(images.items(), n_images, None))
    if len(check.DETECTED) >= n_detected:
        result.detected = list(itertools.islice(check.DETECTED.items(), n_detected, None))
    return result


_JOB: TopicJob | None = None
"""The job of the running pool: set before the workers fork, so they inherit it."""


def _run_chunk(indices: list[int]) -> list[TopicResult]:
    assert _JOB is not None
    topics = _JOB.gatherer.data.alignment.topics
    return [run_topic(_JOB, topics[i]) for i in indices]


def run_topics(job: TopicJob, topics: list[Topic], jobs: int = 1) -> list[TopicResult]:
    """Every topic's work, in topic order, in ``jobs`` forked worker processes (here when 1)."""
    if jobs <= 1 or len(topics) < 2:
        return [run_topic(job, t) for t in topics]
    global _JOB
    index = {id(t): i for i, t in enumerate(job.gatherer.data.alignment.topics)}
    order = [index[id(t)] for t in topics]
    # Small chunks in order: topics differ in size, and a worker that finishes early takes the next.
    size = max(1, len(order) // (jobs * 8))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    _JOB = job
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = [r for chunk in pool.map(_run_chunk, chunks) for r in chunk]
    finally:
        _JOB = None
    for r in results:
        job.reuse.new.update(r.fingerprints)
        job.reuse.reused += r.reused
        check.DETECTED.update(r.detected)
    return results
