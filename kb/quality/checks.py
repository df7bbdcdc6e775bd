"""Translation checks: compare the documents of each topic and report what a translator should fix.

Two documents are compared when they are either one edition of a topic in two locales (each locale
against the edition's *reference* document: ``--source`` when given, else the newest by hand-off date)
or two editions of a topic in one locale (each edition against the locale's main, ``global``, one).

Every check is a small function of a :class:`Context` in the ordered list :data:`CHECKS`;
:func:`check_corpus` runs them all and is what the CLI and the site call.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit

from kb import locales, memos
from kb.errors import InvalidParameter
from kb.ingest.detection import DETECT_LANGUAGES, MIN_DETECT_CONFIDENCE, URL, detected_language
from kb.model import (
    Alignment,
    Corpus,
    Document,
    Finding,
    FindingCounts,
    Segment,
    SegmentKind,
    SegmentPair,
    Severity,
    Topic,
)
from kb.quality.glossary import Glossary
from kb.quality.term_check import inconsistencies
from kb.quality.term_mining import mine

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
}
"""The severity of each kind between two locales of one edition. Between two editions of one locale
content is expected to differ, so an error there is reported as a warning."""


class Relation(StrEnum):
    """What a compared pair of documents is."""

    LOCALE = "locale"
    """One edition of the topic in two locales: a translation and its reference."""
    EDITION = "edition"
    """Two editions of the topic in one locale (``global`` and ``21vianet``)."""


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


@dataclass(frozen=True, slots=True)
class DocPair:
    """Two documents of a topic that should say the same thing."""

    topic: Topic
    """The topic both belong to."""
    a: Document
    """The reference: the edition's reference locale, or the locale's main edition."""
    b: Document
    """The document checked against it."""
    relation: Relation
    """Two locales of one edition, or two editions of one locale."""


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

    def segment_pairs(self, pair: DocPair) -> list[SegmentPair]:
        key = (pair.a.path, pair.b.path)
        if key not in self._segment_pairs:
            self._segment_pairs[key] = aligned_segments(pair.a, pair.b)
        return self._segment_pairs[key]

    @property
    def documents(self) -> Iterator[tuple[Topic, Document]]:
        for topic in self.topics:
            for doc in topic.documents:
                yield topic, doc


def aligned_segments(a: Document, b: Document) -> list[SegmentPair]:
    """:func:`kb.align.segments.align_segments`, memoized by the two documents' files and bodies."""
    from kb.align.segments import align_segments  # the aligner is only needed by segment checks

    key = ((a.path, a.content_hash, hash(a.packed)), (b.path, b.content_hash, hash(b.packed)))
    memo = memos.mapping("segment-alignments")
    found: list[SegmentPair] | None = memo.get(key)
    if found is None:
        found = align_segments(a, b)
        memo.add(key, found)
    return found


Check = Callable[[Context], Iterable[Finding]]


# --- pairs ---------------------------------------------------------------------------------------


def edition_of(doc: Document) -> str:
    """The edition a document is compared within: its first (``global`` before the others)."""
    return doc.editions[0] if doc.editions else "global"


def edition_groups(topic: Topic) -> dict[str, dict[str, Document]]:
    """edition → locale → document (the first, when a locale has two for one edition)."""
    groups: dict[str, dict[str, Document]] = defaultdict(dict)
    for doc in topic.documents:
        groups[edition_of(doc)].setdefault(doc.locale, doc)
    return dict(groups)


def _freshness(doc: Document) -> tuple[str, str]:
    return doc.translation.handoff or "", doc.translation.date or ""


def reference(docs: dict[str, Document], source: str | None = None) -> Document:
    """The document the others of an edition are compared with: ``source``'s when present, else the
    newest (hand-off date, then ``ms.date``), the first locale alphabetically among equals."""
    if source is not None and source in docs:
        return docs[source]
    ordered = [docs[loc] for loc in sorted(docs)]
    return max(ordered, key=_freshness)  # max keeps the first of equals


