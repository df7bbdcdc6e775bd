"""The search index of a release: a Whoosh index with per-language fields, and a catalog.

``write_index(dest, corpus, alignment, options)`` is the build writer of ``OUT/releases/<id>/index``.
Each document is indexed under the fields of its language's analysis (``title_pt``, ``headings_pt``,
``body_pt``; ``…_any`` for a language Whoosh cannot analyse) because Whoosh analyses per field;
a query is run against each language's fields with that language's analysis.

Beside the Whoosh files, ``catalog.pickle`` keeps the topics and documents of the release (the model
objects from ingest and alignment), so that the query API can group hits by topic, list
translations, and serve topics, documents and comparisons without the content folder.
"""

from __future__ import annotations

import dataclasses
import functools
import mmap
import pickle
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, Schema
from whoosh.writing import SegmentWriter

from kb import urls
from kb.analysis import analysis_key, text_field
from kb.errors import IndexMissing
from kb.incremental import Reuse, fingerprint
from kb.locales import language
from kb.model import EMPTY_TEXT, Alignment, Corpus, Document, SegmentKind, Topic, TopicMember

if TYPE_CHECKING:
    from kb.build import BuildOptions

CATALOG = "catalog.pickle"
CATALOG_VERSION = 3
VOCABULARY = "vocabulary.pickle"
"""``{word: number of documents}`` in word order: what "did you mean" draws its suggestions from.
Kept beside the Whoosh files rather than as a field of them: it was more than half of the index's
postings (every distinct word of every document), and Whoosh spent most of its time on them."""
TEXT_FIELDS = ("title", "headings", "body")
"""The analysed fields of each language, as ``{name}_{analysis key}``; users prefix words with them."""


def field_name(name: str, key: str) -> str:
    return f"{name}_{key}"


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


def headings_text(doc: Document) -> str:
    return "\n".join(s.text for s in doc.segments if s.kind is SegmentKind.HEADING)


def body_parts(doc: Document) -> list[str]:
    """The description and every segment that is not a heading, in reading order."""
    parts = [doc.description] if doc.description else []
    parts.extend(s.text for s in doc.segments if s.kind is not SegmentKind.HEADING)
    return parts


def body_text(doc: Document) -> str:
    return "\n".join(body_parts(doc))


def member_url(base_url: str, member: TopicMember, topic: Topic) -> str:
    return urls.join(base_url, urls.document_path(member.document.locale, member.slug or topic.slug))


_WORD = re.compile(r"\w+(?:\.?\w+)*")  # the words Whoosh's RegexTokenizer finds


def vocabulary(text: str) -> tuple[str, ...]:
    """Each distinct word of ``text`` once, lower-cased, as Whoosh's tokenizer finds them."""
    return tuple(dict.fromkeys(_WORD.findall(text.lower())))


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


@dataclass(frozen=True, slots=True)
class CatalogData:
    """What ``catalog.pickle`` holds: the release's topics with their documents *without their text*
    (see :func:`light`), the URL base, and where each full document is in the document store.

    The store is one or more ``documents-<n>.pickle`` files of pickled :class:`Document` objects one
    after the other; ``stored[path]`` is :data:`Stored`. An incremental build
    hard-links the previous release's store files and appends only the changed documents, in a new
    file; a file mostly made of replaced documents is rewritten (its live documents copied)."""

    version: int
    base_url: str
    alignment: Alignment
    files: tuple[str, ...] = ()
    stored: dict[str, Stored] = field(default_factory=dict)


STORE = "documents-{}.pickle"
Stored = tuple[int, int, int, str, int]
"""Where a document is in the store: ``(file number, offset, length, key, parts length)``. The
record is the pickled :func:`body_parts` (``parts length`` bytes: all a search snippet needs, and
quick to load) followed by the pickled Document; ``key`` says which version of the document it is
(:func:`document_key`)."""


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


