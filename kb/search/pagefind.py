"""The search of a static host: a Pagefind bundle (``OUT/site/pagefind/``) written from the same topics
as the Whoosh index, which the search page loads when no ``kb serve`` answers ``/api/search``.

Each document is one Pagefind record, given from the gathered data (not from the rendered pages): so
the writer needs no page of the site and runs beside the site's writer, in a process of its own (a
:class:`kb.build.workers.TopicStream`). A record's language is its document's locale, so Pagefind
writes one index per locale, with its language's stemming, and a search page loads the index of its
``<html lang>``. Its meta carries what a result shows (title, locale, editions, the topic's other
documents for "also in") and its filters the locale and editions, which Pagefind counts.

The bundle is a pure function of the records and of Pagefind's version: an incremental build whose
records did not change hard-links the previous release's bundle (:mod:`kb.output.incremental`). The
builds of ``kb serve --watch`` write none: its pages search through its API, and Pagefind cannot
update a bundle, only index everything again. A
missing or failing Pagefind binary never stops a build: the site is published without the bundle and
the build warns (the search page then says that search needs ``kb serve``).
"""

from __future__ import annotations

import base64
import dataclasses
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
    """``title``, and ``also``: the topic's other documents, in the shape of the API's ``translations``,
    as JSON in base64."""
    filters: dict[str, list[str]]
    """``locale`` (as tagged: ``pt-BR``) and ``edition``: a result shows them, and Pagefind counts the
    results of each value."""


def pagefind_head(corpus: Corpus, alignment: Alignment) -> None:
    """The writer needs nothing before the topics."""
    return None


def records(topics: Iterable[Topic], base_url: str) -> Iterator[Record]:
    """The records of ``topics``' documents, in topic order."""
    for topic in topics:
        members = [(m, member_url(base_url, m, topic)) for m in topic.members]
        for member, url in members:
            doc = member.document
            also = [
                {"locale": o.document.locale, "editions": list(o.document.editions), "title": o.document.title,
                 "url": other_url}
                for o, other_url in members if o is not member
            ]
            content = "\n".join(part for part in (doc.title, headings_text(doc), body_text(doc)) if part)
            # Pagefind searches meta values too: "also" is base64, so that the other documents' titles
            # do not make a document found for words it does not hold.
            packed = base64.b64encode(json.dumps(also, separators=(",", ":")).encode()).decode()
            meta = {"title": doc.title, "also": packed}
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
    found = list(records(topics, options.base_url))
    key = fingerprint(pagefind_version(), found)
    reuse = Reuse.between(BUNDLE, options.previous_release if options.record_state else None)
    if reuse.previous is not None:
        reuse.previous = reuse.previous.parent / SITE / BUNDLE
    if found and not (reuse.old and _link_previous(reuse, key, bundle)):  # (no document: no search)
        reuse.new.clear()
        try:
            _write_checked(found, bundle)
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
        needed += [f"wasm.{v['wasm']}.pagefind" for v in languages.values()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"pagefind-entry.json unreadable ({type(exc).__name__})"
    for name in needed:
        if not (bundle / name).is_file():
            return f"{name} missing"
    for path in bundle.rglob("*"):
        if path.is_file() and path.stat().st_size == 0:
            return f"{path.relative_to(bundle).as_posix()} empty"
    return None
