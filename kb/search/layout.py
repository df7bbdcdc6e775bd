"""What a release's index folder holds, shared by its writer (:mod:`kb.search.index`) and its readers
(:mod:`kb.search.catalog`, :mod:`kb.search.release`): the names of its files, the catalog's data,
and which text of a document goes into which field.

The folder holds Whoosh's files, :data:`CATALOG` (the topics and light documents), :data:`VOCABULARY`
(the words "did you mean" draws from), :data:`LEXICON` (the bilingual lexicon) and the document store
(:data:`STORE` files of full documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb import urls
from kb.model import Alignment, Document, SegmentKind, Topic, TopicMember

CATALOG = "catalog.pickle"
CATALOG_VERSION = 3
VOCABULARY = "vocabulary.pickle"
"""``{word: number of documents}`` in word order: what "did you mean" draws its suggestions from.
Kept beside the Whoosh files rather than as a field of them: it was more than half of the index's
postings (every distinct word of every document), and Whoosh spent most of its time on them."""
LEXICON = "lexicon.pickle"
"""The release's bilingual lexicon (:mod:`kb.align.lexicon`): what a query's words are translated with."""
TEXT_FIELDS = ("title", "headings", "body")
"""The analysed fields of each language, as ``{name}_{analysis key}``; users prefix words with them."""


def field_name(name: str, key: str) -> str:
    return f"{name}_{key}"


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


@dataclass(frozen=True, slots=True)
class CatalogData:
    """What ``catalog.pickle`` holds: the release's topics with their documents *without their text*
    (see :func:`kb.search.index.light`), the URL base, and where each full document is in the document store.

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
(:func:`kb.search.index.document_key`)."""


def is_whoosh_file(name: str) -> bool:
    """Whether a file of an index folder is one of Whoosh's (not the catalog, vocabulary, lexicon or store)."""
    store = name.startswith("documents-") and name.endswith(".pickle")
    return name not in (CATALOG, VOCABULARY, LEXICON) and not store
