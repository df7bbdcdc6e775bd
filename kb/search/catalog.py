"""Reading a release's catalog: its topics and documents with the look-ups the query API and search
need (by path, by slug, by topic), full documents read from the document store on demand, and the
vocabulary "did you mean" draws from. The files are written by :mod:`kb.search.index`.

The document store is read with ``pread``, never a memory map: a mapped file that shrinks (truncated
while the server runs) turns the next read past its end into a SIGBUS that kills the server; a
``pread`` of it comes back short, and the read says which file is damaged (:class:`IndexDamaged`)."""

from __future__ import annotations

import functools
import os
import pickle
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from kb.align.resolve import TopicIndex
from kb.errors import IndexDamaged, IndexMissing
from kb.model import Alignment, Document, Topic, TopicMember
from kb.search.layout import CATALOG, CATALOG_VERSION, VOCABULARY, CatalogData, Stored, body_parts, member_url


@dataclass(frozen=True, slots=True)
class Entry:
    """A document of the catalog with its topic, member record and URL."""

    topic: Topic
    member: TopicMember
    url: str

    @property
    def document(self) -> Document:
        return self.member.document

    @property
    def slug(self) -> str:
        return self.member.slug or self.topic.slug


@dataclass
class Catalog:
    """The topics and documents of a release, with the look-ups the query API needs.

    Its documents are light (:func:`kb.search.index.light`: no segments, links or body); :meth:`document` reads a
    full one from the release's document store."""

    base_url: str
    alignment: Alignment
    folder: Path | None = None
    """The index folder holding the store files (None: the documents are full already)."""
    files: tuple[str, ...] = ()
    stored: dict[str, Stored] = field(default_factory=dict)
    by_path: dict[str, Entry] = field(default_factory=dict)
    by_slug: dict[tuple[str, str], Entry] = field(default_factory=dict)
    _files: dict[int, StoreFile] = field(default_factory=dict)
    """Store file number → the file, opened on first use."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        for topic in self.alignment.topics:
            for member in topic.members:
                entry = Entry(topic, member, member_url(self.base_url, member, topic))
                self.by_path[member.document.path] = entry
                self.by_slug[(member.document.locale.lower(), entry.slug)] = entry
        # Full documents read from the store, the last few hundred kept: search results and pages
        # come back to the same documents.
        self.document = functools.lru_cache(maxsize=256)(self._read_document)  # type: ignore[method-assign]
        self.parts = functools.lru_cache(maxsize=4096)(self._read_parts)  # type: ignore[method-assign]

    @property
    def topics(self) -> list[Topic]:
        return self.alignment.topics

    def entries(self) -> Iterator[Entry]:
        return iter(self.by_path.values())

    @functools.cached_property
    def topic_index(self) -> TopicIndex:
        """The topics by id, slug and path, built at the first look-up by name (:mod:`kb.align.resolve`)."""
        return TopicIndex(self.alignment.topics)

    @functools.cached_property
    def locales(self) -> list[str]:
        return sorted({e.document.locale for e in self.entries()})

    @functools.cached_property
    def editions(self) -> list[str]:
        return sorted({ed for e in self.entries() for ed in e.document.editions})

    def entry_for(self, topic: Topic, locale: str, edition: str | None = None) -> Entry | None:
        """The topic's document for ``locale`` (and ``edition``, else the global or any edition)."""
        doc = topic.document_for(locale, edition)
        return self.by_path[doc.path] if doc is not None else None

    def document(self, path: str) -> Document:
        """The full document (segments, links, body) at ``path``, read from the store."""
        return self._read_document(path)  # replaced by a cached version in __post_init__

    def parts(self, path: str) -> tuple[str, ...]:
        """The document's :func:`body_parts` (what a snippet is cut from), read from the store."""
        return self._read_parts(path)  # replaced by a cached version in __post_init__

    def _read_document(self, path: str) -> Document:
        at = self.stored.get(path)
        if at is None or self.folder is None:
            return self.by_path[path].document
        return cast(Document, pickle.loads(self._read(at[0], at[1] + at[4], at[1] + at[2])))

    def _read_parts(self, path: str) -> tuple[str, ...]:
        at = self.stored.get(path)
        if at is None or self.folder is None:
            return tuple(body_parts(self.by_path[path].document))
        return cast(tuple[str, ...], pickle.loads(self._read(at[0], at[1], at[1] + at[4])))

    def _read(self, number: int, start: int, end: int) -> bytes:
        file = self._files.get(number)
        if file is None:
            with self._lock:
                file = self._files.get(number)
                if file is None:
                    file = self._files[number] = StoreFile(self.folder / self.files[number])  # type: ignore[operator]
        data = os.pread(file.fd, end - start, start)  # (positional: no shared file position, no lock)
        if len(data) != end - start:
            name = f"{self.folder.name}/{self.files[number]}"  # type: ignore[union-attr]
            raise IndexDamaged(f"the document store {name} ends before a document it holds (at {start:,}, "
                               f"{end - start:,} bytes): rebuild with kb build", (name,))
        return data

    def close(self) -> None:
        """Let go of the store files (each is closed once the reads still under way end)."""
        with self._lock:
            self._files.clear()


class StoreFile:
    """A store file open for ``pread``, closed when the last reader lets go of it: a catalog closed
    (its release replaced) while a request still reads must not close the descriptor under that read,
    which could then read another file opened meanwhile under the same number."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        os.close(self.fd)


def load_vocabulary(index_dir: Path) -> dict[str, int]:
    """Read :data:`VOCABULARY` of an index folder (empty when missing: no suggestions)."""
    try:
        with (index_dir / VOCABULARY).open("rb") as f:
            words = pickle.load(f)
    except FileNotFoundError:
        return {}
    return words if isinstance(words, dict) else {}


def load_catalog(index_dir: Path) -> Catalog:
    """Read ``catalog.pickle`` of an index folder written by :func:`kb.search.index.write_index`."""
    path = index_dir / CATALOG
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
    except FileNotFoundError:
        raise IndexMissing(f"no catalog at '{path}': rebuild with kb build") from None
    except Exception as exc:  # an unpickling error of a file from another version of kb
        raise IndexMissing(f"the catalog '{path}' cannot be read ({exc}): rebuild with kb build") from None
    if not isinstance(data, CatalogData) or data.version != CATALOG_VERSION:
        raise IndexMissing(
            f"the catalog '{path}' was written by another version of kb: rebuild with kb build")
    return Catalog(data.base_url, data.alignment, index_dir, data.files, data.stored)
