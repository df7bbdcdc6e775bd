"""The typed model every stage of kb exchanges.

Ingest produces :class:`Document` objects (with their :class:`Segment` and :class:`Link` lists);
alignment groups them into :class:`Topic` objects and pairs their segments as :class:`SegmentPair`;
the index, the site, the API and the translators' checks read these and nothing else.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import sys
import zlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kb import locales, memos


class SegmentKind(StrEnum):
    """What kind of block a segment is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    ALERT = "alert"
    CODE = "code"


class LocaleSource(StrEnum):
    """How a document's locale was decided, from the most to the least trustworthy."""

    METADATA = "metadata"
    PATH = "path"
    DETECTED = "detected"


class Evidence(StrEnum):
    """Why a document belongs to its topic, in the order alignment tries them."""

    ASSETID = "assetid"
    PATH = "path"
    EDITION_VARIANT = "edition_variant"
    CONTENT = "content"
    SINGLETON = "singleton"


ARTICLE_SUFFIXES = (".md", ".yml", ".yaml")
"""What a link to an article ends with: Markdown, or a YAML page (:mod:`kb.ingest.yamlpages`)."""
PAGE_STEMS = ("", ".md", ".yml", "/index.md", "/index.yml")
"""What DocFX publishes at ``/a/b`` (``b``'s page is ``b.md``, ``b.yml``, or the index of folder ``b``)."""


@dataclass(frozen=True, slots=True)
class Link:
    """An outgoing link, image or include found in a document."""

    target: str
    """The target as written (``other.md#anchor``, ``https://…``, ``media/x.png``)."""
    text: str
    """The visible text of the link, or an image's alt text."""
    kind: str = "link"
    """``link``, ``image``, ``include`` or ``code`` (code taken from a file, :mod:`kb.ingest.snippets`)."""
    line: int | None = None
    """1-based line in the source file where the link's block starts, when known."""

    @property
    def is_external(self) -> bool:
        """True for absolute URLs (``https:``, ``mailto:``, protocol-relative)."""
        low = self.target.lower()
        return low.startswith(("http:", "https:", "mailto:", "//", "ftp:"))

    @property
    def is_article(self) -> bool:
        """True for a relative link to another article (Markdown, or a YAML page)."""
        return not self.is_external and self.target.split("#", 1)[0].lower().endswith(ARTICLE_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable block of a document, in reading order."""

    kind: SegmentKind
    """Heading, paragraph, list item, table cell, alert or code."""
    path: str
    """Structural path inside the document, e.g. ``table[0]/row[2]/cell[1]`` or ``list[1]/item[0]``."""
    text: str
    """Plain text with Markdown and HTML markup removed and white space collapsed."""
    links: tuple[Link, ...] = ()
    """Inline links and images inside this segment, with their targets."""
    anchor: str | None = None
    """A heading's anchor id (from ``<a name>`` or generated from its text); None for other kinds."""
    level: int | None = None
    """A heading's level (1-6); None for other kinds."""
    alert: str | None = None
    """An alert's type in upper case (``NOTE``, ``IMPORTANT``, …); None for other kinds."""
    code: tuple[str, ...] = ()
    """Inline code spans inside the segment (language-independent anchors for alignment)."""
    line: int | None = None
    """1-based source line where the segment's block starts, when known."""

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _SEGMENT_FIELDS)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        # Paths repeat across documents (``p[3]``, ``table[0]/tr[1]/td[0]``) but unpickling, from
        # the parse workers or the cache, makes each a new string: one copy each saves ~3 KB a document.
        for name, value in zip(_SEGMENT_FIELDS, state, strict=True):
            object.__setattr__(self, name, sys.intern(value) if name == "path" else value)


_SEGMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Segment))


