"""An opened release: its Whoosh searcher, catalog and vocabulary, with what searches over it derive
once and keep (topic grouping as arrays, field lengths, scored posting lists, term frequencies, the
terms of each field with their frequencies: :class:`Lexicon`).

:func:`open_release` keeps the last releases opened (the ``open-releases`` memo of :mod:`kb.memos`)
and reopens one when its folder's links move to a new release; :func:`read_ahead` reads a release's
files into the page cache.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from kb import locales, memos
from kb.align.lexicon import BilingualLexicon
from kb.align.lexicon import load as load_bilingual
from kb.errors import IndexMissing
from kb.model import Topic
from kb.output.integrity import check_sizes
from kb.search.catalog import Catalog, Entry, load_catalog, load_vocabulary
from kb.search.layout import LEXICON, STORE, TEXT_FIELDS, field_name, is_whoosh_file
from kb.search.storage import open_dir  # (never a memory map: a shrunk file must not SIGBUS)
from kb.search.suggestions import Vocabulary

Scores = tuple["np.ndarray[Any, Any]", "np.ndarray[Any, Any]"]
"""Sorted document numbers of one segment and their scores (see :mod:`kb.search.scoring`)."""

LEAF_CACHE_BYTES = 64 * 1024 * 1024
"""Scored posting lists kept per release (the common words come back in query after query)."""


@dataclass
class LeafCache:
    """Scored posting lists read lately, least recently used first, within ``bound`` bytes (see
    :func:`kb.search.scoring.leaf`). One object per release, so that the bound holds for the release."""

    bound: int = LEAF_CACHE_BYTES
    lists: dict[tuple[int, str, bytes], Scores] = field(default_factory=dict)
    size: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.lists)

    def get(self, key: tuple[int, str, bytes]) -> Scores | None:
        with self.lock:
            found = self.lists.pop(key, None)
            if found is not None:  # the most recently used last: the others are dropped first
                self.lists[key] = found
            return found

    def put(self, key: tuple[int, str, bytes], value: Scores) -> None:
        with self.lock:
            old = self.lists.pop(key, None)
            if old is not None:  # (read by two searches at once)
                self.size -= old[0].nbytes + old[1].nbytes
            self.lists[key] = value
            self.size += value[0].nbytes + value[1].nbytes
            while self.size > self.bound and len(self.lists) > 1:
                old = self.lists.pop(next(iter(self.lists)))
                self.size -= old[0].nbytes + old[1].nbytes


@dataclass(frozen=True)
class FieldTerms:
    """The terms of one field in Whoosh's order, each with how many documents have it: what a
    query's cost is reckoned from (:mod:`kb.search.cost`) without Whoosh, its files or its lock."""

    terms: list[str]
    before: array[int]
    """``before[i]``: the documents of ``terms[:i]`` added up (one more item than ``terms``). An
    ``array``, not NumPy's: every query reads a few of its items, and a NumPy item is a slower read."""

    def frequency(self, term: str) -> int:
        i = bisect.bisect_left(self.terms, term)
        return self.before[i + 1] - self.before[i] if i < len(self.terms) and self.terms[i] == term else 0

    def prefix(self, prefix: str, most: int) -> tuple[int, int]:
        """The first ``most`` terms starting with ``prefix`` (what ``reader.expand_prefix`` gives,
        cut there): how many, and their documents added up."""
        lo = bisect.bisect_left(self.terms, prefix)
        hi = bisect.bisect_right(self.terms, prefix, lo, key=lambda t: t[: len(prefix)])
        hi = min(hi, lo + most)
        return hi - lo, self.before[hi] - self.before[lo]


@dataclass(frozen=True)
class Lexicon:
    """Per text field of the index, its :class:`FieldTerms` (a field the index lacks has none)."""

    fields: dict[str, FieldTerms]

    def of(self, fieldname: str) -> FieldTerms:
        return self.fields.get(fieldname) or _NO_TERMS

    @classmethod
    def read(cls, reader: Any, keys: list[str]) -> Lexicon:
        """Every term of the text fields of ``keys`` (UTF-8 order is code point order: Whoosh's)."""
        fields = {}
        for name in (field_name(n, key) for key in keys for n in TEXT_FIELDS):
            if name not in reader.schema:
                continue
            terms, counts = [], []
            for tbytes, info in reader.iter_field(name):
                terms.append(tbytes.decode("utf-8"))
                counts.append(info.doc_frequency())
            fields[name] = FieldTerms(terms, array("q", itertools.accumulate(counts, initial=0)))
        return cls(fields)