def main_edition(docs: Sequence[Document]) -> Document:
    return next((d for d in docs if "global" in d.editions), docs[0])


def document_pairs(topic: Topic, source: str | None = None) -> list[DocPair]:
    """Every pair of documents of ``topic`` to compare (see the module docstring)."""
    pairs: list[DocPair] = []
    for _, docs in sorted(edition_groups(topic).items()):
        ref = reference(docs, source)
        pairs += [DocPair(topic, ref, d, Relation.LOCALE) for loc, d in sorted(docs.items()) if d is not ref]
    by_locale: dict[str, list[Document]] = defaultdict(list)
    for doc in topic.documents:
        by_locale[doc.locale].append(doc)
    for _, same_locale in sorted(by_locale.items()):
        main = main_edition(same_locale)
        # two documents of one locale and edition are not variants of each other: nothing to compare
        pairs += [
            DocPair(topic, main, d, Relation.EDITION)
            for d in same_locale
            if edition_of(d) != edition_of(main)
        ]
    return pairs


# --- building findings ---------------------------------------------------------------------------


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


# --- topic checks --------------------------------------------------------------------------------


def absent(topic: Topic, locale: str, ref: Document, sev: Severity, message: str) -> Finding:
    """A ``missing_translation`` finding: no document in ``locale``, ``ref`` named beside it."""
    return Finding(
        kind="missing_translation",
        severity=sev,
        topic=topic.id,
        locale=locale,
        other_locale=ref.locale,
        path=None,
        other_path=ref.path,
        segment=None,
        other_segment=None,
        line=None,
        message=message,
    )


def check_missing_translation(ctx: Context) -> Iterator[Finding]:
    """A locale of the corpus the topic has no document in (warning), or an edition of the topic a
    locale has no document for while other locales do (info)."""
    all_locales = ctx.corpus_locales
    for topic in ctx.topics:
        present = set(topic.locales)
        groups = edition_groups(topic)
        main_docs = groups.get("global") or next(iter(groups.values()))
        ref = reference(main_docs, ctx.options.source)
        for loc in all_locales:
            if loc not in present:
                yield absent(
                    topic,
                    loc,
                    ref,
                    SEVERITY["missing_translation"],
                    f"“{ref.title}” has no {loc} translation (it exists in {', '.join(sorted(present))})",
                )
        for edition, docs in sorted(groups.items()):
            if len(groups) < 2:
                break
            ref = reference(docs, ctx.options.source)
            for loc in sorted(present - set(docs)):
                yield absent(
                    topic,
                    loc,
                    ref,
                    Severity.INFO,
                    f"the {edition} edition of “{ref.title}” has no {loc} document "
                    f"(it exists in {', '.join(sorted(docs))})",
                )


def stale_documents(docs: dict[str, Document]) -> list[tuple[Document, Document]]:
    """(stale document, the newest one) for one edition of a topic: a document whose source hash
    differs from the newest version's, and which is older than it."""
    dated = {loc: d for loc, d in docs.items() if d.translation.source_hash and any(_freshness(d))}
    if len(dated) < 2:
        return []
    newest = reference(dated)
    out = []
    for _, doc in sorted(dated.items()):
        if (
            _freshness(doc) < _freshness(newest)
            and doc.translation.source_hash != newest.translation.source_hash
        ):
            out.append((doc, newest))
    return out


def _when(doc: Document) -> str:
    t = doc.translation
    return f"handed off {t.handoff}" if t.handoff else f"dated {t.date}"


def check_stale(ctx: Context) -> Iterator[Finding]:
    """A translation made from an older version of the source than the newest locale's."""
    for topic in ctx.topics:
        for _, docs in sorted(edition_groups(topic).items()):
            for doc, newest in stale_documents(docs):
                old, new = doc.translation, newest.translation
                yield doc_finding(
                    "stale",
                    topic,
                    doc,
                    f"{doc.locale} was translated from an older source ({(old.source_hash or '')[:7]}, "
                    f"{_when(doc)}) than {newest.locale} ({(new.source_hash or '')[:7]}, {_when(newest)}); "
                    f"update it from the newer source",
                    other=newest,
                )


