"""Looking up what a person names: a topic (by id, slug or a document's path), a locale of the
content, a topic's document for a comparison side (``pt-BR``, ``pt-BR:21vianet``, the site's
``pt-br-21vianet``), and the member of a topic that serves a locale.

The rules live here once; the words do not. The command line, the HTTP API and the translators'
checks name their inputs differently (``TOPIC`` and ``--locales``, the query parameters ``a`` and
``b``, ``--topic``) and answer errors with their own status and exit code, so each caller hands in its
:class:`Refusal` templates. Where callers accept different spellings (the API reads the site's
``pt-br-21vianet``, the CLI ignores white space around a name and finds a topic by a document's
path), the difference is a named switch of the caller's :class:`TopicLookup` or :class:`SideLookup`,
not a second implementation: those switches are every way the callers' rules differ.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from kb import locales
from kb.errors import KbError
from kb.model import ARTICLE_SUFFIXES, Document, Topic, TopicMember


@dataclass(frozen=True, slots=True)
class Refusal:
    """An error in a caller's words: its class (hence its HTTP status and CLI exit) and a message
    template, whose ``str.format`` fields are named where the refusal is used."""

    error: type[KbError]
    template: str

    def __call__(self, **fields: object) -> KbError:
        return self.error(self.template.format(**fields))


# --- topics --------------------------------------------------------------------------------------


class By(Enum):
    """A name a caller may give a topic by."""

    ID = "id"
    """The topic id, as given."""
    SLUG = "slug"
    """The topic's slug, as given."""
    ID_LOWERED = "id, from the name lower-cased"
    """The topic id, equal to the name lower-cased (ids from ``ms.assetid`` are lower case)."""
    SLUG_LOWERED = "slug, from the name lower-cased"
    """The topic's slug, equal to the name lower-cased."""
    PATH = "path"
    """The path of one of the topic's documents."""


@dataclass(frozen=True, slots=True)
class TopicLookup:
    """How a caller finds a topic by a name it was given, and what it says when none has it."""

    steps: tuple[tuple[By, ...], ...]
    """Tried in order; within a step the first topic (in alignment order) with any of its names wins.
    A slug may equal another topic's id, so which name wins is part of a caller's rule."""
    unknown: Refusal
    """No topic has the name: field ``{key}``, the name as given."""
    strip: bool = False
    """Ignore white space around the name (a shell argument), else take it as given (a URL's path)."""


_FIELD = {By.ID: "id", By.SLUG: "slug", By.ID_LOWERED: "id", By.SLUG_LOWERED: "slug", By.PATH: "path"}


class TopicIndex:
    """The topics of an alignment by id, slug and document path, each name to the first topic (in
    alignment order) having it, each table built at its first use and kept (a catalog keeps one index
    for the API's requests), so that a look-up costs no scan of the topics. The topics must not change
    after it is made."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = list(topics)
        self._positions: dict[str, dict[str, int]] = {}

    def find(self, name: str, lookup: TopicLookup) -> Topic:
        """The topic ``name`` names under ``lookup``'s rules, or its ``unknown`` refusal."""
        key = name.strip() if lookup.strip else name
        for step in lookup.steps:
            found = [n for by in step if (n := self._position(by, key)) is not None]
            if found:
                return self.topics[min(found)]
        raise lookup.unknown(key=name)

    def select(self, names: Sequence[str], lookup: TopicLookup) -> list[Topic]:
        """The topics ``names`` name, each once, in the order first named; every topic when none is."""
        if not names:
            return list(self.topics)
        out: list[Topic] = []
        for name in names:
            topic = self.find(name, lookup)
            if topic not in out:
                out.append(topic)
        return out

    def _position(self, by: By, key: str) -> int | None:
        field = _FIELD[by]
        positions = self._positions.get(field)
        if positions is None:
            positions = self._positions[field] = {}
            for n, topic in enumerate(self.topics):
                for value in _names(topic, field):
                    positions.setdefault(value, n)
        return positions.get(key.lower() if by in (By.ID_LOWERED, By.SLUG_LOWERED) else key)


def _names(topic: Topic, field: str) -> list[str]:
    if field == "path":
        return [m.document.path for m in topic.members]
    return [topic.id if field == "id" else topic.slug]


# --- locales of the content ----------------------------------------------------------------------


def content_locale(name: str, present: Sequence[str], unknown: Refusal) -> str:
    """``name`` as one of the content's locales ``present`` (``pt-br``, ``PT_BR`` and ``pt`` are
    ``pt-BR``), or ``unknown`` with fields ``{name}`` (as given) and ``{have}`` (``present``, listed).
    ``present`` holds normalised tags, as every locale the reader gives a document is."""
    tag = locales.normalize(name)
    if tag is None or tag not in present:
        raise unknown(name=name, have=", ".join(present))
    return tag


