"""Translation checks: compare the documents of each topic and report what a translator should fix.

Which documents are compared is :mod:`kb.quality.pairs`' job; what every check reads is a
:class:`~kb.quality.context.Context`. Every check is a small function of a context in the ordered list
:data:`CHECKS` (the checks of whole documents in :mod:`kb.quality.document_checks`, those comparing
segments in :mod:`kb.quality.segment_checks`); :func:`check_corpus` runs them all and is what the CLI
calls, :class:`CorpusChecks` the same one topic at a time, for the site. The terminal report is
:mod:`kb.quality.console`'s, the status page's data :mod:`kb.quality.status`'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kb import locales
from kb.errors import InvalidParameter
from kb.ingest.detection import DETECT_LANGUAGES
from kb.model import Alignment, Corpus, Finding, Severity, Topic
from kb.quality.context import KINDS, Check, CheckOptions, Context, doc_finding, select_locales, select_topics
from kb.quality.document_checks import (
    check_broken_links,
    check_machine_translated,
    check_missing_translation,
    check_stale,
    check_terms,
)
from kb.quality.garbled import check_garbled
from kb.quality.markup import check_markup
from kb.quality.numbers import month_names
from kb.quality.pair_checks import check_alignment, check_editions
from kb.quality.pairs import document_pairs
from kb.quality.segment_checks import (
    check_code,
    check_links,
    check_missing_segments,
    check_numbers,
    protected_names,
)
from kb.quality.untranslated import check_untranslated

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
    ("malformed_markup", check_markup),
    ("garbled_text", check_garbled),
    ("edition_difference", check_editions),
    ("alignment_uncertain", check_alignment),
]
"""The checks, in the order they run (``missing_segment`` also reports ``extra_segment``)."""


EVERYTHING = CheckOptions()
"""The default options: every topic, every locale, the newest document as reference, a mined glossary."""


def make_context(corpus: Corpus, alignment: Alignment, options: CheckOptions = EVERYTHING) -> Context:
    """The context of a run: the topics ``options`` name and their pairs (an unknown topic or
    ``--source`` is refused here, before any check runs)."""
    topics = select_topics(alignment, options.topics)
    source = options.source
    if source is not None:
        source = select_locales(corpus, [source])[0]
    pairs = [p for t in topics for p in document_pairs(t, source)]
    return Context(corpus, alignment, topics, pairs, options)


def sort_key(f: Finding) -> tuple[str, str, str, int, int, str]:
    """The report's order: topic, locale, document, kind (as :data:`KINDS` lists them), line, segment."""
    return (f.topic, f.locale, f.path or "", KINDS.index(f.kind), f.line or 0, f.segment or "")


def check_corpus(
    corpus: Corpus, alignment: Alignment, options: CheckOptions = EVERYTHING
) -> list[Finding]:
    """Every finding for ``corpus``, sorted by topic, locale, document, kind and line."""
    wanted = select_locales(corpus, options.locales)
    ctx = make_context(corpus, alignment, options)
    findings: dict[Finding, None] = {}  # insertion-ordered set: a check may meet a segment twice
    for name, check in CHECKS:
        for f in run_check(name, check, ctx):
            if not wanted or f.locale in wanted:
                findings.setdefault(f)
    return sorted(findings, key=sort_key)


def run_check(name: str, check: Check, ctx: Context) -> list[Finding]:
    """``check``'s findings about ``ctx``'s topics. Should it fail (a fault in kb, met on a docset
    nobody tried: Customer Insights' cards stopped the segment alignment and, with it, the build), it
    runs again topic by topic, and each topic it fails on gets one ``check_failed`` instead: the
    other topics keep their findings, the build goes on, and the fault is reported where it was met."""
    try:
        return list(check(ctx))
    except Exception as exc:
        if len(ctx.topics) == 1:
            return [failed_check(name, ctx.topics[0], exc)]
        found: list[Finding] = []
        for topic in ctx.topics:
            one = Context(ctx.corpus, ctx.alignment, [topic], [p for p in ctx.pairs if p.topic is topic], ctx.options)
            one.shared = ctx.shared
            found += run_check(name, check, one)
        return found


