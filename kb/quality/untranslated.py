"""``untranslated``: text left in another language than its document's.

A segment counts when it is identical to its counterpart in another language, or detected
(confidently) in another language — after what every language keeps as written is taken out:
quoted messages, inline code, JSON and identifiers. What is left must be prose (five lower-case words
or more): product, programme and offer names (capitalised, with their ids) are never prose. A
document with many such segments (a page left in English) gets one finding naming how many and the
first, not one per paragraph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from kb import locales
from kb.ingest.detection import MIN_DETECT_CONFIDENCE, detected_language, without_code
from kb.model import Document, Finding, Segment, SegmentKind, Topic
from kb.quality.context import Context, doc_finding, pair_finding
from kb.quality.pairs import DocPair
from kb.quality.segment_checks import LANGUAGE_NAMES, MIN_IDENTICAL_WORDS, matched, named, prose_words

MAX_SEGMENTS_REPORTED = 3
"""A document with more untranslated segments than this gets one finding for all of them."""

_QUOTED = re.compile(r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|«[^»\n]{1,400}»|„[^“\n]{1,400}“")
_QUOTES = frozenset('"“«„')
_JSON = re.compile(r"[{\[][^{}\[\]]*[:,][^{}\[\]]*[}\]]")
_IDENTIFIER = re.compile(r"(?<!\S)(?=\S*?(?:[a-z][A-Z]|[_\\/@=<>]|\w-\w+-\w|\.\w+\.))\S+")
"""A word holding an identifier's mark, whole (tried from the start of words only: a scan from every
character took most of the untranslated check's time)."""


def own_text(seg: Segment) -> str:
    """A segment's text without what every language keeps as written: quoted messages, inline code,
    JSON and identifiers (``msRTCSIP-AcpInfo``, ``Set-CsUser``, ``C:\\Program Files``)."""
    text = without_code(seg)
    # Each pattern only where its mark is (most segments have no quote and no bracket): the three
    # substitutions over every segment were a quarter of the check's time (profiled on the dev corpus).
    if not _QUOTES.isdisjoint(text):
        text = _QUOTED.sub(" ", text)
    if "{" in text or "[" in text:
        text = _JSON.sub(" ", text)
    return _IDENTIFIER.sub(" ", text)


def _candidates(ctx: Context) -> Iterator[tuple[Topic, Document, Segment, Finding]]:
    """(topic, document, segment, finding) for every segment left in another language."""
    seen: set[tuple[str, str]] = set()
    for pair, a, b in matched(ctx):
        if any(s.kind is SegmentKind.CODE for s in b) or len(a) != 1 or len(b) != 1:
            continue
        if a[0].text == b[0].text and prose_words(own_text(b[0])) >= MIN_IDENTICAL_WORDS:
            seen.add((pair.b.path, b[0].path))
            yield pair.topic, pair.b, b[0], _identical(pair, a[0], b[0])
    for topic, doc in ctx.documents:
        own = locales.language(doc.locale)
        for seg in doc.segments:
            if seg.kind is SegmentKind.CODE or (doc.path, seg.path) in seen:
                continue
            text = own_text(seg)
            if prose_words(text) < MIN_IDENTICAL_WORDS:
                continue
            found = detected_language(replace(seg, text=text), own)
            if found is None or found[0] == own or found[1] < MIN_DETECT_CONFIDENCE:
                continue
            other = next((d for d in topic.documents if locales.language(d.locale) == found[0]), None)
            yield topic, doc, seg, doc_finding(
                "untranslated",
                topic,
                doc,
                f"{named(seg)} is in {LANGUAGE_NAMES.get(found[0], found[0])}, "
                f"not in {LANGUAGE_NAMES.get(own, own)}",
                other=other,
                seg=seg,
            )


def _identical(pair: DocPair, a: Segment, b: Segment) -> Finding:
    return pair_finding(
        "untranslated",
        pair,
        f"{named(b)} is identical to {pair.a.locale}: it was not translated",
        seg=b,
        other=a,
    )


def check_untranslated(ctx: Context) -> Iterator[Finding]:
    """Segments left in another language (see the module docstring): one finding each, or one for a
    document that has many."""
    by_doc: dict[str, list[tuple[Topic, Document, Segment, Finding]]] = defaultdict(list)
    for found in _candidates(ctx):
        by_doc[found[1].path].append(found)
    for group in by_doc.values():
        if len(group) <= MAX_SEGMENTS_REPORTED:
            yield from (f for *_, f in group)
            continue
        group.sort(key=lambda x: x[3].line or 0)
        first = group[0][3]
        yield replace(
            first,
            message=f"{len(group)} segments of this document are left in another language; the first: {first.message}",
        )