def edition_name(value: str | None, strip: bool = False) -> str | None:
    """An edition as the model spells it (lower case), or None for none given."""
    text = value or ""
    return (text.strip() if strip else text).lower() or None


# --- the sides of a comparison -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SideLookup:
    """How a caller reads a comparison side (a locale, with its edition or not), and what it says when
    the side names no document. Every refusal has the fields ``{parameter}`` (the caller's name for the
    side), ``{topic}`` (its id) and ``{locales}`` (the topic's locales, listed)."""

    not_a_locale: Refusal
    """The side is no locale tag; also ``{tag}``, as given."""
    no_locale: Refusal
    """The topic has no document in the locale; also ``{tag}`` and ``{locale}`` (normalised)."""
    no_edition: Refusal
    """The locale has no document of the edition; also ``{locale}``, ``{edition}`` and ``{editions}``
    (the locale's editions, listed)."""
    missing: Refusal | None = None
    """No side was given (None: an empty side is read as any other, and is no locale)."""
    strip: bool = False
    """Ignore white space around the side and its edition (a shell argument split at commas)."""
    site_keys: bool = False
    """Also read the site's compare-page spelling, :func:`side_key` (``pt-br-21vianet``)."""


def side(topic: Topic, spec: str | None, edition: str | None, parameter: str, lookup: SideLookup) -> Document:
    """The document of ``topic`` that a comparison side names: ``pt-BR`` or ``pt-BR:21vianet`` (a locale,
    with its edition or else ``edition``, or else the main edition the topic has there)."""
    fields = {"parameter": parameter, "topic": topic.id, "locales": ", ".join(topic.locales)}
    if not spec and lookup.missing is not None:
        raise lookup.missing(**fields)
    text = spec or ""
    tag, _, own_edition = (text.strip() if lookup.strip else text).partition(":")
    locale = locales.normalize(tag)
    if locale not in topic.locales and not own_edition and lookup.site_keys:
        locale, own_edition = read_side_key(topic, tag) or (locale, own_edition)
    if locale is None:
        raise lookup.not_a_locale(tag=tag, **fields)
    if locale not in topic.locales:
        raise lookup.no_locale(tag=tag, locale=locale, **fields)
    wanted = edition_name(own_edition or edition, lookup.strip)
    doc = topic.document_for(locale, wanted)
    if doc is None:
        have = ", ".join(sorted(e for (loc, e) in topic.matrix if loc == locale))
        raise lookup.no_edition(locale=locale, edition=wanted, editions=have, **fields)
    return doc


def side_key(topic: Topic, member: TopicMember) -> str:
    """A compare side as the site spells it: ``pt-br`` for the locale's main member, ``pt-br-21vianet``
    for another edition (the compare pages' URLs, which :func:`read_side_key` reads back)."""
    loc = member.document.locale.lower()
    if member.slug == topic.slug:
        return loc
    return f"{loc}-{member.document.editions[0]}"


def read_side_key(topic: Topic, key: str) -> tuple[str, str] | None:
    """(locale, edition) of a :func:`side_key` with an edition (``pt-br-21vianet``), or None."""
    found = None
    for loc in topic.locales:  # the last match, as ever (two would need a locale tag plus "-" to start another)
        if key.lower().startswith(loc.lower() + "-"):
            found = loc, key[len(loc) + 1 :]
    return found


@dataclass(frozen=True, slots=True)
class ComparisonLookup:
    """How a caller names the two sides of a comparison (``kb compare``'s ``--locales`` and
    ``--edition``), and what it says when they do not name two documents."""

    sides: SideLookup
    locales: str
    """The parameter naming the sides (``--locales``)."""
    editions: str
    """The parameter naming their editions (``--edition``)."""
    too_many: Refusal
    """More than two sides or editions (no fields)."""
    one_document: Refusal
    """One locale named, which has one document: ``{topic}``, ``{locale}``, ``{path}``."""
    same_document: Refusal
    """Both sides are one document: ``{path}``."""