_NO_TERMS = FieldTerms([], array("q", [0]))


@dataclass
class Release:
    """An opened index folder: its Whoosh searcher and catalog, and each Whoosh doc's entry."""

    path: Path
    searcher: Searcher
    catalog: Catalog
    keys: list[str]
    """Analysis keys with fields in this index (``es``, ``it``, ``pt``, ``ru``, maybe ``any``)."""
    entries: dict[int, Entry] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary({}))
    lengths: dict[tuple[int, str], np.ndarray[Any, Any]] = field(default_factory=dict)
    """Field lengths per (segment reader, field), read on first use (see :func:`kb.search.scoring.scored`)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held by a search for its whole run: Whoosh's readers are not safe to share between threads."""
    grouping: Grouping | None = None
    leaves: LeafCache = field(default_factory=LeafCache)
    shown: dict[tuple[int, str, str | None], Entry | None] = field(default_factory=dict)
    """(topic number, locale, edition) → the entry answering it (see :meth:`Catalog.entry_for`)."""
    frequencies: dict[tuple[int, str, str | bytes], int] = field(default_factory=dict)
    """(reader, field, term) → how many documents have the term (see :func:`frequency`)."""
    lexicon_read: Lexicon | None = None
    bilingual_read: BilingualLexicon | None = None

    def group(self) -> Grouping:
        if self.grouping is None:
            self.grouping = Grouping.of(self)
        return self.grouping

    def lexicon(self) -> Lexicon:
        """The terms of the text fields, read once (under :attr:`lock`: through the searcher)."""
        if self.lexicon_read is None:
            with self.lock:
                if self.lexicon_read is None:
                    self.lexicon_read = Lexicon.read(self.searcher.reader(), self.keys)
        return self.lexicon_read

    def bilingual(self) -> BilingualLexicon:
        """The release's bilingual lexicon (what a query's words are translated with), read once."""
        if self.bilingual_read is None:
            self.bilingual_read = load_bilingual(self.path / LEXICON)
        return self.bilingual_read

    @classmethod
    def open(cls, path: Path) -> Release:
        try:
            ix = open_dir(str(path))
        except (EmptyIndexError, FileNotFoundError, OSError):
            raise IndexMissing(
                f"no search index at '{path}': run kb build --content DIR --build OUT") from None
        catalog = load_catalog(path)
        searcher = ix.searcher()
        keys = sorted(name.split("_", 1)[1] for name in ix.schema.names() if name.startswith("body_"))
        entries = {}
        for docnum, stored in searcher.reader().iter_docs():
            entry = catalog.by_path.get(stored["path"])
            if entry is not None:
                entries[docnum] = entry
        return cls(path, searcher, catalog, keys, entries, Vocabulary(load_vocabulary(path)))

    def close(self) -> None:
        self.searcher.close()
        self.catalog.close()


@dataclass
class Grouping:
    """Per Whoosh document number, what ranking groups and weighs by, as arrays."""

    topics: list[Topic]
    entries: list[Entry | None]
    """Document number → its entry (None: not in the catalog)."""
    topic_of: np.ndarray[Any, Any]
    """Document number → topic number (-1: not in the catalog)."""
    languages: list[str]
    language_of: np.ndarray[Any, Any]
    """Document number → number of its language in ``languages``."""
    topic_order: np.ndarray[Any, Any]
    """Topic number → its place among the topics' ids in sorted order (the tie-break of equal scores)."""
    by_order: np.ndarray[Any, Any]
    """Place among the topics' ids in sorted order → topic number (``topic_order`` inverted)."""
    editions: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    """Edition → per document number, whether the document has it (made on first use)."""
    answering: dict[tuple[str, str | None], np.ndarray[Any, Any]] = field(default_factory=dict)
    """(locale, edition) → per topic number, whether it answers them (made on first use)."""

    @classmethod
    def of(cls, release: Release) -> Grouping:
        size = release.searcher.doc_count_all()
        topics = release.catalog.topics
        number = {id(t): i for i, t in enumerate(topics)}
        languages = sorted({locales.language(e.document.locale) for e in release.entries.values()})
        lang_number = {lang: i for i, lang in enumerate(languages)}
        entries: list[Entry | None] = [None] * size
        topic_of = np.full(size, -1, dtype=np.int64)
        language_of = np.zeros(size, dtype=np.int64)
        for docnum, entry in release.entries.items():
            entries[docnum] = entry
            topic_of[docnum] = number[id(entry.topic)]
            language_of[docnum] = lang_number[locales.language(entry.document.locale)]
        by_order = np.array(sorted(range(len(topics)), key=lambda i: topics[i].id), dtype=np.int64)
        order = np.empty(len(topics), dtype=np.int64)
        order[by_order] = np.arange(len(topics))
        return cls(topics, entries, topic_of, languages, language_of, order, by_order)

    def answers(self, release: Release, locale: str, edition: str | None) -> np.ndarray[Any, Any]:
        """Per topic number, whether it has a document to show for ``locale`` and ``edition``."""
        key = (locale, edition)
        found = self.answering.get(key)
        if found is None:
            found = self.answering[key] = np.array(
                [shown_entry(release, i, locale, edition) is not None for i in range(len(self.topics))], dtype=bool)
        return found

    def with_edition(self, edition: str) -> np.ndarray[Any, Any]:
        found = self.editions.get(edition)
        if found is None:
            found = self.editions[edition] = np.array(
                [e is not None and edition in e.document.editions for e in self.entries], dtype=bool)
        return found


