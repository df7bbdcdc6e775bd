"""The search of a static host: a Pagefind bundle (``OUT/site/pagefind/``) written from the same topics
as the Whoosh index, which the search page loads when no ``kb serve`` answers ``/api/search``.

Each document is one Pagefind record, given from the gathered data (not from the rendered pages): so
the writer needs no page of the site and runs beside the site's writer, in a process of its own (a
:class:`kb.build.workers.TopicStream`). A record's language is its document's locale, so Pagefind
writes one index per locale, with its language's stemming, and a search page loads the index of its
``<html lang>``. Its meta carries the title and its topic's key (the topic's documents, for "also
in", are a small JSON file of the bundle's :data:`TOPICS` folder) and its filters the locale and
editions, which Pagefind counts.

The bundle is a pure function of the records and of Pagefind's version: an incremental build whose
records did not change hard-links the previous release's bundle (:mod:`kb.output.incremental`). The
builds of ``kb serve --watch`` write none: its pages search through its API, and Pagefind cannot
update a bundle, only index everything again. A
missing or failing Pagefind binary never stops a build: the site is published without the bundle and
the build warns (the search page then says that search needs ``kb serve``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kb.model import Alignment, Corpus, Topic
from kb.output.incremental import Reuse, fingerprint
from kb.output.integrity import note_refusal
from kb.output.options import BuildOptions
from kb.search.layout import body_text, headings_text, member_url
from kb.search.pagefind_service import PagefindMissing, index_records

BUNDLE = "pagefind"
"""The bundle's folder inside the site (``/pagefind/pagefind.js`` is what the search page imports)."""
SITE = "site"
"""The release folder of the site writer, which the bundle lives in."""


@dataclass(frozen=True, slots=True)
class Record:
    """One document as Pagefind indexes it."""

    url: str
    content: str
    """The document's title, headings and text (plain text: Pagefind cuts the excerpt from it)."""
    language: str
    """The locale, lower-cased (``pt-br``): one index per locale."""
    meta: dict[str, str]
    """``title``, and ``topic``: the :func:`topic_key` of the document's topic, whose file lists the
    topic's documents in the shape of the API's ``translations``."""
    filters: dict[str, list[str]]
    """``locale`` (as tagged: ``pt-BR``) and ``edition``: a result shows them, and Pagefind counts the
    results of each value."""


def pagefind_head(corpus: Corpus, alignment: Alignment) -> None:
    """The writer needs nothing before the topics."""
    return None


TOPICS = "kb-topics"
"""The folder of the bundle holding one JSON file per topic: its documents (locale, editions, title,
URL), which a result shows as "also in"."""


def topic_key(topic: Topic) -> str:
    """The name of a topic's file in :data:`TOPICS`, and its records' ``topic`` meta: a hash of its id,
    stable from one build to the next, that no query's word is likely to meet (meta values are searched)."""
    return hashlib.sha256(topic.id.encode()).hexdigest()[:12]


def records(topics: Iterable[Topic], base_url: str, files: dict[str, bytes] | None = None) -> Iterator[Record]:
    """The records of ``topics``' documents, in topic order; each topic's file of :data:`TOPICS` into
    ``files`` (name → bytes), when given.

    A record names its topic, and the search page reads the topic's other documents from its file:
    carried in every record's meta (where Pagefind also indexes them), they took half of Pagefind's time."""
    for topic in topics:
        members = [(m, member_url(base_url, m, topic)) for m in topic.members]
        key = topic_key(topic)
        if files is not None:
            listed = [{"locale": m.document.locale, "editions": list(m.document.editions), "title": m.document.title,
                       "url": url} for m, url in members]
            files[f"{key}.json"] = json.dumps(listed, ensure_ascii=False, separators=(",", ":")).encode()
        for member, url in members:
            doc = member.document
            content = "\n".join(part for part in (doc.title, headings_text(doc), body_text(doc)) if part)
            meta = {"title": doc.title, "topic": key}
            filters = {"locale": [doc.locale], "edition": list(doc.editions)}
            yield Record(url, content, doc.locale.lower(), meta, filters)


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "absent"