def check_machine_translated(ctx: Context) -> Iterator[Finding]:
    """A document marked ``ms.translationtype: MT``."""
    for topic, doc in ctx.documents:
        if doc.translation.type == "MT":
            yield doc_finding(
                "machine_translated",
                topic,
                doc,
                f"{doc.locale} is machine-translated (ms.translationtype: MT): no person has reviewed it",
            )


# --- segment checks ------------------------------------------------------------------------------


def _segment(doc: Document, index: int) -> Segment:
    return doc.segments[index]


def matched(ctx: Context) -> Iterator[tuple[DocPair, list[Segment], list[Segment]]]:
    """(pair, its segments in a, their counterparts in b) for every matched step of every pair."""
    for pair in ctx.pairs:
        for sp in ctx.segment_pairs(pair):
            if sp.a and sp.b:
                yield (
                    pair,
                    [_segment(pair.a, r.index) for r in sp.a],
                    [_segment(pair.b, r.index) for r in sp.b],
                )


@dataclass(frozen=True, slots=True)
class Difference:
    """What a segment of ``pair.b`` lacks (``missing``) or adds (``extra``) against ``pair.a``."""

    pair: DocPair
    a: tuple[Segment, ...]
    """The reference's segments (empty when ``b``'s have no counterpart)."""
    b: tuple[Segment, ...]
    """The checked document's segments (empty when ``a``'s have no counterpart)."""
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def outvoted(ctx: Context, diffs: list[Difference]) -> tuple[list[Difference], list[list[Difference]]]:
    """Split differences into those to report against each translation, and groups in which *every*
    other locale of an edition differs the same way from the reference: there the reference is the
    odd one out, and one finding about it replaces them."""
    compared = Counter(p.a.path for p in ctx.pairs if p.relation is Relation.LOCALE)
    same: dict[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[Difference]] = defaultdict(
        list
    )
    for d in diffs:
        if d.pair.relation is Relation.LOCALE and d.a:
            same[(d.pair.a.path, tuple(s.path for s in d.a), d.missing, d.extra)].append(d)
    groups = [
        g for g in same.values() if compared[g[0].pair.a.path] >= 2 and len(g) == compared[g[0].pair.a.path]
    ]
    grouped = {id(d) for g in groups for d in g}
    return [d for d in diffs if id(d) not in grouped], groups


def _locales_of(group: list[Difference]) -> str:
    names = sorted(d.pair.b.locale for d in group)
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def reference_finding(kind: str, group: list[Difference], message: str) -> Finding:
    """A finding about the reference document of ``group`` (every translation differs from it)."""
    first = group[0]
    pair = first.pair
    return Finding(
        kind=kind,
        severity=severity(kind),
        topic=pair.topic.id,
        locale=pair.a.locale,
        other_locale=pair.b.locale,
        path=pair.a.path,
        other_path=pair.b.path,
        segment=first.a[0].path,
        other_segment=first.b[0].path if first.b else None,
        line=first.a[0].line,
        message=message,
    )


def check_missing_segments(ctx: Context) -> Iterator[Finding]:
    """A segment with no counterpart in the other locale or edition (``missing_segment`` in the
    document that lacks it, ``extra_segment`` in the document that has it alone)."""
    diffs: list[Difference] = []
    for pair in ctx.pairs:
        for sp in ctx.segment_pairs(pair):
            if sp.a and not sp.b:
                diffs += [Difference(pair, (_segment(pair.a, r.index),), ()) for r in sp.a]
            elif sp.b and not sp.a:
                diffs += [Difference(pair, (), (_segment(pair.b, r.index),)) for r in sp.b]
    single, groups = outvoted(ctx, diffs)
    for d in single:
        what = "edition" if d.pair.relation is Relation.EDITION else "translation"
        if d.a:
            seg = d.a[0]
            yield pair_finding(
                "missing_segment",
                d.pair,
                f"{_kind_word(seg)} {quote(seg.text)} of {d.pair.a.locale} ({d.pair.a.path}) "
                f"has no counterpart in this {what}",
                other=seg,
            )
        else:
            seg = d.b[0]
            yield pair_finding(
                "extra_segment",
                d.pair,
                f"{_kind_word(seg)} {quote(seg.text)} has no counterpart "
                f"in {d.pair.a.locale} ({d.pair.a.path})",
                seg=seg,
            )
    for group in groups:
        seg = group[0].a[0]
        yield reference_finding(
            "extra_segment",
            group,
            f"{_kind_word(seg)} {quote(seg.text)} has no counterpart in {_locales_of(group)}",
        )


