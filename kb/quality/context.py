"""What every translation check reads and writes: the kinds and severities of findings, the options
of a run, the :class:`Context` (the topics and document pairs checked, segment alignments computed
once), the helpers that build a :class:`~kb.model.Finding`, and the look-up of the topics and locales
the options name (in the words of ``kb check`` and ``kb export``, whose options they are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kb import memos
from kb.align.blocks import Lexicon
from kb.align.resolve import By, ContentFolders, Refusal, TopicIndex, TopicLookup, UidIndex, content_locale
from kb.errors import InvalidParameter
from kb.ingest.render import page_anchors
from kb.model import Alignment, Corpus, Document, Finding, Segment, SegmentPair, Severity, Topic
from kb.quality.glossary import Glossary
from kb.quality.pairs import DocPair, Relation

KINDS: tuple[str, ...] = (
    "missing_translation",
    "stale",
    "machine_translated",
    "missing_segment",
    "extra_segment",
    "number_mismatch",
    "link_mismatch",
    "code_mismatch",
    "untranslated",
    "broken_link",
    "term_inconsistency",
    "malformed_markup",
    "garbled_text",
    "edition_difference",
    "alignment_uncertain",
    "check_failed",
)
"""Every kind of finding, in report order (the names used in JSON)."""

SEVERITY: dict[str, Severity] = {
    "missing_translation": Severity.WARNING,
    "stale": Severity.WARNING,
    "machine_translated": Severity.INFO,
    "missing_segment": Severity.ERROR,
    "extra_segment": Severity.ERROR,
    "number_mismatch": Severity.ERROR,
    "link_mismatch": Severity.ERROR,
    "code_mismatch": Severity.ERROR,
    "untranslated": Severity.ERROR,
    "broken_link": Severity.WARNING,
    "term_inconsistency": Severity.WARNING,
    "malformed_markup": Severity.WARNING,
    "garbled_text": Severity.WARNING,
    "edition_difference": Severity.INFO,
    "alignment_uncertain": Severity.INFO,
    "check_failed": Severity.WARNING,
}
"""The severity of each kind between two locales of one edition. Between two editions of one locale
content is expected to differ, so an error there is reported as a warning."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to check."""

    locales: tuple[str, ...] = ()
    """Report only findings about these locales (all when empty)."""
    topics: tuple[str, ...] = ()
    """Check only these topics, by id or slug (all when empty)."""
    source: str | None = None
    """The reference locale translations are compared with; None: the newest document of each edition."""
    glossary: Glossary | None = None
    """The terms ``term_inconsistency`` checks; None: mined from the corpus."""
    lexicon: Lexicon | None = None
    """A word-translation similarity the segment aligner counts as evidence for a pair across languages
    (``kb check --mined-lexicon`` / ``--lexicon``: the bilingual lexicon mined from the corpus, as search
    uses it); None: the aligner's own evidence only (structure, anchors, lengths)."""


