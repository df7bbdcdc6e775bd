"""Writing the search index of a release: a Whoosh index with per-language fields, a document store,
the vocabulary, the bilingual lexicon and the catalog (what the folder holds: :mod:`kb.search.layout`).

``write_index(dest, corpus, alignment, options)`` is the build writer of ``OUT/releases/<id>/index``.
Each document is indexed under the fields of its language's analysis (``title_pt``, ``headings_pt``,
``body_pt``; ``…_any`` for a language Whoosh cannot analyse) because Whoosh analyses per field;
a query is run against each language's fields with that language's analysis.

Beside the Whoosh files, ``catalog.pickle`` keeps the topics and documents of the release (the model
objects from ingest and alignment), so that the query API can group hits by topic, list
translations, and serve topics, documents and comparisons without the content folder
(:mod:`kb.search.catalog` reads it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, Schema
from whoosh.writing import SegmentWriter

from kb import wordforms
from kb.align.lexicon import Miner, read_curated
from kb.errors import IndexDamaged
from kb.locales import language
from kb.model import EMPTY_TEXT, Alignment, Corpus, Document, Topic, TopicMember
from kb.output.incremental import Reuse, fingerprint
from kb.search.analysis import analysis_key, text_field, word_index_terms
from kb.search.layout import (
    CATALOG,
    CATALOG_VERSION,
    LEXICON,
    STORE,
    TEXT_FIELDS,
    VOCABULARY,
    CatalogData,
    Stored,
    body_parts,
    body_text,
    field_name,
    headings_text,
    is_whoosh_file,
    member_url,
)
from kb.search.storage import open_dir

if TYPE_CHECKING:
    from kb.output.options import BuildOptions

REMINE_SHARE = 0.05
"""In a session, the lexicon is mined again once this share of the topics changed (see :func:`write_lexicon`)."""
POOL_MB = 16
"""Megabytes of postings (as Whoosh estimates them) its writer buffers before sorting them into a run on
disk, merged at the commit: most of the index writer's memory beyond the catalog it keeps. The index is
the same whatever the size (the runs are merged in order). At 10x the writer peaked at 342 MiB PSS with
256 (no run: the postings are sorted in memory), 224 MiB with 128 (2 runs) and 158 MiB with 64; writing
and merging runs took about a quarter more of its CPU (44 CPU-seconds with 256, 55 with 128 or 64:
means of 5 measurements on a loaded machine, before documents were packed). Smaller again (16)
since the writer's peak adds to the site workers' at 100x: ~390 MB with 64, ~360 with 32."""
SMALL_POOL_MB = 64
"""The pool of a corpus of at most :data:`SMALL_CORPUS` documents, whose postings then never leave
memory: the dev corpus's (744 documents, about 30 MB as Whoosh counts them) took two runs with 16,
whose pickling, one posting at a time, and merging were 1.8 of the writer's 7.0 CPU-seconds (means of
three). The bound holds by construction: a bigger corpus gets :data:`POOL_MB`."""
SMALL_CORPUS = 2_000


def build_schema(keys: list[str]) -> Schema:
    """Stored metadata, and title/headings/body for each analysis key."""
    schema = Schema(
        path=ID(stored=True, unique=True),
        topic=ID(stored=True),
        locale=ID(stored=True),
        editions=KEYWORD(stored=True, lowercase=True, scorable=False),
        title=STORED(),
        url=STORED(),
        date=ID(stored=True),
        handoff=ID(stored=True),
    )
    for key in keys:
        for name in TEXT_FIELDS:
            schema.add(field_name(name, key), text_field(key))
    return schema


def vocabulary(text: str) -> tuple[str, ...]:
    """Each distinct word of ``text`` once, lower-cased, as the index's tokenizer finds them."""
    return tuple(dict.fromkeys(wordforms.words(text)))


def document_vocabulary(doc: Document) -> tuple[str, ...]:
    """The words of a document's title, headings and body: its share of :data:`VOCABULARY`."""
    return vocabulary("\n".join((doc.title, headings_text(doc), body_text(doc))))


def index_fields(topic: Topic, member: TopicMember, base_url: str) -> dict[str, Any]:
    """The Whoosh fields of one document."""
    doc = member.document
    key = analysis_key(language(doc.locale))
    headings, body = headings_text(doc), body_text(doc)
    return {
        "path": doc.path,
        "topic": topic.id,
        "locale": doc.locale,
        "editions": " ".join(doc.editions),
        "title": doc.title,
        "url": member_url(base_url, member, topic),
        "date": doc.translation.date or "",
        "handoff": doc.translation.handoff or "",
        field_name("title", key): doc.title,
        field_name("headings", key): headings,
        field_name("body", key): body,
    }