def _kind_word(seg: Segment) -> str:
    return {
        SegmentKind.HEADING: "the heading",
        SegmentKind.PARAGRAPH: "the paragraph",
        SegmentKind.LIST_ITEM: "the list item",
        SegmentKind.TABLE_CELL: "the table cell",
        SegmentKind.ALERT: "the note",
        SegmentKind.CODE: "the code block",
    }[seg.kind]


# A number: digits with thousands or decimal separators, not glued to a word ("21Vianet", "Office365"
# are names, the same in every language).
_NUMBER = re.compile(
    r"(?<!\d)(?<![^\W\d_]{3})"  # not the end of a longer number or of a word
    r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*"
    r"(?!\d)(?![^\W\d_]{3})"
)


def number_keys(written: str) -> list[str]:
    """A written number as compared across locales, so that locale formatting is no difference:
    thousands separators dropped (``1,000`` = ``1 000`` = ``1.000`` → ``1000``), one decimal mark
    read as a point with trailing zeros dropped (``0,50`` = ``0.5``), and the parts of a date, time
    or version compared one by one (``31.07.2018`` = ``07/31/2018`` = ``31.07.18``)."""
    groups = re.split(r"[^\d]", written)
    if len(groups) > 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        groups = ["".join(groups)]
    elif len(groups) == 2:
        whole, fraction = groups[0].lstrip("0") or "0", groups[1].rstrip("0")
        return [f"{whole}.{fraction}" if fraction else whole]
    if len(groups) == 3 and len(groups[2]) == 2 and all(len(g) <= 2 for g in groups[:2]):
        groups[2] = "20" + groups[2]  # a date with a two-digit year: 13.01.18 is 1/13/2018
    return [g.lstrip("0") or "0" for g in groups]


@memos.cached("text-numbers")  # callers never mutate the Counter
def numbers(text: str) -> Counter[str]:
    """The numbers of a text (URLs left out), as :func:`number_keys` writes them."""
    return Counter(k for m in _NUMBER.finditer(URL.sub(" ", text)) for k in number_keys(m.group()))


def _text(segs: Sequence[Segment]) -> str:
    return " ".join(s.text for s in segs)


def _describe(
    missing: Sequence[str], extra: Sequence[str], what: str, other: str, plural: bool = False
) -> str:
    has, lacks = ("have", "lack") if plural else ("has", "lacks")
    parts = []
    if missing:
        parts.append(f"lacks {what} {', '.join(missing)} that {other} {has}")
    if extra:
        parts.append(f"has {what} {', '.join(extra)} that {other} {lacks}")
    return " and ".join(parts)


Extract = Callable[[Sequence[Segment]], Counter[str]]


def compare_matched(
    ctx: Context, kind: str, what: str, extract: Extract, code_too: bool = True
) -> Iterator[Finding]:
    """Findings of ``kind`` where what ``extract`` finds in a segment differs from its counterpart's."""
    diffs = []
    for pair, a, b in matched(ctx):
        if not code_too and any(s.kind is SegmentKind.CODE for s in a + b):
            continue
        ea, eb = extract(a), extract(b)
        if ea != eb:
            missing, extra = tuple(sorted((ea - eb).elements())), tuple(sorted((eb - ea).elements()))
            diffs.append(Difference(pair, tuple(a), tuple(b), missing, extra))
    single, groups = outvoted(ctx, diffs)
    for d in single:
        seg = d.b[0]
        yield pair_finding(
            kind,
            d.pair,
            f"{_kind_word(seg)} {quote(seg.text)} {_describe(d.missing, d.extra, what, d.pair.a.locale)}",
            seg=seg,
            other=d.a[0],
        )
    for group in groups:
        d, seg = group[0], group[0].a[0]
        others = _locales_of(group)
        yield reference_finding(
            kind,
            group,
            f"{_kind_word(seg)} {quote(seg.text)} {_describe(d.extra, d.missing, what, others, plural=True)}",
        )


