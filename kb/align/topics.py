"""Alignment: group the translations and editions of each article into a topic.

Evidence is taken in order, each stage working on what the previous ones left:

a. ``ms.assetid`` (case-insensitive). A group that would hold two documents of one locale and edition
   is a wrong assetid shared by different articles: it is split by path, with a warning naming the files.
b. The same path relative to the locale root (``pt-br/x.md`` and ``ru-ru/x.md``).
c. An edition variant by file-name convention (``Archive/China-x.md`` is the 21Vianet edition of
   ``partner-center/x.md``), confirmed by content.
d. Content alone, for documents that neither metadata nor paths tied to anything: first translations
   (documents sharing an edition, in different locales), then edition variants. Groups merge greedily,
   best-scoring first, while they stay compatible (never two documents of one locale and edition).

Content scores come from :class:`kb.align.similarity.ContentIndex`, built only when a stage needs it.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from anyascii import anyascii

from kb import urls
from kb.align import fingerprint
from kb.align.similarity import ContentIndex
from kb.model import Alignment, Document, Evidence, Topic, TopicMember

PATH_CONFIDENCE = 0.95
"""Confidence of a document tied by its path: locale folders are reliable, but written by hand."""
VARIANT_MIN_SCORE = 0.05
"""Content score below which an edition variant by file name is refused: the two share nothing."""
TRANSLATION_MIN_SCORE = 0.15
"""Content score two groups in different locales need to be merged as translations."""
EDITION_MIN_SCORE = 0.28
"""Content score two groups of different editions need to be merged as edition variants."""
CONFIDENT_SCORE = 0.5
"""Content score at which a content link is certain (confidence 1)."""

MAIN_EDITION = "global"
"""The edition other editions are variants of."""

# File-name conventions for edition variants: (pattern on the locale-root path, the main edition's path).
# A suffix of the section folder carries over (``Archive-2/China-x.md`` → ``partner-center-2/x.md``).
VARIANT_CONVENTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?P<dir>(?:.*/)?)archive(?P<suffix>[^/]*)/china-(?P<name>[^/]+)$"),
        "{dir}partner-center{suffix}/{name}",
    ),
)

_OPEN = (Evidence.SINGLETON, Evidence.CONTENT)


@dataclass(slots=True)
class _Member:
    doc: Document
    evidence: Evidence
    confidence: float


@dataclass(slots=True)
class _Group:
    """A topic in the making."""

    members: list[_Member]
    assetid: str | None = None
    """The ``ms.assetid`` that made the group (None for groups split out of a collision)."""
    cells: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.cells = {cell for m in self.members for cell in _cells(m.doc)}

    def accepts(self, doc: Document) -> bool:
        return not (self.cells & _cells(doc))

    def compatible(self, other: _Group) -> bool:
        return not (self.cells & other.cells)

    def add(self, member: _Member) -> None:
        self.members.append(member)
        self.cells |= _cells(member.doc)

    @property
    def editions(self) -> set[str]:
        return {e for _, e in self.cells}

    @property
    def is_open(self) -> bool:
        """True when content, not metadata or paths, tied some member here (so content may add more)."""
        return any(m.evidence in _OPEN for m in self.members)


def _cells(doc: Document) -> set[tuple[str, str]]:
    return {(doc.locale, e) for e in doc.editions}


def _key(doc: Document) -> str:
    return doc.locale_root_path.lower()


def _conflicting(docs: Sequence[Document]) -> bool:
    seen: set[tuple[str, str]] = set()
    for d in docs:
        cells = _cells(d)
        if seen & cells:
            return True
        seen |= cells
    return False


def _partition(docs: Sequence[Document]) -> list[list[Document]]:
    """Compatible sub-groups, first fit in path order (only for inputs that hold duplicates)."""
    parts: list[tuple[set[tuple[str, str]], list[Document]]] = []
    for d in sorted(docs, key=lambda x: x.path):
        for cells, part in parts:
            if not cells & _cells(d):
                part.append(d)
                cells |= _cells(d)
                break
        else:
            parts.append((set(_cells(d)), [d]))
    return [part for _, part in parts]


# --- a. ms.assetid -------------------------------------------------------------------------------


def _by_assetid(
    docs: Sequence[Document], warnings: list[str]
) -> tuple[list[_Group], list[Document], set[str]]:
    """Groups of documents sharing an assetid (split when they collide), the documents left, and the
    assetids that collided (they name no topic any more)."""
    by_id: dict[str, list[Document]] = defaultdict(list)
    loose: list[Document] = []
    for d in docs:
        (by_id[d.assetid] if d.assetid else loose).append(d)
    groups: list[_Group] = []
    collided: set[str] = set()
    for assetid, members in sorted(by_id.items()):
        if len(members) == 1:
            loose.append(members[0])
        elif not _conflicting(members):
            groups.append(_Group([_Member(d, Evidence.ASSETID, 1.0) for d in members], assetid))
        else:
            collided.add(assetid)
            by_path: dict[str, list[Document]] = defaultdict(list)
            for d in members:
                by_path[_key(d)].append(d)
            parts = [part for same in by_path.values() for part in _partition(same)]
            warnings.append(
                f"ms.assetid {assetid} is shared by different articles; split by path into "
                f"{len(parts)} topics: " + "; ".join(", ".join(d.path for d in part) for part in parts)
            )
            for part in parts:
                if len(part) == 1:
                    loose.append(part[0])
                else:
                    groups.append(_Group([_Member(d, Evidence.PATH, PATH_CONFIDENCE) for d in part]))
    return groups, loose, collided


# --- b. the path relative to the locale root ------------------------------------------------------


def _assetid(docs: Sequence[Document], collided: set[str]) -> str | None:
    """The assetid that names a group formed by path: one its members carry, unless it collided."""
    ids = {d.assetid for d in docs if d.assetid and d.assetid not in collided}
    return min(ids) if ids else None


def _by_path(groups: list[_Group], loose: Sequence[Document], collided: set[str]) -> list[_Group]:
    """Documents left by stage a join the group holding their path, or group by path among themselves."""
    holders: dict[str, list[_Group]] = defaultdict(list)
    for g in groups:
        for key in {_key(m.doc) for m in g.members}:
            holders[key].append(g)
    rest: dict[str, list[Document]] = defaultdict(list)
    for d in sorted(loose, key=lambda x: x.path):
        targets = holders.get(_key(d), [])
        if len(targets) == 1 and targets[0].accepts(d):
            targets[0].add(_Member(d, Evidence.PATH, PATH_CONFIDENCE))
        else:
            rest[_key(d)].append(d)
    for _, docs in sorted(rest.items()):
        for part in _partition(docs):
            if len(part) == 1:
                groups.append(_Group([_Member(part[0], Evidence.SINGLETON, 1.0)], _assetid(part, collided)))
            else:
                members = [_Member(d, Evidence.PATH, PATH_CONFIDENCE) for d in part]
                groups.append(_Group(members, _assetid(part, collided)))
    return groups


# --- c. edition variants by file name -------------------------------------------------------------


def name_key(path: str) -> str:
    """A locale-root path as file-name conventions compare it: lower case, runs of ``-`` and ``_``
    as one ``-`` (``non-payment--fraud--or-misuse.md`` is ``non-payment-fraud-or-misuse.md``)."""
    return re.sub(r"[-_]+", "-", path.lower())


def variant_target(path: str) -> str | None:
    """The :func:`name_key` of the main edition that the locale-root ``path`` is a variant of, if any
    (``Archive/China-x.md`` → ``partner-center/x.md``)."""
    key = name_key(path)
    for pattern, template in VARIANT_CONVENTIONS:
        m = pattern.match(key)
        if m:
            return template.format(**m.groupdict())
    return None


def _by_variant_name(groups: list[_Group], index: _LazyIndex, warnings: list[str]) -> list[_Group]:
    holder: dict[str, int] = {}
    for n, g in enumerate(groups):
        for m in g.members:
            holder.setdefault(name_key(m.doc.locale_root_path), n)
    merged_into: dict[int, int] = {}
    for n, g in enumerate(groups):
        keys = {key for m in g.members if (key := variant_target(m.doc.locale_root_path))}
        targets = {holder[key] for key in keys if key in holder} - {n}
        if len(targets) != 1:
            continue
        (t,) = targets
        while t in merged_into:
            t = merged_into[t]
        main = groups[t]
        if t == n or not main.compatible(g):
            continue
        score = index.get().link(g, main)
        if score < VARIANT_MIN_SCORE:
            warnings.append(
                "file names make "
                + ", ".join(m.doc.path for m in g.members)
                + " an edition of "
                + ", ".join(m.doc.path for m in main.members)
                + f", but their content differs (score {score:.2f}): "
                "kept as a separate topic"
            )
            continue
        confidence = round(0.5 + 0.5 * _confidence(score), 3)
        for m in g.members:
            main.add(_Member(m.doc, Evidence.EDITION_VARIANT, confidence))
        merged_into[n] = t
    return [g for n, g in enumerate(groups) if n not in merged_into]


# --- d. content ----------------------------------------------------------------------------------


class _LazyIndex:
    """The content index of the corpus, built on first use (most corpora never need it)."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = docs
        self._index: _Linker | None = None

    def get(self) -> _Linker:
        if self._index is None:
            self._index = _Linker(ContentIndex(self.docs))
        return self._index