def failed_check(name: str, topic: Topic, exc: Exception) -> Finding:
    """The finding that ``name`` could not check ``topic``, about its first document."""
    doc = topic.members[0].document
    why = f"{type(exc).__name__}: {exc}".strip()[:200]
    return doc_finding("check_failed", topic, doc, f"the check {name} stopped on this topic ({why}): what "
                       "it would report here is missing; this is a fault in kb, please report it")


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """Which findings a report shows (``kb check --kind --severity --edition``); empty: all."""

    kinds: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()


def finding_filter(
    corpus: Corpus, kinds: Sequence[str] = (), severities: Sequence[str] = (), editions: Sequence[str] = ()
) -> FindingFilter:
    """The filter the options name; a kind, severity or edition that is none is an error naming the option."""
    sev_names = tuple(s.value for s in Severity)
    present = sorted({e for d in corpus.documents for e in (d.editions or ("global",))})
    for option, given, known in (
        ("--kind", kinds, KINDS),
        ("--severity", severities, sev_names),
        ("--edition", editions, present),
    ):
        for name in given:
            if name.lower() not in known:
                raise InvalidParameter(f"{option}: '{name}' is none of {', '.join(known)}")
    return FindingFilter(
        tuple(k.lower() for k in kinds), tuple(s.lower() for s in severities), tuple(e.lower() for e in editions)
    )


def filter_findings(findings: Sequence[Finding], corpus: Corpus, wanted: FindingFilter) -> list[Finding]:
    """The findings ``wanted`` keeps, in their order. A finding's edition is its document's (or, for a
    document that is missing, its reference's)."""
    editions = {d.path: d.editions or ("global",) for d in corpus.documents}

    def keep(f: Finding) -> bool:
        if wanted.kinds and f.kind not in wanted.kinds:
            return False
        if wanted.severities and f.severity.value not in wanted.severities:
            return False
        if wanted.editions:
            of = editions.get(f.path or f.other_path or "", ())
            return any(e in wanted.editions for e in of)
        return True

    return [f for f in findings if keep(f)]


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

    @staticmethod
    def warm_up() -> None:
        """Start loading, in a thread, the language identifier :meth:`prepare` needs: a build calls this
        before it aligns, which keeps one core busy, and most of the load lets the other work."""
        locales.preload_in_background(DETECT_LANGUAGES)

    @classmethod
    def prepare(cls, corpus: Corpus, alignment: Alignment) -> CorpusChecks:
        ctx = make_context(corpus, alignment)
        terms: dict[str, list[Finding]] = defaultdict(list)
        for f in run_check("term_inconsistency", check_terms, ctx):
            terms[f.topic].append(f)
        # Worked out here, before the site's workers fork and share them, instead of once in every
        # worker: the corpus's paths, and the language identifier's model (~70 MB a worker at 10x).
        ctx.known_paths, ctx.corpus_locales  # noqa: B018
        protected_names(ctx)  # (a pass over every segment of the corpus: once, not once a worker)
        locales.preload(DETECT_LANGUAGES)
        month_names()  # (Babel's data of seven locales: a quarter of a second a worker)
        return cls(corpus, alignment, dict(terms), shared=ctx.shared)

    def topic(self, topic: Topic) -> list[Finding]:
        """The findings about ``topic``: exactly those :func:`check_corpus` reports for it."""
        options = CheckOptions()
        ctx = Context(self.corpus, self.alignment, [topic], document_pairs(topic, self.source), options)
        ctx.shared = self.shared
        findings: dict[Finding, None] = {}
        for name, check in CHECKS:
            found = self.terms.get(topic.id, ()) if check is check_terms else run_check(name, check, ctx)
            for f in found:
                findings.setdefault(f)
        return sorted(findings, key=sort_key)