def check_numbers(ctx: Context) -> Iterator[Finding]:
    """Numbers that differ between a segment and its counterpart."""
    return compare_matched(ctx, "number_mismatch", "the number(s)", lambda segs: numbers(_text(segs)), False)


_LOCALE_IN_URL = re.compile(r"(?<=/)[a-z]{2}-[a-z]{2}(?=/|$)", re.I)


def link_key(target: str) -> str | None:
    """A link target as compared across locales, or None for one not compared (an anchor in the page).

    Article links compare by file (anchors are localized); URLs without their locale folder
    (``/pt-br/``), query locale or trailing slash, since each locale links its own language's page."""
    target = target.strip()
    if not target or target.startswith("#"):
        return None
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") or target.startswith("//"):
        path = _LOCALE_IN_URL.sub("", parts.path).replace("//", "/").rstrip("/").lower()
        query = "&".join(
            q for q in parts.query.split("&") if q and not q.lower().startswith(("ui-locale=", "lang="))
        )
        return f"{parts.netloc.lower()}{path}" + (f"?{query.lower()}" if query else "")
    if parts.scheme:
        return target.lower()
    return unquote(parts.path).lower()


def link_targets(segs: Sequence[Segment]) -> Counter[str]:
    keys = (link_key(link.target) for s in segs for link in s.links if link.kind == "link")
    return Counter(k for k in keys if k)


def check_links(ctx: Context) -> Iterator[Finding]:
    """Links (relative ``.md`` targets and URLs) that differ between a segment and its counterpart."""
    return compare_matched(ctx, "link_mismatch", "the link(s) to", link_targets)


def inline_code(segs: Sequence[Segment]) -> Counter[str]:
    return Counter(f"`{c.strip()}`" for s in segs for c in s.code if c.strip())


def check_code(ctx: Context) -> Iterator[Finding]:
    """Inline code that differs between a segment and its counterpart (code is never translated)."""
    return compare_matched(ctx, "code_mismatch", "the inline code", inline_code, False)


# --- untranslated text ---------------------------------------------------------------------------

MIN_IDENTICAL_WORDS = 5
"""A segment identical to its counterpart counts as untranslated from this many lower-case words:
shorter ones are names, lists of products or ids ("Office 365, Dynamics CRM Online"), or phrases
that close languages share ("Requisitos para cada modelo CSP" is Spanish and Portuguese)."""


def prose_words(text: str) -> int:
    """How many lower-case words (space-separated, letters only) a text has: prose has many, names,
    ids, e-mail addresses and paths none."""
    words = (t.strip(".,;:!?()«»“”\"'") for t in text.split())
    return sum(1 for w in words if len(w) > 2 and w.isalpha() and w[0].islower())


