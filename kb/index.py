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

import functools
import itertools
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, Schema

from kb import urls
from kb.analysis import analysis_key, text_field
from kb.errors import IndexMissing
from kb.incremental import Reuse, fingerprint
from kb.locales import language
from kb.model import Alignment, Corpus, Document, SegmentKind, Topic, TopicMember

if TYPE_CHECKING:
    from kb.build import BuildOptions

CATALOG = "catalog.pickle"
CATALOG_VERSION = 1
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


def count_vocabulary(words_per_document: Iterable[tuple[str, ...]]) -> dict[str, int]:
    """``{word: number of documents}`` in word order (that of Whoosh's term dictionary)."""
    counts = Counter(itertools.chain.from_iterable(words_per_document))
    return {w: counts[w] for w in sorted(counts)}


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
    """What ``catalog.pickle`` holds: the release's topics (with their documents) and URL base."""

    version: int
    base_url: str
    alignment: Alignment


def write_index(dest: Path, corpus: Corpus, alignment: Alignment, options: BuildOptions) -> None:
    """Write the Whoosh index and the catalog of one release into ``dest`` (a new folder).

    In an incremental build (:mod:`kb.incremental`) the previous release's index is hard-linked into
    ``dest`` (Whoosh never rewrites a segment file, it writes new ones) and only the documents whose
    fields changed are deleted and added again; the previous release stays untouched."""
    dest.mkdir(parents=True, exist_ok=False)
    keys = sorted({analysis_key(language(d.locale)) for d in corpus.documents}) or ["any"]
    entries = [index_fields(topic, m, options.base_url) for topic in alignment.topics for m in topic.members]
    reuse = Reuse.between("index", options.previous_release if options.record_state else None)
    reuse.new[""] = schema_key = fingerprint(keys)  # another schema: nothing to reuse
    if reuse.old.get("") == schema_key and _link_index(reuse, dest):
        ix = whoosh_index.open_dir(str(dest))
        todo = [e for e in entries if not reuse.unchanged(e["path"], fingerprint(e))]
        changed = {e["path"] for e in todo if e["path"] in reuse.old}
        gone: set[str] = (set(reuse.old) - set(reuse.new)) | changed
    else:
        ix = whoosh_index.create_in(str(dest), build_schema(keys))
        todo = entries
        if options.record_state:
            reuse.new.update((e["path"], fingerprint(e)) for e in entries)
        gone = set()
    if todo or gone:
        writer = ix.writer(limitmb=256)
        try:
            for path in sorted(gone - {""}):
                writer.delete_by_term("path", path)
            for e in todo:
                writer.add_document(**e)
        except BaseException:
            writer.cancel()
            raise
        # Deleted documents still count in Whoosh's term statistics until their segment is merged:
        # merge when they are more than a tenth of the index, to keep scores near a clean build's.
        writer.commit(optimize=len(gone) * 10 > len(entries))
    if options.record_state:
        reuse.save(dest.parent)
    words = count_vocabulary(document_vocabulary(m.document) for t in alignment.topics for m in t.members)
    with (dest / VOCABULARY).open("wb") as f:
        pickle.dump(words, f, protocol=pickle.HIGHEST_PROTOCOL)
    data = CatalogData(CATALOG_VERSION, options.base_url, alignment)
    with (dest / CATALOG).open("wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


def _link_index(reuse: Reuse, dest: Path) -> bool:
    """Hard-link every file of the previous release's index into ``dest`` (the catalog is rewritten)."""
    if reuse.previous is None or not reuse.previous.is_dir():
        return False
    names = [p.name for p in reuse.previous.iterdir() if p.is_file() and p.name not in (CATALOG, VOCABULARY)]
    if all(reuse.take(name, dest) for name in names if not name.endswith(".lock")) and whoosh_index.exists_in(
        str(dest)
    ):
        return True
    for leftover in dest.iterdir():  # half linked: start this index from scratch
        leftover.unlink()
    return False


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
    """The topics and documents of a release, with the look-ups the query API needs."""

    base_url: str
    alignment: Alignment
    by_path: dict[str, Entry] = field(default_factory=dict)
    by_slug: dict[tuple[str, str], Entry] = field(default_factory=dict)
    by_topic: dict[str, Topic] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for topic in self.alignment.topics:
            self.by_topic[topic.id] = topic
            for member in topic.members:
                entry = Entry(topic, member, member_url(self.base_url, member, topic))
                self.by_path[member.document.path] = entry
                self.by_slug[(member.document.locale.lower(), entry.slug)] = entry

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
    return Catalog(data.base_url, data.alignment)
