"""The term check: documents that render a glossary term otherwise than the rest of their locale
(or than the glossary prefers), read once each for all the terms they use.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kb import memos
from kb.model import Document, Segment, SegmentKind
from kb.quality.glossary import Glossary, TermLocale
from kb.quality.term_scan import may_use, names_used, texts_by_locale, variant_pattern, variant_words


@dataclass(frozen=True, slots=True)
class TermUse:
    """A document that renders a term differently from the rest of its locale."""

    term: str
    """The glossary term."""
    document: Document
    """The document using the odd rendering."""
    segment: Segment
    """Its first segment using it."""
    variant: str
    """The odd rendering."""
    count: int
    """How many times the document uses it."""
    expected: str
    """The rendering the locale's documents use (or the glossary prefers)."""
    example: Document | None
    """A document of the locale using ``expected``."""
    message: str
    """What is wrong, for a translator."""


_MEMO = memos.generations("glossary-texts")
"""Each document's use of the terms it was read for (beside what :mod:`kb.quality.term_scan` keeps)."""
_LAST_NAMES = memos.mapping("glossary-names")
"""The names the last mining looked for (:mod:`kb.quality.term_mining`), whose answers serve here."""


@dataclass
class Usage:
    """How often one document uses each rendering of a term, and the first segment using each."""

    counts: Counter[str]
    first: dict[str, Segment]


def _used(glossary: Glossary, documents: Sequence[Document]) -> list[frozenset[str]]:
    """Which variants of the glossary (and maybe other names) each document's text uses, by position."""
    variants = tuple(sorted({v for t in glossary.terms for tl in t.locales for v in tl.variants}))
    # A mined glossary's variants are names mine() just looked for in every document: its answers,
    # still in the memo, serve (a glossary from a file is looked for afresh).
    names = next((n for n in _LAST_NAMES.values() if set(variants) <= set(n)), variants)
    used = names_used(texts_by_locale(documents), names)
    return [used[id(doc)] for doc in documents]


_Patterns = tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]


@memos.cached("term-patterns")
def _patterns(variants: tuple[str, ...]) -> _Patterns:
    """A term's renderings as patterns, longest first: a match hides the shorter ones it contains."""
    patterns = ((v, variant_pattern(v), variant_words(v)) for v in variants)
    return tuple(sorted(patterns, key=lambda vp: -len(vp[0])))


def usage(term: TermLocale, documents: Iterable[Document]) -> dict[str, Usage]:
    """document path → how often it uses each variant of ``term``."""
    out: dict[str, Usage] = {}
    for doc in documents:
        if doc.locale == term.locale and (found := _doc_usages(doc, (term.variants,))[0]) is not None:
            out[doc.path] = found
    return out


def _doc_usages(doc: Document, terms: tuple[tuple[str, ...], ...]) -> tuple[Usage | None, ...]:
    """How often ``doc`` uses each variant of each of ``terms`` (given by their variants): one read of
    the document for all the terms it may use."""
    patterns = [_patterns(variants) for variants in terms]
    found = [Usage(Counter(), {}) for _ in terms]
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE:
            continue
        lowered = seg.text.lower()
        for term_patterns, usage_ in zip(patterns, found, strict=True):
            text = seg.text
            for variant, pattern, words in term_patterns:
                if not may_use(lowered, words):
                    continue
                text, n = pattern.subn(" ", text)
                if n:
                    usage_.counts[variant] += n
                    usage_.first.setdefault(variant, seg)
    return tuple(u if u.counts else None for u in found)


def _usages(glossary: Glossary, documents: Sequence[Document]) -> dict[tuple[int, int], dict[str, Usage]]:
    """(term, locale) positions in the glossary → document path → its use of that term's variants.

    A document is read once for all the terms it uses, and only for the variants its text has: a term's
    variants grow with the corpus (at 100x, with most of its documents using one of them), and trying
    each of them on every segment made the check grow faster than the corpus."""
    checked: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (locale, variant) → terms
    for t, term in enumerate(glossary.terms):
        for k, tl in enumerate(term.locales):
            if len(tl.variants) > 1 or tl.preferred is not None:
                for v in tl.variants:
                    checked[tl.locale, v].append((t, k))
    out: dict[tuple[int, int], dict[str, Usage]] = defaultdict(dict)
    for doc, names in zip(documents, _used(glossary, documents), strict=True):
        keys = sorted({key for name in names for key in checked.get((doc.locale, name), ())})
        if not keys:
            continue
        terms = tuple(
            tuple(v for v in glossary.terms[t].locales[k].variants if v in names) for t, k in keys
        )
        found = _MEMO.get(doc, ("usage", terms), functools.partial(_doc_usages, doc, terms))
        for key, usage_ in zip(keys, found, strict=True):
            if usage_ is not None:
                out[key][doc.path] = usage_
    return out


def inconsistencies(glossary: Glossary, documents: Sequence[Document]) -> list[TermUse]:
    """Documents that use a rendering of a term other than the one their locale uses (or prefers)."""
    by_path = {d.path: d for d in documents}
    usages = _usages(glossary, documents)
    out: list[TermUse] = []
    for t, term in enumerate(glossary.terms):
        for k, tl in enumerate(term.locales):
            uses = usages.get((t, k), {})
            docs_per_variant = Counter(v for u in uses.values() for v in u.counts)
            if not docs_per_variant:
                continue
            expected = tl.preferred or max(tl.variants, key=lambda v: docs_per_variant[v])
            if len(docs_per_variant) < 2 and expected in docs_per_variant:
                continue
            example_path = next((p for p, u in sorted(uses.items()) if expected in u.counts), None)
            example = by_path[example_path] if example_path else None
            for path, u in sorted(uses.items()):
                for variant, count in sorted(u.counts.items()):
                    if variant == expected:
                        continue
                    others = docs_per_variant[expected] - (1 if expected in u.counts else 0)
                    why = (
                        "the glossary prefers"
                        if tl.preferred
                        else f"{others} other {tl.locale} documents use"
                    )
                    msg = f"renders the term “{term.term}” as “{variant}” ({count}×) where {why} “{expected}”"
                    out.append(
                        TermUse(
                            term.term,
                            by_path[path],
                            u.first[variant],
                            variant,
                            count,
                            expected,
                            example if example_path != path else None,
                            msg,
                        )
                    )
    return out