_RELEASES = memos.mapping("open-releases")
_RELEASES_LOCK = threading.Lock()
_BY_FOLDER = memos.mapping("release-folders")
KEEP_OPEN = memos.spec("open-releases").bound or 2


def open_release(index_dir: str | Path) -> Release:
    """The opened release behind ``index_dir``; reopened when the folder's symlinks point elsewhere.

    ``OUT/index`` resolves through ``OUT/current``, which a build swaps atomically: a long-running
    server notices a new release by the folder ``index_dir`` leads to. One ``stat`` (which follows
    the symlinks) names it by device, inode and change time, and finds the release opened for it;
    an unknown one is resolved (a ``readlink`` a path part: most of the time of a fast query's
    opening) and opened, or found among the open ones by its resolved path.
    """
    try:
        st = os.stat(index_dir)
        seen: tuple[int, int, int] | None = (st.st_dev, st.st_ino, st.st_ctime_ns)
    except OSError:  # (missing: Release.open says so, naming no path of the server)
        seen = None
    release: Release | None = _BY_FOLDER.get(seen) if seen is not None else None
    if release is not None:
        check_sizes(release.path.parent)  # a damaged release answers IndexDamaged
        return release
    resolved = Path(index_dir).resolve()
    check_sizes(resolved.parent)  # (and is not opened)
    with _RELEASES_LOCK:
        release = _RELEASES.get(resolved)
        if release is None:
            release = Release.open(resolved)
            _RELEASES[resolved] = release
            while len(_RELEASES) > KEEP_OPEN:
                oldest = next(iter(_RELEASES))
                _RELEASES.pop(oldest).close()
        if seen is not None:  # (the newest only: an older folder's release may be closed)
            _BY_FOLDER.add(seen, release)
        return release


def shown_entry(release: Release, topic: int, locale: str, edition: str | None) -> Entry | None:
    """The entry of topic number ``topic`` answering ``locale`` and ``edition`` (memoised)."""
    key = (topic, locale, edition)
    if key not in release.shown:
        release.shown[key] = release.catalog.entry_for(release.group().topics[topic], locale, edition)
    return release.shown[key]


def read_ahead(index_dir: str | Path, deadline: float, room: int | None = None) -> list[str]:
    """Read the release's index files once, so that the kernel has them in its page cache, until
    ``time.monotonic()`` reaches ``deadline``; returns the names of the files read whole.

    Whoosh's files (every query's postings) come first, then the document store (a hit's snippet is
    read from it), while they fit in ``room`` bytes (default: half the memory the machine has free);
    the catalog and vocabulary are read whole when a release is opened. After a build the index is
    often no longer cached (the site written after it pushed it out): at 100x the same 300 queries took
    p95 28 ms on a cold page cache and 12 ms on a warm one, and reading its 920 MB takes about a
    second. (``posix_fadvise(WILLNEED)`` would not wait, but read only 8 MB of each file here.)"""
    folder = Path(index_dir).resolve()
    store = re.compile(re.escape(STORE).replace(r"\{\}", r"\d+"))
    files = [p for p in folder.iterdir() if p.is_file() and (is_whoosh_file(p.name) or store.fullmatch(p.name))]
    files.sort(key=lambda p: (not is_whoosh_file(p.name), p.name))
    left = room if room is not None else os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    buffer = bytearray(4 << 20)
    named = []
    for path in files:
        size = path.stat().st_size
        if size > left:
            break
        left -= size
        with path.open("rb", buffering=0) as f:
            while time.monotonic() < deadline:
                if not f.readinto(buffer):
                    named.append(path.name)
                    break
            else:
                break
    return named