def write_pagefind(dest: Path, head: None, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Write the bundle of a release into its site (``dest`` names this writer's folder of the release,
    ``<release>/pagefind``; the bundle goes to ``<release>/site/pagefind``, where a static host serves
    it). A recycled release's old bundle is removed first: the bundle is written whole or linked whole."""
    release = dest.parent
    bundle = release / SITE / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    if options.session is not None:
        # kb serve --watch: its pages search through its API, and Pagefind indexes every record again
        # for any change (seconds on the dev corpus, where a rebuild takes a fraction of one).
        return
    files: dict[str, bytes] = {}
    found = list(records(topics, options.base_url, files))
    key = fingerprint(pagefind_version(), found, files)
    reuse = Reuse.between(BUNDLE, options.previous_release if options.record_state else None)
    if reuse.previous is not None:
        reuse.previous = reuse.previous.parent / SITE / BUNDLE
    if found and not (reuse.old and _link_previous(reuse, key, bundle)):  # (no document: no search)
        reuse.new.clear()
        try:
            _write_checked(found, bundle)
            _write_topics(bundle / TOPICS, files)
        except Exception as exc:  # noqa: BLE001 - any failure of Pagefind: the site is published without it
            shutil.rmtree(bundle, ignore_errors=True)
            note_refusal(release, f"pagefind: no static search bundle was written ({_reason(exc)}); "
                                  "the site's search page needs kb serve's API")
            return
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                reuse.new[path.relative_to(bundle).as_posix()] = key
    if options.record_state:
        reuse.save(release)


def _write_topics(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _link_previous(reuse: Reuse, key: str, bundle: Path) -> bool:
    """Link every file of the previous bundle into ``bundle`` when all were made from ``key``."""
    if any(old != key for old in reuse.old.values()):
        return False
    for rel in sorted(reuse.old):
        if not (reuse.unchanged(rel, key) and reuse.take(rel, bundle)):
            shutil.rmtree(bundle, ignore_errors=True)
            return False
    return True


def _reason(exc: BaseException) -> str:
    """What went wrong, without a path of the server (a missing binary names where it looked)."""
    if isinstance(exc, PagefindMissing):
        return "the Pagefind binary was not found: install kb with pip to get pagefind[extended]"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'Pagefind failed'}"[:300]


def _write_checked(found: list[Record], bundle: Path) -> None:
    """Write the bundle, and check it is whole (a bundle missing a file would fail in the browser,
    not here): a broken one is written once more, then reported."""
    for attempt in (1, 2):
        index_records((dataclasses.asdict(r) for r in found), bundle, len(found),
                      complete=lambda: bundle_problem(bundle) is None)
        problem = bundle_problem(bundle)
        if problem is None:
            return
        shutil.rmtree(bundle, ignore_errors=True)
        if attempt == 2:
            raise RuntimeError(f"Pagefind wrote an incomplete bundle: {problem}")


def bundle_problem(bundle: Path) -> str | None:
    """What is wrong with the bundle in ``bundle`` (None when its entry, and each language's meta
    and WASM files it names, are there, and no file is empty)."""
    try:
        languages = json.loads((bundle / "pagefind-entry.json").read_bytes())["languages"]
        needed = [f"pagefind.{v['hash']}.pf_meta" for v in languages.values()]
        # (a language Pagefind has no stemmer for, Japanese or Chinese, has none of its own: the browser loads
        # the "unknown" one, as pagefind.js does for 'wasm: null')
        needed += [f"wasm.{v['wasm'] or 'unknown'}.pagefind" for v in languages.values()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"pagefind-entry.json unreadable ({type(exc).__name__})"
    for name in needed:
        if not (bundle / name).is_file():
            return f"{name} missing"
    for path in bundle.rglob("*"):
        if path.is_file() and path.stat().st_size == 0:
            return f"{path.relative_to(bundle).as_posix()} empty"
    return None