def write_index(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    """Write the Whoosh index, the vocabulary, the document store and the catalog of one release
    into ``dest`` (a new folder).

    In an incremental build (:mod:`kb.incremental`) the previous release's index is hard-linked into
    ``dest`` (Whoosh never rewrites a segment file, it writes new ones) and only the documents whose
    fields changed are deleted and added again; the previous release stays untouched. Within a
    session (``kb serve --watch``) what each document gives the index is memoised, so a rebuild
    after one file changed works on that file alone (and rewrites the small catalog). A clean build
    adds each document as soon as its fields are made, so they are never all in memory at once."""
    dest.mkdir(parents=True, exist_ok=False)
    session_memo = options.session.memo("index") if options.session is not None else None
    memo: dict[str, Prepared] | None = session_memo.setdefault("prepared", {}) if session_memo is not None else None
    keys = sorted({analysis_key(language(loc)) for loc in {d.locale for d in corpus.documents}}) or ["any"]
    reuse = Reuse.between("index", options.previous_release if options.record_state else None)
    reuse.new[""] = schema_key = fingerprint(keys)  # another schema: nothing to reuse
    linked = reuse.old.get("") == schema_key and _link_index(reuse, dest)
    ix = whoosh_index.open_dir(str(dest)) if linked else whoosh_index.create_in(str(dest), build_schema(keys))
    # The writer is opened only when there is something to write: a cancelled Whoosh writer leaves
    # the files of its unfinished segment behind.
    writer: SegmentWriter | None = None
    prepared: list[Prepared] = []
    counts: Counter[str] = Counter()
    todo: list[dict[str, Any]] = []
    gone: set[str] = set()
    try:
        for topic in alignment.topics:
            for member in topic.members:
                p, fields, words = prepare(topic, member, options.base_url, memo)
                prepared.append(p)
                if memo is None:
                    counts.update(words)
                path = p.document.path
                if not linked:
                    if options.record_state:
                        reuse.new[path] = p.fingerprint
                    writer = writer or ix.writer(limitmb=256)
                    writer.add_document(**(fields or index_fields(topic, member, options.base_url)))
                elif not reuse.unchanged(path, p.fingerprint):
                    todo.append(fields or index_fields(topic, member, options.base_url))
        if linked:
            changed = {e["path"] for e in todo if e["path"] in reuse.old}
            gone = ((set(reuse.old) - set(reuse.new)) | changed) - {""}
            if todo or gone:
                writer = ix.writer(limitmb=256)
                for path in sorted(gone):
                    writer.delete_by_term("path", path)
                for e in todo:
                    writer.add_document(**e)
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    if writer is not None:
        # Deleted documents still count in Whoosh's term statistics until their segment is merged:
        # merge when they are more than a tenth of the index, to keep scores near a clean build's.
        writer.commit(optimize=len(gone) * 10 > len(prepared))
    if memo is not None:  # forget deleted documents
        for path in memo.keys() - {p.document.path for p in prepared}:
            del memo[path]
    previous = _previous_catalog(reuse, session_memo) if linked else None
    if options.record_state:
        reuse.save(dest.parent)
    if session_memo is None:
        in_order = {w: counts[w] for w in sorted(counts)}  # in word order, as Whoosh's terms
        (dest / VOCABULARY).write_bytes(pickle.dumps(in_order, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        (dest / VOCABULARY).write_bytes(vocabulary_bytes(prepared, session_memo))
    files, stored = write_store(dest, prepared, previous, reuse)
    by_path = {p.document.path: p.light for p in prepared}
    topics = [dataclasses.replace(t, members=[dataclasses.replace(m, document=by_path[m.document.path])
                                              for m in t.members]) for t in alignment.topics]
    data = CatalogData(CATALOG_VERSION, options.base_url, Alignment(topics, list(alignment.warnings)), files, stored)
    with (dest / CATALOG).open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    if session_memo is not None:
        session_memo["catalog"] = (dest.resolve(), data)


@dataclass
class _VocabularyMemo:
    """A session's running vocabulary: counts kept up to date document by document."""

    counts: Counter[str] = field(default_factory=Counter)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Path → the words counted for it."""
    blob: bytes = b""


def vocabulary_bytes(prepared: list[Prepared], session_memo: dict[str, Any]) -> bytes:
    """The pickled :data:`VOCABULARY` in a session: only changed documents' words are counted again,
    and the previous bytes are kept when no word came or went."""
    memo: _VocabularyMemo = session_memo.setdefault("vocabulary", _VocabularyMemo())
    now = {p.document.path: p.words for p in prepared}
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


def _previous_catalog(reuse: Reuse, session_memo: dict[str, Any] | None) -> CatalogData | None:
    """The previous release's catalog: from the session when it wrote it, else read from disk."""
    if reuse.previous is None:
        return None
    if session_memo is not None and "catalog" in session_memo:
        where, data = session_memo["catalog"]
        if where == reuse.previous.resolve():
            return cast(CatalogData, data)
    try:
        with (reuse.previous / CATALOG).open("rb") as f:
            data = pickle.load(f)
    except Exception:  # unreadable: the store is written anew
        return None
    return data if isinstance(data, CatalogData) and data.version == CATALOG_VERSION else None


def write_store(
    dest: Path, prepared: list[Prepared], previous: CatalogData | None, reuse: Reuse
) -> tuple[tuple[str, ...], dict[str, Stored]]:
    """Write the document store of the release (see :class:`CatalogData`): take over the previous
    release's store files where most of what they hold is still current, and write the other
    documents into one new file."""
    old = previous.stored if previous is not None else {}
    live: dict[int, int] = {}  # previous file number → bytes of its documents still current
    for p in prepared:
        at = old.get(p.document.path)
        if at is not None and at[3] == p.key:
            live[at[0]] = live.get(at[0], 0) + at[2]
    files: list[str] = []
    renumber: dict[int, int] = {}
    if previous is not None and reuse.previous is not None:
        for number, name in enumerate(previous.files):
            size = (reuse.previous / name).stat().st_size if (reuse.previous / name).is_file() else 0
            # Kept while at least half of it is current; else its documents are written again.
            if size and live.get(number, 0) * 2 >= size and reuse.take(name, dest):
                renumber[number] = len(files)
                files.append(name)
    stored: dict[str, Stored] = {}
    todo: list[Prepared] = []
    for p in prepared:
        at = old.get(p.document.path)
        if at is not None and at[3] == p.key and at[0] in renumber:
            stored[p.document.path] = (renumber[at[0]], *at[1:])
        else:
            todo.append(p)
    if todo:
        taken = {int(name.split("-")[1].split(".")[0]) for name in files}
        name = STORE.format(max(taken, default=-1) + 1)
        number = len(files)
        files.append(name)
        with (dest / name).open("wb") as f:
            for p in todo:
                parts = pickle.dumps(tuple(body_parts(p.document)), protocol=pickle.HIGHEST_PROTOCOL)
                # (without the site's pre-rendered body: the API never shows it)
                whole = dataclasses.replace(p.document, skeleton=None)
                blob = parts + pickle.dumps(whole, protocol=pickle.HIGHEST_PROTOCOL)
                stored[p.document.path] = (number, f.tell(), len(blob), p.key, len(parts))
                f.write(blob)
    return tuple(files), stored


def _link_index(reuse: Reuse, dest: Path) -> bool:
    """Hard-link every file of the previous release's Whoosh index into ``dest`` (the catalog,
    vocabulary and document store are written by :func:`write_index`)."""
    if reuse.previous is None or not reuse.previous.is_dir():
        return False
    names = [p.name for p in reuse.previous.iterdir() if p.is_file() and _is_whoosh_file(p.name)]
    if all(reuse.take(name, dest) for name in names if not name.endswith(".lock")) and whoosh_index.exists_in(
        str(dest)
    ):
        return True
    for leftover in dest.iterdir():  # half linked: start this index from scratch
        leftover.unlink()
    return False


def _is_whoosh_file(name: str) -> bool:
    return name not in (CATALOG, VOCABULARY) and not (name.startswith("documents-") and name.endswith(".pickle"))


# --- reading a release ----------------------------------------------------------------------------


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

    Its documents are light (:func:`light`: no segments, links or body); :meth:`document` reads a
    full one from the release's document store."""

    base_url: str
    alignment: Alignment
    folder: Path | None = None
    """The index folder holding the store files (None: the documents are full already)."""
    files: tuple[str, ...] = ()
    stored: dict[str, Stored] = field(default_factory=dict)
    by_path: dict[str, Entry] = field(default_factory=dict)
    by_slug: dict[tuple[str, str], Entry] = field(default_factory=dict)
    by_topic: dict[str, Topic] = field(default_factory=dict)
    _maps: dict[int, mmap.mmap] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        for topic in self.alignment.topics:
            self.by_topic[topic.id] = topic
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
        with self._lock:
            view = self._maps.get(number)
            if view is None:
                with (self.folder / self.files[number]).open("rb") as f:  # type: ignore[operator]
                    view = self._maps[number] = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            return view[start:end]

    def close(self) -> None:
        """Unmap the store files (the catalog must not be read afterwards)."""
        with self._lock:
            for view in self._maps.values():
                view.close()
            self._maps.clear()


def load_vocabulary(index_dir: Path) -> dict[str, int]:
    """Read :data:`VOCABULARY` of an index folder (empty when missing: no suggestions)."""
    try:
        with (index_dir / VOCABULARY).open("rb") as f:
            words = pickle.load(f)
    except FileNotFoundError:
        return {}
    return words if isinstance(words, dict) else {}


def load_catalog(index_dir: Path) -> Catalog:
    """Read ``catalog.pickle`` of an index folder written by :func:`write_index`."""
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