class _Linker:
    """Scores between groups: for each document, its best score with the other group; averaged."""

    def __init__(self, index: ContentIndex) -> None:
        self.index = index
        self.position = {id(d): i for i, d in enumerate(index.docs)}
        self._scores: dict[tuple[int, int], float] = {}

    def score(self, a: Document, b: Document) -> float:
        i, j = self.position[id(a)], self.position[id(b)]
        key = (i, j) if i < j else (j, i)
        hit = self._scores.get(key)
        if hit is None:
            hit = self._scores[key] = self.index.score(i, j)
        return hit

    def link(self, g: _Group, h: _Group) -> float:
        """How well two groups fit: each member's best score in the other group, averaged over the
        members of both."""
        best_g = [max(self.score(x.doc, y.doc) for y in h.members) for x in g.members]
        best_h = [max(self.score(x.doc, y.doc) for x in g.members) for y in h.members]
        return (sum(best_g) + sum(best_h)) / (len(best_g) + len(best_h))

    def neighbours(self, doc: Document) -> list[Document]:
        return [self.index.docs[j] for j in self.index.candidates(self.position[id(doc)])]


def _by_content(groups: list[_Group], index: _LazyIndex) -> list[_Group]:
    if not any(g.is_open for g in groups):
        return groups
    linker = index.get()
    alive = dict(enumerate(groups))
    _merge_greedily(alive, linker, translations=True)
    _merge_greedily(alive, linker, translations=False)
    return [alive[n] for n in sorted(alive)]