@dataclass(frozen=True, slots=True)
class Translation:
    """Localization metadata from the front matter (``ms.`` prefixed or not)."""

    source_hash: str | None = None
    """``ms.openlocfilehash``: hash of the source-language file this translation was made from."""
    source_commit: str | None = None
    """``ms.sourcegitcommit``: commit of the source repository at hand-off."""
    type: str | None = None
    """``ms.translationtype``: ``HT`` (human) or ``MT`` (machine)."""
    handoff: str | None = None
    """``ms.lasthandoff`` as an ISO 8601 date (``2019-04-23``), read at ingest (``M/D/YY`` month first,
    as Microsoft docs write it); None when absent or unreadable (then reported as a problem)."""
    date: str | None = None
    """``ms.date`` as an ISO 8601 date, read as :attr:`handoff` is; None when absent or unreadable."""
    locfileid: str | None = None
    """``ms.locfileid``: the localization system's file id."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input file, reported instead of raised."""

    path: str
    """Path relative to the content root."""
    line: int | None
    """1-based line, where known."""
    message: str
    """What is wrong, in words a writer understands."""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The bulk of a :class:`Document`: what a parse found in the file beyond its metadata."""

    front_matter: dict[str, Any]
    """The YAML front matter as parsed (entities decoded), keys as written."""
    segments: tuple[Segment, ...]
    """The translatable blocks, in reading order."""
    links: tuple[Link, ...]
    """Every outgoing link, image and include, in reading order."""
    body: str
    """The Markdown body after the front matter (normalised line endings), with its includes and code
    files taken in (:meth:`Document.file_line` names the file's line of each of its lines)."""


def pack_text(text: DocumentText) -> bytes:
    """``text`` as compact bytes: plain tuples pickled without a memo (so equal texts give equal bytes,
    whichever of their strings happen to be one object), compressed."""
    segments = tuple(
        (s.kind.value, s.path, s.text, _link_tuples(s.links), s.anchor, s.level, s.alert, s.code, s.line)
        for s in text.segments
    )
    # A document's links are its includes' and then its segments' (as ingest makes them): then only
    # the includes' are stored, and unpacking takes the segments' Link objects again.
    inline = tuple(link for s in text.segments for link in s.links)
    head = len(text.links) - len(inline)
    links = (True, _link_tuples(text.links[:head])) if head >= 0 and text.links[head:] == inline else \
        (False, _link_tuples(text.links))
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump((text.front_matter, segments, links, text.body))
    return zlib.compress(buffer.getbuffer(), 1)


def _link_tuples(links: tuple[Link, ...]) -> tuple[tuple[str, str, str, int | None], ...]:
    return tuple((link.target, link.text, link.kind, link.line) for link in links)


_KINDS = {kind.value: kind for kind in SegmentKind}


@memos.cached("unpacked-texts")
def unpack_text(packed: bytes) -> DocumentText:
    """The :class:`DocumentText` that :func:`pack_text` made ``packed`` from. The most recently used
    thousand are kept (~25 KB each as objects): a stage that goes over each topic's documents several
    times unpacks each once, and a corpus of any size costs each process ~25 MB unpacked at most."""
    front_matter, segments, (inline, links), body = pickle.loads(zlib.decompress(packed))
    made = []
    intern, kinds = sys.intern, _KINDS
    for kind, path, text, seg_links, anchor, level, alert, code, line in segments:
        # Paths repeat across documents (``p[3]``, ``table[0]/tr[1]/td[0]``): one string each.
        made.append(Segment(kinds[kind], intern(path), text, _links(seg_links) if seg_links else (),
                            anchor, level, alert, code, line))
    every = _links(links) + tuple(link for s in made for link in s.links) if inline else _links(links)
    return DocumentText(front_matter, tuple(made), every, body)


def _links(tuples: tuple[tuple[str, str, str, int | None], ...]) -> tuple[Link, ...]:
    return tuple([Link(*x) for x in tuples])


def run_line(runs: tuple[int, ...], body_line: int, body_index: int) -> int:
    """The file line of body line ``body_index`` by :attr:`Document.body_lines`' ``runs`` (the body starting
    at file line ``body_line``)."""
    if not runs:
        return body_line + body_index
    k = 0
    while k + 3 < len(runs) and runs[k + 3] <= body_index:
        k += 3
    return runs[k + 1] + runs[k + 2] * (body_index - runs[k])


EMPTY_TEXT = pack_text(DocumentText({}, (), (), ""))


@dataclass(frozen=True, slots=True)
class Document:
    """One localized article, parsed.

    Its text (front matter, segments, links, Markdown body) is kept packed (:func:`pack_text`) and
    unpacked on access (:func:`unpack_text`): as objects a document takes ~28 KB, packed ~4 KB, and the
    build holds every document of the corpus (74,400 in the 100× benchmark) from ingest to the end.
    Make one with :meth:`parsed`."""

    path: str
    """Source path relative to the content root, with ``/`` separators."""
    locale: str
    """BCP 47 tag such as ``pt-BR``."""
    locale_source: LocaleSource
    """Whether the locale came from metadata, the path, or language detection."""
    locale_confidence: float
    """Confidence in the locale, in [0, 1] (1.0 for metadata)."""
    title: str
    """``title`` from the front matter, else the first heading, else the file name."""
    description: str
    """``description`` from the front matter, or empty."""
    assetid: str | None
    """``ms.assetid`` lower-cased, or None."""
    editions: tuple[str, ...]
    """Editions the article applies to: ``global``, ``germany``, ``21vianet``, ``usgov``."""
    applies_to: tuple[str, ...]
    """The "Applies to" entries that name no known edition, kept verbatim."""
    translation: Translation
    """Localization metadata (source hash and commit, HT/MT, dates)."""
    packed: bytes = field(repr=False)
    """The :class:`DocumentText`, packed: read it through :attr:`text` or the properties named
    after its fields."""
    body_line: int
    """1-based line of the source file where ``body`` starts."""
    content_hash: str
    """SHA-256 of the file's bytes: the key of the incremental-build cache."""
    uid: str | None = None
    """``uid`` from the front matter, as written: what DocFX's cross references (``xref:uid``) name."""
    body_lines: tuple[int, ...] = ()
    """Where ``body``'s lines come from when includes or code files taken in changed their number: flat
    runs of (first body line, 0-based; its file line; 1 when the run follows the file's lines, 0 when the
    whole run is one directive's line). Empty: body line ``n`` is file line ``body_line + n``. Read it
    through :meth:`file_line`."""
    skeleton: bytes | None = field(default=None, compare=False, repr=False)
    """The body's HTML, rendered by ingest from the tokens it parsed anyway, with holes for what the
    site decides (:func:`kb.ingest.skeleton.pack_skeleton`, compressed): the site does not parse the body again.
    None: the site renders from ``body``. Derived from ``body``, so not compared."""

    @classmethod
    def parsed(cls, *, text: DocumentText, **metadata: Any) -> Document:
        """A document from its metadata (every other field, by name) and its text."""
        return cls(packed=pack_text(text), **metadata)

    @property
    def text(self) -> DocumentText:
        return unpack_text(self.packed)

    def file_line(self, body_index: int) -> int:
        """The 1-based line of the source file that line ``body_index`` (0-based) of :attr:`body` comes
        from: for what an include or a code directive brought, the directive's line."""
        return run_line(self.body_lines, self.body_line, body_index)

    @property
    def front_matter(self) -> dict[str, Any]:
        """The YAML front matter as parsed (entities decoded), keys as written."""
        return self.text.front_matter

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The translatable blocks, in reading order."""
        return self.text.segments

    @property
    def links(self) -> tuple[Link, ...]:
        """Every outgoing link, image and include, in reading order."""
        return self.text.links

    @property
    def body(self) -> str:
        """The Markdown body after the front matter (normalised line endings), with its includes and code
        files taken in (:meth:`file_line` names the file's line of each of its lines)."""
        return self.text.body

    @property
    def locale_root_path(self) -> str:
        """The path with a leading locale folder removed (``pt-br/a/b.md`` → ``a/b.md``)."""
        return locales.strip_locale_folder(self.path)

    @property
    def headings(self) -> list[Segment]:
        return [s for s in self.segments if s.kind is SegmentKind.HEADING]


@dataclass(frozen=True, slots=True)
class Badge:
    """A badge of a page's front matter, Experience League's
    (``badgePremium: label="Premium" type="Positive" url=… tooltip=…``)."""

    label: str
    kind: str
    """Its colour: one of :data:`kb.ingest.exl.BADGE_TYPES`."""
    url: str = ""
    """Where the badge leads, as written (a link of the document); empty for none."""
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class NavNode:
    """One entry of a navigation tree (``TOC.md`` / ``toc.yml``)."""

    title: str
    """The entry's text."""
    href: str | None
    """The link target as written, or None for a group label."""
    children: tuple[NavNode, ...] = ()
    """Nested entries."""


@dataclass(frozen=True, slots=True)
class Navigation:
    """A parsed navigation file."""

    path: str
    """Path of the TOC file relative to the content root."""
    locale: str | None
    """Locale of the folder the TOC lives in, when the path names one."""
    items: tuple[NavNode, ...]
    """Top-level entries."""


@dataclass(frozen=True, slots=True)
class Redirect:
    """A ``redirect_url`` stub: a file that only says where its article moved. The site publishes a
    redirect for it; it is no document (not aligned, searched or checked)."""

    path: str
    """Source path relative to the content root, with ``/`` separators."""
    locale: str | None
    """From its metadata or its locale folder; None when neither says."""
    target: str
    """``redirect_url`` as written."""
    target_path: str | None = None
    """The content path of the document a relative target names, when the corpus has it (ingest
    resolves it as DocFX does, from where the stub is published)."""


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything ingest read from a content root."""

    root: str
    """The content root as given."""
    documents: tuple[Document, ...]
    """Parsed documents, sorted by path."""
    navigation: tuple[Navigation, ...]
    """Parsed navigation files, sorted by path."""
    problems: tuple[Problem, ...]
    """Problems found, sorted by path and line."""
    redirects: tuple[Redirect, ...] = ()
    """``redirect_url`` stubs, sorted by path."""
    resources: frozenset[str] = frozenset()
    """Files (not documents) the site may copy when a document refers to them: every file of the
    content folder that no ``docfx.json`` governs, and those a docset's resource or content groups take."""


@dataclass(frozen=True, slots=True)
class TopicMember:
    """A document's place in its topic."""

    document: Document
    """The member document."""
    evidence: Evidence
    """What tied it to the topic."""
    confidence: float
    """How sure alignment is, in [0, 1]."""
    slug: str = ""
    """The document's URL slug, unique within its locale: the topic's slug, or ``{topic}-{edition}``
    for a second edition of the topic in the same locale."""


@dataclass(slots=True)
class Topic:
    """All translations and editions of one article."""

    id: str
    """Stable id: the assetid when there is one, else a slug of the locale-root path."""
    slug: str
    """URL slug, unique across topics."""
    members: list[TopicMember] = field(default_factory=list)
    """Member documents with their evidence, sorted by locale then path."""

    @property
    def documents(self) -> list[Document]:
        return [m.document for m in self.members]

    @property
    def locales(self) -> list[str]:
        return sorted({m.document.locale for m in self.members})

    @property
    def editions(self) -> list[str]:
        return sorted({e for m in self.members for e in m.document.editions})

    @property
    def titles(self) -> dict[str, str]:
        """Per-locale titles (the first member's, for a locale with several editions)."""
        out: dict[str, str] = {}
        for m in self.members:
            out.setdefault(m.document.locale, m.document.title)
        return out

    @property
    def matrix(self) -> dict[tuple[str, str], Document]:
        """(locale, edition) → the document that serves it."""
        out: dict[tuple[str, str], Document] = {}
        for m in self.members:
            for edition in m.document.editions:
                out.setdefault((m.document.locale, edition), m.document)
        return out

    def document_for(self, locale: str, edition: str | None = None) -> Document | None:
        """The document of ``locale`` for ``edition`` (or the global one, or any)."""
        matrix = self.matrix
        if edition is not None:
            return matrix.get((locale, edition))
        for ed in ("global", *sorted({e for (_, e) in matrix})):
            if (locale, ed) in matrix:
                return matrix[(locale, ed)]
        return None

    @property
    def source(self) -> Document | None:
        """The newest version among the topic's locales (by hand-off date, then ``ms.date``)."""
        docs = self.documents
        if not docs:
            return None
        return max(docs, key=lambda d: (d.translation.handoff or "", d.translation.date or "", d.path))


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """A segment of one side of a comparison."""

    path: str
    """The document's path relative to the content root."""
    segment: str
    """The segment's structural path."""
    text: str
    """The segment's text."""
    index: int
    """Position of the segment in its document."""


@dataclass(frozen=True, slots=True)
class SegmentPair:
    """One step of a segment alignment; a side is None when the other side has no counterpart."""

    a: tuple[SegmentRef, ...]
    """Segments of the first document (empty for 0-1)."""
    b: tuple[SegmentRef, ...]
    """Segments of the second document (empty for 1-0)."""
    score: float
    """How good the match is, in [0, 1]; 0 for unmatched segments."""


@dataclass(slots=True)
class Alignment:
    """The topics of a corpus, and what alignment had to warn about."""

    topics: list[Topic]
    """Every topic, sorted by id."""
    warnings: list[str] = field(default_factory=list)
    """Human-readable warnings (e.g. an ``ms.assetid`` shared by two articles), naming the files."""

    def topic_of(self, path: str) -> Topic | None:
        """The topic holding the document at ``path``."""
        for topic in self.topics:
            if any(m.document.path == path for m in topic.members):
                return topic
        return None

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


class Severity(StrEnum):
    """How much a translation-check finding matters, from the most to the least serious."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a translator should look at, found by comparing the documents of a topic."""

    kind: str
    """What is wrong, one of :data:`kb.quality.context.KINDS` (``missing_segment``, ``stale``, …)."""
    severity: Severity
    """``error`` (a defect in the translation), ``warning`` (probably one) or ``info``."""
    topic: str
    """Id of the topic the document belongs to."""
    locale: str
    """Locale of the document the finding is about (for ``missing_translation``: the absent one)."""
    other_locale: str | None
    """Locale of the document it was compared with, or None."""
    path: str | None
    """Path of the document the finding is about, relative to the content root (None when absent)."""
    other_path: str | None
    """Path of the document it was compared with, or None."""
    segment: str | None
    """Structural path of the segment in ``path`` (None when the segment is missing there)."""
    other_segment: str | None
    """Structural path of the counterpart segment in ``other_path``, or None."""
    line: int | None
    """1-based line of ``segment`` in ``path``, when known."""
    message: str
    """What is wrong, in words a translator understands."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "severity": self.severity.value, "topic": self.topic, "locale": self.locale,
            "other_locale": self.other_locale, "path": self.path, "other_path": self.other_path,
            "segment": self.segment, "other_segment": self.other_segment, "line": self.line,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class FindingCounts:
    """What the translation status page shows of one document's findings. The site's workers send
    these back instead of the findings: at 100x the findings took hundreds of megabytes in the build
    process, which needs only these numbers of them."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    stale: bool = False
    """One of them is a ``stale`` finding."""
    kinds: tuple[str, ...] = ()
    """The kinds of its findings, each once, sorted (the status page filters by kind)."""

    def severities(self) -> tuple[int, int, int]:
        """(errors, warnings, info)."""
        return self.errors, self.warnings, self.infos