def light(doc: Document) -> Document:
    """The document without its text (segments, links, body, front matter, pre-rendered HTML): all that the catalog
    needs to list, group and link it; the full document is read from the store on demand."""
    return dataclasses.replace(doc, packed=EMPTY_TEXT, skeleton=None)


def document_key(doc: Document) -> str:
    """Which version of a document this is: its file, bytes and body (includes expanded), with kb's
    code (the fingerprint incremental builds trust for pages)."""
    return fingerprint(doc)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the index derives from one member of a topic: the fingerprint of its Whoosh fields, its
    vocabulary (in a session only), its store key and its catalog copy. Kept in a session's memo
    while the member's document, topic and URL base stay the same. The fields themselves are not
    kept: with the document's whole text, all of them at once would cost gigabytes on a large corpus."""

    document: Document
    inputs: tuple[str, str, str]
    """The topic's id, the member's slug (or the topic's) and the URL base the fields were made for."""
    fingerprint: str
    words: tuple[str, ...]
    key: str
    light: Document


def prepare(
    topic: Topic, member: TopicMember, base_url: str, memo: dict[str, Prepared] | None
) -> tuple[Prepared, dict[str, Any] | None, tuple[str, ...]]:
    """The member's :class:`Prepared`, with its fields and words when they were computed (None and
    the memo's words when ``memo`` had it: nothing it depends on changed — ingest gives the same
    Document object for a file whose bytes did not change)."""
    doc = member.document
    inputs = (topic.id, member.slug or topic.slug, base_url)
    old = memo.get(doc.path) if memo is not None else None
    if old is not None and old.document is doc and old.inputs == inputs:
        return old, None, old.words
    fields = index_fields(topic, member, base_url)
    if old is not None and old.document is doc:  # only the topic or URL changed: same text
        words, key, lite = old.words, old.key, old.light
    else:
        words, key, lite = document_vocabulary(doc), document_key(doc), light(doc)
    if memo is None:
        return Prepared(doc, inputs, fingerprint(fields), (), key, lite), fields, words
    words = tuple(sys.intern(w) for w in words)  # kept for every document: one string per word
    prepared = memo[doc.path] = Prepared(doc, inputs, fingerprint(fields), words, key, lite)
    return prepared, fields, words


@dataclass(frozen=True, slots=True)
class IndexHead:
    """What the index needs before its first topic arrives (:func:`write_index_topics`)."""

    keys: tuple[str, ...]
    """The analysis keys of the corpus's languages: which fields the schema has."""
    warnings: tuple[str, ...]
    """The alignment's warnings, kept in the catalog."""
    documents: int = 0
    """How many documents the topics hold: the size of the writer's pool (:func:`pool_mb`)."""


def index_head(corpus: Corpus, alignment: Alignment) -> IndexHead:
    keys = sorted({analysis_key(language(loc)) for loc in {d.locale for d in corpus.documents}}) or ["any"]
    return IndexHead(tuple(keys), tuple(alignment.warnings), len(corpus.documents))


def pool_mb(documents: int) -> float:
    """Megabytes of postings Whoosh's writer sorts in memory before it spills a run to disk."""
    return SMALL_POOL_MB if documents <= SMALL_CORPUS else POOL_MB