def comparison_sides(
    topic: Topic, specs: Sequence[str], edition: str | None, lookup: ComparisonLookup
) -> tuple[Document, Document]:
    """The two documents a comparison aligns. ``specs`` names up to two sides (``pt-BR`` or
    ``pt-BR:21vianet``; default: the topic's first two locales); ``edition`` is one edition for both
    sides, or two (``global,21vianet``), one a side. One locale alone compares two of its editions."""
    editions = [e.strip() for e in (edition or "").split(",") if e.strip()]
    if len(editions) > 2 or len(specs) > 2:
        raise lookup.too_many()
    sides = list(specs) or topic.locales[:2]
    ed_a = editions[0] if editions else None
    ed_b = editions[-1] if editions else None
    a = side(topic, sides[0], ed_a, lookup.locales, lookup.sides)
    if len(sides) == 2:
        b = side(topic, sides[1], ed_b, lookup.locales, lookup.sides)
    elif len(editions) == 2:
        b = side(topic, a.locale, ed_b, lookup.editions, lookup.sides)
    else:
        others = [m.document for m in topic.members if m.document.locale == a.locale and m.document is not a]
        if not others:
            raise lookup.one_document(topic=topic.id, locale=a.locale, path=a.path)
        b = others[0]
    if a is b:
        raise lookup.same_document(path=a.path)
    return a, b


# --- the member that serves a locale -------------------------------------------------------------


def serving_member(
    topic: Topic, locale: str, editions: Sequence[str] = (), prefer: Document | None = None
) -> TopicMember | None:
    """The member of ``topic`` that serves ``locale``, sharing an edition with ``editions`` if one
    does (``prefer`` first), else the locale's main member: where the site links a reader who reads
    ``locale`` (language switcher, hreflang alternates, links between articles)."""
    members = [m for m in topic.members if m.document.locale == locale]
    if not members:
        return None
    wanted = set(editions)
    ranked = sorted(
        members,
        key=lambda m: (
            not (wanted & set(m.document.editions)),
            m.document is not prefer,
            m.slug != topic.slug,
            m.document.path,
        ),
    )
    return ranked[0]


class UidIndex:
    """Documents by their front-matter ``uid``, what DocFX's ``xref:UID`` names: as written first, then in any
    letter case (the first document with a uid keeps it); and by ``ms.assetid`` as ``assetid:GUID``, what a
    legacy ``assetId:///GUID`` link names (:func:`kb.ingest.docfx.asset_key`; a topic's translations share
    it, and the link lands on the reader's). The site and the checks resolve cross references through one of
    these."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._by_uid: dict[str, Document] = {}
        for doc in documents:
            if doc.uid:
                self._by_uid.setdefault(doc.uid, doc)
                self._by_uid.setdefault(doc.uid.lower(), doc)
            if doc.assetid:
                self._by_uid.setdefault(f"assetid:{doc.assetid}", doc)

    def get(self, uid: str) -> Document | None:
        return self._by_uid.get(uid) or self._by_uid.get(uid.lower())


class ContentFolders:
    """The folders of the content's files. A link from the site's root written as a file (``.md``, ``.yml``)
    that the corpus cannot resolve names a file of this repository when its first folder is one of the
    content's, below the linking page's folder or one above it up to its locale folder: Adobe's docsets link
    their own files so (``/help/components/x.md`` beside ``es-es/help/``), Teams' from their docset's folder
    (``/concepts/x.md`` in ``ru-ru/msteams-platform/tabs/``), and ``/x.md`` is a file of a root, never a
    docset's page. Any other names a page of the publisher's site (``/azure/…``,
    ``/dynamics365/financials/x.md``, an address as Learn publishes it: ``/sccm/core/x``). The site shows the
    first missing and links the second on ``--link-base``; the checks report the first."""

    def __init__(self, paths: Iterable[str]) -> None:
        folders: set[str] = set()
        for path in paths:
            parts = path.lower().split("/")[:-1]
            folders.update("/".join(parts[: n + 1]) for n in range(len(parts)))
        self._folders = frozenset(folders)

    def names_content(self, doc_path: str, site_path: str) -> bool:
        """Whether ``site_path`` (``/help/a.md``, ``/pt-br/help/a.md``), linked from ``doc_path``, names a
        file of the content."""
        parts = [p for p in site_path.lower().split("/") if p]
        if parts and locales.is_locale_folder(parts[0]):
            parts = parts[1:]
        if not parts or not parts[-1].endswith(ARTICLE_SUFFIXES):
            return False  # an address as Learn publishes it (/sccm/core/x, /azure/key-vault): the site's to serve
        if len(parts) == 1:
            return True
        doc = doc_path.lower()
        root = locales.locale_root(doc)
        folder = posixpath.dirname(doc)
        while True:
            if posixpath.join(folder, parts[0]) in self._folders:
                return True
            if len(folder) <= len(root):
                return False
            folder = posixpath.dirname(folder)