def _mergeable(g: _Group, h: _Group, translations: bool) -> bool:
    """Translations share an edition; an edition variant joins a topic of the main (global) edition:
    two articles for two national clouds are different articles, however alike."""
    if not (g.is_open or h.is_open) or not g.compatible(h):
        return False
    if translations:
        return bool(g.editions & h.editions)
    return not (g.editions & h.editions) and (MAIN_EDITION in g.editions) != (MAIN_EDITION in h.editions)


def _merge_greedily(alive: dict[int, _Group], linker: _Linker, *, translations: bool) -> None:
    """Merge the best-scoring mergeable pair of groups first, until no pair reaches the threshold."""
    threshold = TRANSLATION_MIN_SCORE if translations else EDITION_MIN_SCORE
    group_of = {id(m.doc): n for n, g in alive.items() for m in g.members}
    version = dict.fromkeys(alive, 0)
    heap: list[tuple[float, int, int, int, int]] = []

    def push_pairs(n: int) -> None:
        g = alive[n]
        if not g.is_open:
            return
        near = {group_of[id(d)] for m in g.members for d in linker.neighbours(m.doc)} - {n}
        for k in sorted(near):
            h = alive[k]
            if _mergeable(g, h, translations):
                score = linker.link(g, h)
                if score >= threshold:
                    lo, hi = min(n, k), max(n, k)
                    heapq.heappush(heap, (-score, lo, hi, version[lo], version[hi]))

    for n in sorted(alive):
        push_pairs(n)
    while heap:
        negative, n, k, vn, vk = heapq.heappop(heap)
        if n not in alive or k not in alive or version[n] != vn or version[k] != vk:
            continue
        g, h = alive[n], alive[k]
        if not _mergeable(g, h, translations):
            continue
        del alive[k]
        confidence = _confidence(-negative)
        for m in g.members + h.members:
            if m.evidence is Evidence.SINGLETON:
                m.evidence, m.confidence = Evidence.CONTENT, confidence
        for m in h.members:
            g.add(m)
            group_of[id(m.doc)] = n
        version[n] += 1
        push_pairs(n)