def check_untranslated(ctx: Context) -> Iterator[Finding]:
    """A segment left in another language: identical to its counterpart in another language, or
    detected (confidently) in another language than its document's."""
    seen: set[tuple[str, str]] = set()
    for pair, a, b in matched(ctx):
        if pair.relation is not Relation.LOCALE or any(s.kind is SegmentKind.CODE for s in b):
            continue
        if _text(a) == _text(b) and prose_words(_text(b)) >= MIN_IDENTICAL_WORDS:
            seen.update((pair.b.path, s.path) for s in b)
            yield pair_finding(
                "untranslated",
                pair,
                f"{_kind_word(b[0])} {quote(b[0].text)} is identical to {pair.a.locale}: "
                "it was not translated",
                seg=b[0],
                other=a[0],
            )
    for topic, doc in ctx.documents:
        own = locales.language(doc.locale)
        for seg in doc.segments:
            if seg.kind is SegmentKind.CODE or (doc.path, seg.path) in seen:
                continue
            found = detected_language(seg, own)
            if found is None or found[0] == own or found[1] < MIN_DETECT_CONFIDENCE:
                continue
            other = next((d for d in topic.documents if locales.language(d.locale) == found[0]), None)
            yield doc_finding(
                "untranslated",
                topic,
                doc,
                f"{_kind_word(seg)} {quote(seg.text)} is in {_LANGUAGE_NAMES.get(found[0], found[0])}, "
                f"not in {_LANGUAGE_NAMES.get(own, own)}",
                other=other,
                seg=seg,
            )


_LANGUAGE_NAMES = {"pt": "Portuguese", "ru": "Russian", "es": "Spanish", "it": "Italian", "en": "English"}


# --- links to articles ---------------------------------------------------------------------------


def resolve_article(doc_path: str, target: str) -> str | None:
    """The corpus path a relative article link points to (lower case), or None when it leaves the root."""
    path = unquote(urlsplit(target).path)
    # "/a/b.md" is relative to the content root; anything else to the linking document's folder
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(doc_path), path)
    norm = posixpath.normpath(joined)
    return None if norm.startswith("..") else norm.lower()


def check_broken_links(ctx: Context) -> Iterator[Finding]:
    """A relative link to an article (``.md``) that is not in the corpus."""
    known = ctx.known_paths
    for topic, doc in ctx.documents:
        for seg in doc.segments:
            for link in seg.links:
                if link.kind != "link" or not link.is_article:
                    continue
                resolved = resolve_article(doc.path, link.target)
                if resolved is None or resolved not in known:
                    where = "outside the content folder" if resolved is None else "not in the corpus"
                    yield doc_finding(
                        "broken_link",
                        topic,
                        doc,
                        f"the link “{link.text or link.target}” points to '{link.target}', which is {where}",
                        seg=seg,
                    )


# --- terms ---------------------------------------------------------------------------------------


def check_terms(ctx: Context) -> Iterator[Finding]:
    """One product term rendered differently across a locale's documents (see :mod:`kb.quality.term_check`)."""
    glossary = ctx.options.glossary or mine(ctx.corpus.documents, ctx.alignment)
    topic_of = {d.path: t for t in ctx.alignment.topics for d in t.documents}
    checked = {d.path for _, d in ctx.documents}
    for use in inconsistencies(glossary, ctx.corpus.documents):
        if use.document.path not in checked or use.document.path not in topic_of:
            continue
        yield doc_finding(
            "term_inconsistency",
            topic_of[use.document.path],
            use.document,
            use.message,
            other=use.example,
            seg=use.segment,
        )


# --- running -------------------------------------------------------------------------------------

CHECKS: list[tuple[str, Check]] = [
    ("missing_translation", check_missing_translation),
    ("stale", check_stale),
    ("machine_translated", check_machine_translated),
    ("missing_segment", check_missing_segments),
    ("number_mismatch", check_numbers),
    ("link_mismatch", check_links),
    ("code_mismatch", check_code),
    ("untranslated", check_untranslated),
    ("broken_link", check_broken_links),
    ("term_inconsistency", check_terms),
]
"""The checks, in the order they run (``missing_segment`` also reports ``extra_segment``)."""


def select_topics(alignment: Alignment, wanted: Sequence[str]) -> list[Topic]:
    """The topics named by id or slug (all when none is named); an unknown name is an error."""
    if not wanted:
        return list(alignment.topics)
    by_name = {t.id: t for t in alignment.topics} | {t.slug: t for t in alignment.topics}
    out: list[Topic] = []
    for name in wanted:
        topic = by_name.get(name) or by_name.get(name.lower())
        if topic is None:
            raise InvalidParameter(f"--topic: no topic '{name}' in the content (give a topic id or slug)")
        if topic not in out:
            out.append(topic)
    return out