def write_index(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    """Write the index of one release into ``dest`` (a new folder) from the gathered data: see
    :func:`write_index_topics`."""
    write_index_topics(dest, index_head(corpus, alignment), alignment.topics, options)


def write_index_topics(dest: Path, head: IndexHead, topics: Iterable[Topic], options: BuildOptions) -> None:
    """Write the Whoosh index, the vocabulary, the document store and the catalog of one release
    into ``dest`` (a new folder), reading the topics once, in order.

    Each document is indexed and stored as it arrives, and only its catalog copy (:func:`light`), its
    store key and its words' counts are kept: a writer fed the topics one by one (the build's
    ``TopicStream``) never holds the whole corpus. In an incremental build (:mod:`kb.output.incremental`)
    the previous release's index is hard-linked into ``dest`` (Whoosh never rewrites a segment file,
    it writes new ones) and only the documents whose fields changed are deleted and added again; the
    previous release stays untouched. Within a session (``kb serve --watch``) what each document gives
    the index is memoised, so a rebuild after one file changed works on that file alone (and rewrites
    the small catalog)."""
    dest.mkdir(parents=True, exist_ok=False)
    session_memo = options.session.memo("index") if options.session is not None else None
    memo: dict[str, Prepared] | None = session_memo.setdefault("prepared", {}) if session_memo is not None else None
    reuse = Reuse.between("index", options.previous_release if options.record_state else None)
    whoosh = _WhooshWriter.open(dest, list(head.keys), reuse, pool_mb(head.documents))
    previous = _previous_catalog(reuse, session_memo, dest) if whoosh.linked else None
    counts: Counter[str] = Counter()
    words: dict[str, tuple[str, ...]] = {}  # path → its words, in a session
    catalog: list[Topic] = []
    miner = Miner(term=analysed_term)
    mined: list[Topic] | None = [] if session_memo is not None else None
    with _StoreWriter(dest, previous, reuse) as store:
        try:
            for topic in topics:
                if mined is None:
                    miner.add(topic)
                else:  # (in a session, mined again only when enough changed: see write_lexicon)
                    mined.append(topic)
                members = []
                for member in topic.members:
                    p, fields, found = prepare(topic, member, options.base_url, memo)
                    path = p.document.path
                    if memo is None:
                        counts.update(found)
                    else:
                        words[path] = found
                    whoosh.add(path, p.fingerprint, fields or index_fields(topic, member, options.base_url),
                               record=options.record_state)
                    store.add(p.document, p.key)
                    members.append(dataclasses.replace(member, document=p.light))
                catalog.append(dataclasses.replace(topic, members=members))
            whoosh.delete_gone()
        except BaseException:
            whoosh.cancel()
            raise
        whoosh.commit()
        files, stored = store.finish(reuse)
    if memo is not None:  # forget deleted documents
        for path in memo.keys() - stored.keys():
            del memo[path]
    write_lexicon(dest, miner, mined, session_memo, options, reuse)
    if options.record_state:
        reuse.save(dest.parent)
    if session_memo is None:
        in_order = {w: counts[w] for w in sorted(counts)}  # in word order, as Whoosh's terms
        (dest / VOCABULARY).write_bytes(pickle.dumps(in_order, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        (dest / VOCABULARY).write_bytes(vocabulary_bytes(words, session_memo))
    data = CatalogData(CATALOG_VERSION, options.base_url, Alignment(catalog, list(head.warnings)), files, stored)
    with (dest / CATALOG).open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    if session_memo is not None:
        session_memo["catalog"] = (dest.resolve(), data)


def write_lexicon(dest: Path, miner: Miner, mined: list[Topic] | None, session_memo: dict[str, Any] | None,
                  options: BuildOptions, reuse: Reuse) -> None:
    """The bilingual lexicon mined from the topics, merged with the curated one of ``--lexicon``:
    linked from the previous release when it is the same. In a session (``kb serve --watch``) the
    topics are mined again only when :data:`REMINE_SHARE` of them changed since they last were (a
    lexicon is a statistic of the whole corpus: a one-file rebuild must not spend seconds on it)."""
    data = None
    if mined is not None and session_memo is not None:
        signature = {topic_signature(t) for t in mined}
        last = session_memo.get("lexicon")
        changed = max(len(signature - last[0]), len(last[0] - signature)) if last is not None else 0
        if last is not None and changed <= REMINE_SHARE * len(signature) and last[1] == options.lexicon:
            data = last[2]
        else:
            for topic in mined:
                miner.add(topic)
    if data is None:
        lexicon = miner.lexicon()
        if options.lexicon is not None:
            lexicon = lexicon.merged(read_curated(options.lexicon))
        data = lexicon.to_bytes()
        if mined is not None and session_memo is not None:
            session_memo["lexicon"] = ({topic_signature(t) for t in mined}, options.lexicon, data)
    previous = reuse.previous / LEXICON if reuse.previous is not None else None
    # (compared by its bytes, not recorded in the index's state: that state lists documents)
    if not (previous is not None and _same_bytes(previous, data) and reuse.take(LEXICON, dest)):
        (dest / LEXICON).write_bytes(data)


def topic_signature(topic: Topic) -> tuple[str, tuple[tuple[str, str], ...]]:
    return topic.id, tuple((m.document.path, m.document.content_hash) for m in topic.members)


def analysed_term(lang: str, word: str) -> str | None:
    """A word's query-mode term, from the index's own memoised analysis (its first index term)."""
    found = word_index_terms(analysis_key(lang), word)
    return found[0] if found else None


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass
class _WhooshWriter:
    """The Whoosh index of a release being written: a clean one gets every document; one hard-linked
    from the previous release gets only the changed ones, each deleted and added again."""

    ix: Any
    linked: bool
    reuse: Reuse
    pool_mb: float
    """See :func:`pool_mb`."""
    writer: SegmentWriter | None = None
    """Opened only when there is something to write: a cancelled Whoosh writer leaves the files of
    its unfinished segment behind."""
    documents: int = 0
    deleted: int = 0

    @classmethod
    def open(cls, dest: Path, keys: list[str], reuse: Reuse, pool_mb: float) -> _WhooshWriter:
        reuse.new[""] = schema_key = fingerprint(keys)  # another schema: nothing to reuse
        linked = reuse.old.get("") == schema_key and _link_index(reuse, dest)
        ix = open_dir(dest) if linked else whoosh_index.create_in(str(dest), build_schema(keys))
        return cls(ix, linked, reuse, pool_mb)

    def add(self, path: str, key: str, fields: dict[str, Any], record: bool) -> None:
        """Index the document at ``path`` whose fields have fingerprint ``key`` (recorded for the next
        build when ``record``), unless the linked index has it from the same fields."""
        self.documents += 1
        if not self.linked:
            if record:
                self.reuse.new[path] = key
        elif self.reuse.unchanged(path, key):
            return
        elif path in self.reuse.old:
            self._writer().delete_by_term("path", path)
            self.deleted += 1
        self._writer().add_document(**fields)

    def delete_gone(self) -> None:
        """Delete the linked index's documents that this release does not have (after the last add)."""
        if self.linked:
            for path in sorted(set(self.reuse.old) - set(self.reuse.new) - {""}):
                self._writer().delete_by_term("path", path)
                self.deleted += 1

    def commit(self) -> None:
        if self.writer is not None:
            # Deleted documents still count in Whoosh's term statistics until their segment is merged:
            # merge when they are more than a tenth of the index, to keep scores near a clean build's.
            self.writer.commit(optimize=self.deleted * 10 > self.documents)
            self.writer = None

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None

    def _writer(self) -> SegmentWriter:
        if self.writer is None:
            self.writer = self.ix.writer(limitmb=self.pool_mb)
        return self.writer


@dataclass
class _VocabularyMemo:
    """A session's running vocabulary: counts kept up to date document by document."""

    counts: Counter[str] = field(default_factory=Counter)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Path → the words counted for it."""
    blob: bytes = b""


def vocabulary_bytes(now: dict[str, tuple[str, ...]], session_memo: dict[str, Any]) -> bytes:
    """The pickled :data:`VOCABULARY` in a session, from each document's words (path → words): only
    changed documents' words are counted again, and the previous bytes are kept when no word came or
    went."""
    memo: _VocabularyMemo = session_memo.setdefault("vocabulary", _VocabularyMemo())
    changed = False
    for path in memo.words.keys() - now.keys():
        memo.counts.subtract(memo.words.pop(path))
        changed = True
    for path, words in now.items():
        old = memo.words.get(path)
        if old is not words and old != words:
            if old is not None:
                memo.counts.subtract(old)
            memo.counts.update(words)
            memo.words[path] = words
            changed = True
    if changed or not memo.blob:
        counts = {w: n for w in sorted(memo.counts) if (n := memo.counts[w]) > 0}
        memo.counts = Counter(counts)
        memo.blob = pickle.dumps(counts, protocol=pickle.HIGHEST_PROTOCOL)
    return memo.blob


def _previous_catalog(reuse: Reuse, session_memo: dict[str, Any] | None, dest: Path) -> CatalogData | None:
    """The previous release's catalog: from the session when it wrote it, else read from disk (when it
    is what the previous manifest records: a damaged one could point into the store wrongly)."""
    if reuse.previous is None:
        return None
    if session_memo is not None and "catalog" in session_memo:
        where, data = session_memo["catalog"]
        if where == reuse.previous.resolve():
            return cast(CatalogData, data)
    if not reuse.trusted(CATALOG, dest):
        return None
    try:
        with (reuse.previous / CATALOG).open("rb") as f:
            data = pickle.load(f)
    except Exception:  # unreadable: the store is written anew
        return None
    return data if isinstance(data, CatalogData) and data.version == CATALOG_VERSION else None


def store_record(doc: Document) -> tuple[bytes, int]:
    """A document's record in the store (see :data:`Stored`) and the length of its parts."""
    parts = pickle.dumps(tuple(body_parts(doc)), protocol=pickle.HIGHEST_PROTOCOL)
    whole = dataclasses.replace(doc, skeleton=None)  # (the site's pre-rendered body: the API never shows it)
    return parts + pickle.dumps(whole, protocol=pickle.HIGHEST_PROTOCOL), len(parts)


class _StoreWriter:
    """Writes the document store of a release (see :class:`CatalogData`) as the documents arrive.

    A document is appended to a new store file at once, unless the previous release stored it under
    the same key: then it waits for :meth:`finish`, which takes over each previous store file at least
    half of which is still current (hard-linked, the waiting records stay where they are) and copies
    the waiting records of the other files into the new one. The previous files are opened at the
    start, so that they can be copied from whatever happens to their names meanwhile; only those that
    are what the previous manifest records (:meth:`Reuse.trusted`): the others' documents are written anew."""

    NEW = ".documents-new.pickle"
    """The new store file while it is written; renamed to its :data:`STORE` name at the end."""

    def __init__(self, dest: Path, previous: CatalogData | None, reuse: Reuse) -> None:
        self.dest = dest
        self.old: dict[str, Stored] = {}
        self.names: tuple[str, ...] = ()
        self.sources: dict[int, BinaryIO] = {}
        if previous is not None and reuse.previous is not None:
            self.old, self.names = previous.stored, previous.files
            for number, name in enumerate(self.names):
                if not reuse.trusted(name, dest):  # damaged: its documents are written anew
                    continue
                with contextlib.suppress(OSError):  # gone: its documents are written anew
                    self.sources[number] = (reuse.previous / name).open("rb")
        self.new: BinaryIO | None = None
        self.at: dict[str, Stored] = {}
        """Path → where its record is: (-1, …) in the new file, else where the previous release has it."""

    def __enter__(self) -> _StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, doc: Document, key: str) -> None:
        """Store ``doc``, whose :func:`document_key` is ``key``."""
        at = self.old.get(doc.path)
        if at is not None and at[3] == key and at[0] in self.sources:
            self.at[doc.path] = at
        else:
            record, parts = store_record(doc)
            self.at[doc.path] = self._append(record, key, parts)

    def finish(self, reuse: Reuse) -> tuple[tuple[str, ...], dict[str, Stored]]:
        """The store's file names and where each document is in them (in the order they came)."""
        files: list[str] = []
        renumber: dict[int, int] = {}  # previous file number → its number in this release
        for number in sorted(self._worth_keeping()):
            if reuse.take(self.names[number], self.dest):
                renumber[number] = len(files)
                files.append(self.names[number])
        for path, at in self.at.items():
            if at[0] >= 0 and at[0] not in renumber:
                source = self.sources[at[0]]
                source.seek(at[1])
                record = source.read(at[2])
                if len(record) != at[2]:  # shrunk since it was verified: stop rather than store a part
                    raise IndexDamaged(f"{self.names[at[0]]} of the previous release shrank while it was read: "
                                       "build again (the next build writes it afresh)")
                self.at[path] = self._append(record, at[3], at[4])
        stored = {path: (renumber[at[0]], *at[1:]) if at[0] >= 0 else (len(files), *at[1:])
                  for path, at in self.at.items()}
        if self.new is not None:
            self.new.close()
            taken = {int(name.split("-")[1].split(".")[0]) for name in files}
            name = STORE.format(max(taken, default=-1) + 1)
            (self.dest / self.NEW).rename(self.dest / name)
            files.append(name)
        self.close()
        return tuple(files), stored

    def close(self) -> None:
        for source in self.sources.values():
            source.close()
        if self.new is not None:
            self.new.close()

    def _worth_keeping(self) -> list[int]:
        """The previous files at least half of which holds documents that are still current."""
        live: Counter[int] = Counter()
        for at in self.at.values():
            if at[0] >= 0:
                live[at[0]] += at[2]
        sizes = {number: os.fstat(source.fileno()).st_size for number, source in self.sources.items()}
        return [number for number, size in sizes.items() if size and live[number] * 2 >= size]

    def _append(self, record: bytes, key: str, parts: int) -> Stored:
        if self.new is None:
            self.new = (self.dest / self.NEW).open("wb")
        offset = self.new.tell()
        self.new.write(record)
        return (-1, offset, len(record), key, parts)


def _link_index(reuse: Reuse, dest: Path) -> bool:
    """Hard-link every file of the previous release's Whoosh index into ``dest`` (the catalog,
    vocabulary and document store are written by :func:`write_index`)."""
    if reuse.previous is None or not reuse.previous.is_dir():
        return False
    names = [p.name for p in reuse.previous.iterdir() if p.is_file() and is_whoosh_file(p.name)]
    if all(reuse.take(name, dest) for name in names if not name.endswith(".lock")) and whoosh_index.exists_in(
        str(dest)
    ):
        return True
    for leftover in dest.iterdir():  # half linked: start this index from scratch
        leftover.unlink()
    return False