def _confidence(score: float) -> float:
    return round(min(1.0, max(0.0, score / CONFIDENT_SCORE)), 3)


# --- topics --------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """A URL segment of ``text``: ASCII letters and digits joined by ``-``, other scripts transliterated
    (``ação`` → ``acao``, ``настройка`` → ``nastroyka``): dropped, they left ``a-o`` and, for a file or
    title with no Latin letter, only ``topic-2``."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")


def _stem(doc: Document) -> str:
    return _slug(str(PurePosixPath(doc.locale_root_path).with_suffix("")))


def _topic_id(g: _Group, members: list[_Member]) -> str:
    if g.assetid:
        return g.assetid
    main = min(members, key=lambda m: ("global" not in m.doc.editions, m.doc.path))
    return _stem(main.doc) or "topic"


_DEFAULT_PAGES = frozenset({"index", "readme", "default"})


def _uid_slug(uid: str) -> str:
    """A slug of a DocFX uid, as Learn's address ends (``security/authentication/certauth`` → ``certauth``;
    a folder's default page by its folder: ``security/authentication/index`` → ``authentication``)."""
    parts = [p for p in uid.split("/") if p]
    while len(parts) > 1 and parts[-1].lower() in _DEFAULT_PAGES:
        parts.pop()
    return _slug(parts[-1]) if parts else ""


def _preferred_slug(members: list[_Member]) -> str | None:
    """The topic's slug, independent of file names where possible: the uid most translations share
    (what DocFX's cross references name, and the end of Learn's address), else the ``<a name>`` anchor
    of the title that most translations share (the main edition's first), else a file name shared by
    several locales (a folder's default page, ``tutorials/grid/index.yml``, by its folder's name, as
    Learn's address ends), else a slug of a title in Latin script. (A title's anchor is its English heading,
    which can be as generic as "Overview" where the uid says ``certauth``.)"""
    uids = Counter(_uid_slug(m.doc.uid) for m in members if m.doc.uid)
    uids.pop("", None)
    if uids:
        return max(uids.items(), key=lambda kv: (kv[1], kv[0]))[0]
    votes: Counter[tuple[bool, str]] = Counter()
    for m in members:
        anchor = fingerprint.h1_anchor(m.doc)
        if anchor and _slug(anchor):
            votes[("global" in m.doc.editions, _slug(anchor))] += 1
    if votes:
        return min(votes.items(), key=lambda kv: (not kv[0][0], -kv[1], kv[0][1]))[0][1]
    stems = Counter(_uid_slug(str(PurePosixPath(m.doc.locale_root_path).with_suffix(""))) for m in members)
    stem, count = max(stems.items(), key=lambda kv: (kv[1], kv[0]))
    if count > 1 and _slug(stem):
        return _slug(stem)
    for m in sorted(members, key=lambda m: ("global" not in m.doc.editions, m.doc.path)):
        title = re.split(r"\s[|(]", m.doc.title, maxsplit=1)[0]
        if _slug(title):
            return _slug(title)
    return None