@dataclass
class Context:
    """Everything the checks read; segment alignments are computed once, on first use."""

    corpus: Corpus
    alignment: Alignment
    topics: list[Topic]
    """The topics being checked (after ``--topic``)."""
    pairs: list[DocPair]
    """The document pairs being compared, in topic order."""
    options: CheckOptions
    _segment_pairs: dict[tuple[str, str], list[SegmentPair]] = field(default_factory=dict)
    _content: list[DocPair] | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    """Values derived from the whole corpus (its locales, its known paths), computed once and shared by
    the per-topic contexts of :class:`CorpusChecks`, so checking topic by topic stays linear."""

    @property
    def corpus_locales(self) -> list[str]:
        if "locales" not in self.shared:
            self.shared["locales"] = sorted({d.locale for d in self.corpus.documents})
        found: list[str] = self.shared["locales"]
        return found

    @property
    def known_paths(self) -> set[str]:
        """Lower-cased paths of every file of the corpus a link may name (documents, problems, TOCs)."""
        if "known" not in self.shared:
            c = self.corpus
            known = {d.path.lower() for d in c.documents}
            self.shared["known"] = known | {p.path.lower() for p in c.problems} | {n.path.lower() for n in c.navigation}
        found: set[str] = self.shared["known"]
        return found

    @property
    def content_folders(self) -> ContentFolders:
        """The content's folders: which links from the site's root name its own files."""
        if "folders" not in self.shared:
            self.shared["folders"] = ContentFolders(self.known_paths)
        found: ContentFolders = self.shared["folders"]
        return found

    def document_with_uid(self, uid: str) -> Document | None:
        """The document whose front matter has ``uid`` (as written, else in any letter case): an ``xref:``'s."""
        if "by_uid" not in self.shared:
            self.shared["by_uid"] = UidIndex(self.corpus.documents)
        found: Document | None = self.shared["by_uid"].get(uid)
        return found

    def document_at(self, path: str) -> Document | None:
        """The document at a lower-cased corpus path (None for a file that is not a document)."""
        if "by_path" not in self.shared:
            self.shared["by_path"] = {d.path.lower(): d for d in self.corpus.documents}
        found: Document | None = self.shared["by_path"].get(path)
        return found

    def anchors(self, doc: Document) -> frozenset[str]:
        """The fragments ``doc``'s page has an element for (:func:`kb.ingest.render.page_anchors`), once each."""
        known = self.shared.setdefault("anchors", {})
        if doc.path not in known:
            known[doc.path] = page_anchors(doc)
        found: frozenset[str] = known[doc.path]
        return found

    def segment_pairs(self, pair: DocPair) -> list[SegmentPair]:
        """The two documents' segments aligned, then re-synchronised (:func:`kb.align.blocks.resynchronise`)."""
        from kb.align.blocks import resynchronise

        key = (pair.a.path, pair.b.path)
        if key not in self._segment_pairs:
            self._segment_pairs[key] = resynchronise(aligned_segments(pair.a, pair.b, self.options.lexicon))
        return self._segment_pairs[key]

    @property
    def content_pairs(self) -> list[DocPair]:
        """The pairs whose segments are compared one by one: two locales of one edition, translated
        from the same source version, whose alignment is confident (see :func:`comparable`)."""
        if self._content is None:
            self._content = [p for p in self.pairs if comparable(self, p) is Comparison.SEGMENTS]
        return self._content

    @property
    def documents(self) -> Iterator[tuple[Topic, Document]]:
        for topic in self.topics:
            for doc in topic.documents:
                yield topic, doc


def aligned_segments(a: Document, b: Document, lexicon: Lexicon | None = None) -> list[SegmentPair]:
    """:func:`kb.align.segments.align_segments`, memoized by the two documents' files and bodies (and
    the lexicon, when one is given)."""
    from kb.align.segments import align_segments  # the aligner is only needed by segment checks

    key = ((a.path, a.content_hash, hash(a.packed)), (b.path, b.content_hash, hash(b.packed)), id(lexicon))
    memo = memos.mapping("segment-alignments")
    found: list[SegmentPair] | None = memo.get(key)
    if found is None:
        found = align_segments(a, b, lexicon)
        memo.add(key, found)
    return found


Check = Callable[[Context], Iterable[Finding]]

UNCERTAIN_BELOW = 0.75
"""An alignment pairing confidently less than this share of two documents' text is too uncertain to
report content differences: the document gets one ``alignment_uncertain`` instead."""


class Comparison(StrEnum):
    """How two documents of a pair are compared."""

    SEGMENTS = "segments"
    """Segment by segment: two locales of one edition and source version, confidently aligned."""
    EDITIONS = "editions"
    """Two editions of one locale: summarised as one ``edition_difference``."""
    VERSIONS = "versions"
    """Translated from different source versions: one ``stale``, nothing else."""
    UNCERTAIN = "uncertain"
    """The alignment is too uncertain: one ``alignment_uncertain``, nothing else."""


def different_versions(a: Document, b: Document) -> bool:
    """Whether two translations were made from different versions of the source: their source files'
    hashes (``ms.openlocfilehash``) differ. Source commits are no evidence: a file is the same in
    many commits."""
    ta, tb = a.translation, b.translation
    return bool(ta.source_hash and tb.source_hash and ta.source_hash != tb.source_hash)


def comparable(ctx: Context, pair: DocPair) -> Comparison:
    """Versions first: how ``pair`` is compared (see :class:`Comparison`)."""
    from kb.align.blocks import confidence

    if pair.relation is Relation.EDITION:
        return Comparison.EDITIONS
    if different_versions(pair.a, pair.b):
        return Comparison.VERSIONS
    if confidence(ctx.segment_pairs(pair)) < UNCERTAIN_BELOW or not shares_anchors(pair.a, pair.b):
        return Comparison.UNCERTAIN
    return Comparison.SEGMENTS