def select_locales(corpus: Corpus, wanted: Sequence[str]) -> tuple[str, ...]:
    """Normalised locale tags; one that is not a locale of the corpus is an error."""
    present = sorted({d.locale for d in corpus.documents})
    out = []
    for name in wanted:
        tag = locales.normalize(name)
        if tag is None or tag not in present:
            raise InvalidParameter(
                f"--locale: '{name}' is not a locale of the content ({', '.join(present)})"
            )
        out.append(tag)
    return tuple(out)


def make_context(corpus: Corpus, alignment: Alignment, options: CheckOptions = CheckOptions()) -> Context:
    topics = select_topics(alignment, options.topics)
    source = options.source
    if source is not None:
        source = select_locales(corpus, [source])[0]
    pairs = [p for t in topics for p in document_pairs(t, source)]
    return Context(corpus, alignment, topics, pairs, options)


def sort_key(f: Finding) -> tuple[str, str, str, int, int, str]:
    return (f.topic, f.locale, f.path or "", KINDS.index(f.kind), f.line or 0, f.segment or "")


def check_corpus(
    corpus: Corpus, alignment: Alignment, options: CheckOptions = CheckOptions()
) -> list[Finding]:
    """Every finding for ``corpus``, sorted by topic, locale, document, kind and line."""
    wanted = select_locales(corpus, options.locales)
    ctx = make_context(corpus, alignment, options)
    findings: dict[Finding, None] = {}  # insertion-ordered set: a check may meet a segment twice
    for _, check in CHECKS:
        for f in check(ctx):
            if not wanted or f.locale in wanted:
                findings.setdefault(f)
    return sorted(findings, key=sort_key)


@dataclass
class CorpusChecks:
    """:func:`check_corpus` one topic at a time (what the site does, in worker processes): the same
    findings, since every finding is about a document of one topic and only the terms' check reads
    the whole corpus — that one runs once, here, and its findings are handed out by topic."""

    corpus: Corpus
    alignment: Alignment
    terms: dict[str, list[Finding]]
    """Topic id → its ``term_inconsistency`` findings."""
    source: str | None = None
    shared: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def prepare(cls, corpus: Corpus, alignment: Alignment) -> CorpusChecks:
        ctx = make_context(corpus, alignment)
        terms: dict[str, list[Finding]] = defaultdict(list)
        for f in check_terms(ctx):
            terms[f.topic].append(f)
        # Worked out here, before the site's workers fork and share them, instead of once in every
        # worker: the corpus's paths, and the language identifier's model (~70 MB a worker at 10x).
        ctx.known_paths, ctx.corpus_locales  # noqa: B018
        locales.preload(DETECT_LANGUAGES)
        return cls(corpus, alignment, dict(terms), shared=ctx.shared)

    def topic(self, topic: Topic) -> list[Finding]:
        """The findings about ``topic``: exactly those :func:`check_corpus` reports for it."""
        options = CheckOptions()
        ctx = Context(self.corpus, self.alignment, [topic], document_pairs(topic, self.source), options)
        ctx.shared = self.shared
        findings: dict[Finding, None] = {}
        for _, check in CHECKS:
            found = self.terms.get(topic.id, ()) if check is check_terms else check(ctx)
            for f in found:
                findings.setdefault(f)
        return sorted(findings, key=sort_key)


# --- the readable report -------------------------------------------------------------------------