def _topics(groups: list[_Group]) -> list[Topic]:
    drafts = []
    for g in groups:
        members = sorted(g.members, key=lambda m: (m.doc.locale, m.doc.path))
        drafts.append((g, members, _topic_id(g, members)))
    # Larger topics choose first, so an article keeps its slug over a stray copy of its title page.
    drafts.sort(key=lambda d: (-len(d[1]), d[2]))
    ids: set[str] = set()
    slugs: set[str] = set(urls.RESERVED_SLUGS)  # the site's own folders below a locale (kb.urls)
    topics = []
    for _, members, topic_id in drafts:
        topic_id = _unique(topic_id, ids, _stem(members[0].doc))
        slug = _unique(_preferred_slug(members) or _slug(topic_id) or "topic", slugs, _stem(members[0].doc))
        topic = Topic(id=topic_id, slug=slug)
        topic.members = assign_slugs(slug, [TopicMember(m.doc, m.evidence, m.confidence) for m in members])
        topics.append(topic)
    _unique_member_slugs(topics)
    topics.sort(key=lambda t: t.id)
    return topics


def _unique(wanted: str, taken: set[str], hint: str) -> str:
    """``wanted``, or ``wanted-hint``, or ``wanted-2``, … whichever is free first; then taken."""
    candidates = [wanted] + ([f"{wanted}-{hint}"] if hint and hint != wanted else [])
    choice = next((c for c in candidates if c not in taken), None)
    n = 2
    while choice is None:
        choice = f"{wanted}-{n}" if f"{wanted}-{n}" not in taken else None
        n += 1
    taken.add(choice)
    return choice


def _unique_member_slugs(topics: list[Topic]) -> None:
    """A second edition's ``{topic}-{edition}`` slug could meet another topic's slug in a locale."""
    taken: set[tuple[str, str]] = {
        (m.document.locale, m.slug) for t in topics for m in t.members if m.slug == t.slug
    }
    for topic in topics:
        for n, m in enumerate(topic.members):
            if m.slug == topic.slug:
                continue
            slug = m.slug
            k = 2
            while (m.document.locale, slug) in taken:
                slug, k = f"{m.slug}-{k}", k + 1
            taken.add((m.document.locale, slug))
            if slug != m.slug:
                topic.members[n] = TopicMember(m.document, m.evidence, m.confidence, slug)


def align(documents: Sequence[Document]) -> Alignment:
    """Group ``documents`` into topics, with the evidence of each membership and warnings."""
    docs = sorted(documents, key=lambda d: d.path)
    warnings: list[str] = []
    index = _LazyIndex(docs)
    groups, loose, collided = _by_assetid(docs, warnings)
    groups = _by_path(groups, loose, collided)
    groups = _by_variant_name(groups, index, warnings)
    groups = _by_content(groups, index)
    return Alignment(_topics(groups), warnings)


def assign_slugs(topic_slug: str, members: list[TopicMember]) -> list[TopicMember]:
    """Give each member its URL slug: the topic's for the main edition of a locale, else
    ``{topic}-{edition}``, so every (locale, slug) names one document."""
    by_locale: dict[str, list[TopicMember]] = defaultdict(list)
    for m in members:
        by_locale[m.document.locale].append(m)
    out = []
    for m in members:
        siblings = by_locale[m.document.locale]
        main = next((s for s in siblings if "global" in s.document.editions), siblings[0])
        slug = topic_slug if m is main else f"{topic_slug}-{m.document.editions[0]}"
        out.append(TopicMember(m.document, m.evidence, m.confidence, slug))
    return out