MIN_SHARED_ANCHORS = 0.2
"""Two documents with this small a share of their anchors (links, numbers, code, names) in common are
not translations of one text, whatever grouped them into a topic: their content is not compared."""
MIN_ANCHORS = 5
"""Fewer anchors than this on either side say nothing either way."""


def shares_anchors(a: Document, b: Document) -> bool:
    """Whether two documents could be one text: translated from the same source file's version
    (``ms.openlocfilehash``), or sharing enough anchors (see :func:`anchor_share`)."""
    if a.translation.source_hash and a.translation.source_hash == b.translation.source_hash:
        return True
    share = anchor_share(a, b)
    return share is None or share >= MIN_SHARED_ANCHORS


def anchor_share(a: Document, b: Document) -> float | None:
    """The share of their anchors two documents have in common (Jaccard), None when either has too
    few. Links, images, numbers and code are written alike in every translation; names (capitalised
    words) only count when those are too few, and then only to find the documents one text, never
    two: a page of steps capitalises the labels of the interface it names, and translates them
    (es **Guardar**, it **Salva**, fr **Enregistrer** for en **Save**)."""
    from kb.align.fingerprint import document_anchors

    xa = frozenset().union(*document_anchors(a))
    xb = frozenset().union(*document_anchors(b))
    written_alike = [frozenset(x for x in side if not x.startswith("w:")) for side in (xa, xb)]
    with_names = min(map(len, written_alike)) < MIN_ANCHORS
    if not with_names:
        xa, xb = written_alike
    if min(len(xa), len(xb)) < MIN_ANCHORS:
        return None
    share = len(xa & xb) / len(xa | xb)
    return None if with_names and share < MIN_SHARED_ANCHORS else share


def severity(kind: str, relation: Relation = Relation.LOCALE) -> Severity:
    sev = SEVERITY[kind]
    return Severity.WARNING if relation is Relation.EDITION and sev is Severity.ERROR else sev


def pair_finding(
    kind: str, pair: DocPair, message: str, seg: Segment | None = None, other: Segment | None = None
) -> Finding:
    """A finding about ``pair.b``, compared with ``pair.a``."""
    return Finding(
        kind=kind,
        severity=severity(kind, pair.relation),
        topic=pair.topic.id,
        locale=pair.b.locale,
        other_locale=pair.a.locale,
        path=pair.b.path,
        other_path=pair.a.path,
        segment=seg.path if seg else None,
        other_segment=other.path if other else None,
        line=seg.line if seg else None,
        message=message,
    )


def doc_finding(
    kind: str,
    topic: Topic,
    doc: Document,
    message: str,
    *,
    other: Document | None = None,
    seg: Segment | None = None,
    sev: Severity | None = None,
) -> Finding:
    """A finding about one document (``other`` optionally named beside it)."""
    return Finding(
        kind=kind,
        severity=sev or SEVERITY[kind],
        topic=topic.id,
        locale=doc.locale,
        other_locale=other.locale if other else None,
        path=doc.path,
        other_path=other.path if other else None,
        segment=seg.path if seg else None,
        other_segment=None,
        line=seg.line if seg else None,
        message=message,
    )


def quote(text: str, limit: int = 60) -> str:
    """A segment's text shortened for a message."""
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"


# --- the topics and locales the options name -----------------------------------------------------

OPTION_TOPIC = TopicLookup(
    steps=((By.SLUG,), (By.ID,), (By.SLUG_LOWERED,), (By.ID_LOWERED,)),
    unknown=Refusal(InvalidParameter, "--topic: no topic '{key}' in the content (give a topic id or slug)"),
)
"""``--topic`` of ``kb check`` and ``kb export``: an id or slug (a slug first), as given or lower-cased."""
OPTION_LOCALE = Refusal(InvalidParameter, "--locale: '{name}' is not a locale of the content ({have})")
"""A locale option (``--locale``, ``--source``, ``--target``) that names no locale of the content."""


def select_topics(alignment: Alignment, wanted: Sequence[str]) -> list[Topic]:
    """The topics named by id or slug (all when none is named); an unknown name is an error."""
    return TopicIndex(alignment.topics).select(wanted, OPTION_TOPIC)


def select_locales(corpus: Corpus, wanted: Sequence[str]) -> tuple[str, ...]:
    """Normalised locale tags; one that is not a locale of the corpus is an error."""
    present = sorted({d.locale for d in corpus.documents})
    return tuple(content_locale(name, present, OPTION_LOCALE) for name in wanted)