def by_topic(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by topic, in the order given."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.topic, []).append(f)
    return list(groups.items())


def summary(findings: Sequence[Finding]) -> str:
    """``3 errors, 1 warning, 2 info``."""
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in Severity
        if counts[s]
    ]
    return ", ".join(parts) or "nothing to report"


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_report(out: Any, findings: Sequence[Finding], alignment: Alignment) -> None:
    """The report for people: findings grouped by topic, one line each (``out`` is a rich Console)."""
    from rich.markup import escape

    for topic_id, group in by_topic(findings):
        topic = alignment.topic(topic_id)
        title = topic.documents[0].title if topic and topic.documents else topic_id
        header = f"\n[bold]{escape(title)}[/] [dim]({escape(topic_id)})[/] — {summary(group)}"
        out.print(header, soft_wrap=True)
        for f in group:
            where = f.path or f"(no {f.locale} document; compare {f.other_path})"
            if f.segment:
                where += f" › {f.segment}"
            if f.line:
                where += f" (line {f.line})"
            out.print(
                f"  [{_STYLE[f.severity]}]{f.severity.value:<7}[/] {f.locale:<5} {f.kind:<19} "
                f"{escape(where)}: {escape(f.message)}",
                soft_wrap=True,  # one finding per line, whatever the terminal's width: grep-able
            )
    out.print(f"\n{len(findings)} findings: {summary(findings)}")


# --- the translation status of each topic (for the site) ---------------------------------------


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One document of a topic in one locale, as the status page shows it."""

    path: str
    """The document's path relative to the content root."""
    edition: str
    """The edition it is compared within."""
    compare_with: str | None
    """The document it is compared with (the reference of its edition, or the main edition of its
    locale); None when there is none."""
    stale: bool
    """Translated from an older source than the newest locale's."""
    machine_translated: bool
    """``ms.translationtype: MT``."""
    counts: tuple[int, int, int]
    """Findings about the document: (errors, warnings, info)."""


@dataclass(frozen=True, slots=True)
class StatusRow:
    """A topic and the state of each locale of the corpus in it."""

    topic: str
    """Topic id."""
    cells: tuple[tuple[str, tuple[StatusEntry, ...]], ...]
    """(locale, its documents) for every locale of the corpus; no documents: the topic lacks it."""


def _compare_with(topic: Topic, doc: Document, source: str | None) -> str | None:
    groups = edition_groups(topic)
    docs = groups.get(edition_of(doc), {})
    ref = reference(docs, source) if docs else None
    if ref is not None and ref is not doc:
        return ref.path
    others = [d for loc, d in sorted(docs.items()) if d is not doc]
    if others:
        return others[0].path
    same_locale = [d for d in topic.documents if d.locale == doc.locale and d is not doc]
    return main_edition(same_locale).path if same_locale else None


def count_findings(findings: Iterable[Finding]) -> dict[str, FindingCounts]:
    """Document path → :class:`FindingCounts` of ``findings`` (those about an absent document are not
    counted: they have no path)."""
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    stale = set()
    for f in findings:
        if f.path is not None:
            counts[f.path][f.severity] += 1
            if f.kind == "stale":
                stale.add(f.path)
    return {
        path: FindingCounts(c[Severity.ERROR], c[Severity.WARNING], c[Severity.INFO], path in stale)
        for path, c in counts.items()
    }


def translation_status(
    corpus: Corpus, alignment: Alignment, counts: Mapping[str, FindingCounts], source: str | None = None
) -> list[StatusRow]:
    """Topics × locales: which documents exist, which are stale or machine-translated, how many
    findings each has (``counts``, from :func:`count_findings`), and what each is compared with (the
    site links the compare page)."""
    none = FindingCounts()
    all_locales = sorted({d.locale for d in corpus.documents})
    rows = []
    for topic in alignment.topics:
        cells = []
        for loc in all_locales:
            entries = tuple(
                StatusEntry(
                    doc.path,
                    edition_of(doc),
                    _compare_with(topic, doc, source),
                    counts.get(doc.path, none).stale,
                    doc.translation.type == "MT",
                    counts.get(doc.path, none).severities(),
                )
                for doc in topic.documents
                if doc.locale == loc
            )
            cells.append((loc, entries))
        rows.append(StatusRow(topic.id, tuple(cells)))
    return rows


def findings_about(findings: Sequence[Finding], paths: Iterable[str]) -> tuple[Finding, ...]:
    """The findings about any of the documents at ``paths`` (as the compare page of two shows them)."""
    wanted = set(paths)
    return tuple(f for f in findings if f.path in wanted)
