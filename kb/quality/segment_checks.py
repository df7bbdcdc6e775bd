"""The checks that compare a segment with its counterpart (segments aligned by
:func:`kb.quality.context.aligned_segments`): a segment with none (``missing_segment``,
``extra_segment``), numbers, links or inline code that differ, and text left untranslated.

When every translation of an edition differs from its reference the same way, the reference is the
odd one out: :func:`outvoted` turns those findings into one about the reference.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from kb import locales
from kb.align.blocks import CONFIDENT_PAIR, is_block
from kb.ingest.docfx import xref_target
from kb.model import Document, Finding, Segment, SegmentKind, SegmentPair, Severity
from kb.quality.context import Context, pair_finding, quote, severity
from kb.quality.document_checks import resolve_article
from kb.quality.numbers import Figures, figures, unaccounted
from kb.quality.pairs import DocPair, Relation


def _segment(doc: Document, index: int) -> Segment:
    return doc.segments[index]


def matched(ctx: Context) -> Iterator[tuple[DocPair, list[Segment], list[Segment]]]:
    """(pair, its segments in a, their counterparts in b) for every confidently matched step of
    every pair compared segment by segment (a step scoring below the confidence bound says nothing
    about its content: see ``alignment_uncertain``)."""
    for pair in ctx.content_pairs:
        for sp in ctx.segment_pairs(pair):
            if sp.a and sp.b and (sp.score >= CONFIDENT_PAIR or is_block(sp)):
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
    after: str = ""
    """For a segment only ``b`` has: the reference's segment before it (where the others have it too)."""


def outvoted(ctx: Context, diffs: list[Difference]) -> tuple[list[Difference], list[list[Difference]]]:
    """Split differences into those to report against each translation, and groups in which most
    locales of an edition (of three or more) differ the same way from the reference: there the
    reference is the odd one out, and one finding about it replaces them."""
    compared = Counter(p.a.path for p in ctx.content_pairs)
    same: dict[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], list[Difference]] = defaultdict(
        list
    )
    for d in diffs:
        if d.pair.relation is Relation.LOCALE and d.a:
            same[(d.pair.a.path, tuple(s.path for s in d.a), d.missing, d.extra)].append(d)
    # Majority blame: the reference and the translations that agree with it are outnumbered.
    groups = [
        g
        for g in same.values()
        if compared[g[0].pair.a.path] >= 2 and len(g) > compared[g[0].pair.a.path] - len(g) + 1
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
    diffs: list[Difference] = [d for pair in ctx.content_pairs for d in _alone(pair, ctx.segment_pairs(pair))]
    single, groups = outvoted(ctx, diffs)
    # Sure only where the two documents have the same structure but for the text alone: else they
    # are segmented differently (raw HTML read as other blocks, sub-steps as a list or as paragraphs)
    # and which text is missing is a guess, a warning.
    alone: dict[tuple[str, str], list[Difference]] = defaultdict(list)
    for d in diffs:
        alone[(d.pair.a.path, d.pair.b.path)].append(d)
    sure = {key: _same_structure(group) for key, group in alone.items()}
    # most translations have a segment the reference lacks: the reference lacks it
    extras, lacking = _outvoted_extras(ctx, [d for d in single if not d.a])
    single = [d for d in single if d.a] + extras
    for group in lacking:
        seg = group[0].b[0]
        found = Finding(
            kind="missing_segment",
            severity=severity("missing_segment"),
            topic=group[0].pair.topic.id,
            locale=group[0].pair.a.locale,
            other_locale=group[0].pair.b.locale,
            path=group[0].pair.a.path,
            other_path=group[0].pair.b.path,
            segment=None,
            other_segment=seg.path,
            line=None,
            message=f"{named(seg)} that {_locales_of(group)} have "
            f"(after {group[0].after or 'the start'}) has no counterpart here",
        )
        if not all(sure.get((d.pair.a.path, d.pair.b.path), False) for d in group):
            found = replace(found, severity=Severity.WARNING, message=found.message + UNSURE)
        yield found
    for d in single:
        what = "edition" if d.pair.relation is Relation.EDITION else "translation"
        certain = sure[(d.pair.a.path, d.pair.b.path)]
        if d.a:
            seg = d.a[0]
            found = pair_finding(
                "missing_segment",
                d.pair,
                f"{named(seg)} of {d.pair.a.locale} ({d.pair.a.path}) "
                f"has no counterpart in this {what}",
                other=seg,
            )
        else:
            seg = d.b[0]
            found = pair_finding(
                "extra_segment",
                d.pair,
                f"{named(seg)} has no counterpart "
                f"in {d.pair.a.locale} ({d.pair.a.path})",
                seg=seg,
            )
        yield found if certain else replace(found, severity=Severity.WARNING, message=found.message + UNSURE)
    for group in groups:
        seg = group[0].a[0]
        found = reference_finding(
            "extra_segment",
            group,
            f"{named(seg)} has no counterpart in {_locales_of(group)}",
        )
        certain = all(sure[(d.pair.a.path, d.pair.b.path)] for d in group)
        yield found if certain else replace(found, severity=Severity.WARNING, message=found.message + UNSURE)


_MARKER = re.compile(r"^\[![^\]]*\]$")


def _content(text: str) -> bool:
    """Whether a segment alone is content a translation can lack: not empty, not a lead-in of one or
    two words ("Por ejemplo:", which a translation joins to what follows), not an alert marker the
    parser did not read (``[! NOTAS]``: that is ``malformed_markup``)."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) > 2 and not _MARKER.match(text.strip())


UNSURE = "; the two documents are structured differently, so they may only be segmented differently"
_INDEXES = re.compile(r"\[\d+\]")


_RAW_HTML_BLOCK = re.compile(r"^[ \t>]*<(?:p|ul|ol|li|table|tr|td|div|blockquote|pre)\b", re.IGNORECASE | re.MULTILINE)
"""A block written in raw HTML (``> <P>``, ``<UL><LI>``): the parser segments it otherwise than the
Markdown another translation writes for it."""


def _same_structure(group: list[Difference]) -> bool:
    """Whether the two documents of a pair have the same sequence of block shapes (paths without their
    indexes) once the segments alone in each are left out (and none of them is a note, code or a
    paragraph in a list item, where a document writes blocks in raw HTML): then those segments are
    really missing or extra."""
    pair = group[0].pair
    if _RAW_HTML_BLOCK.search(pair.a.body) or _RAW_HTML_BLOCK.search(pair.b.body):
        # notes, code and paragraphs inside list items are what raw HTML blocks become
        fragile = (SegmentKind.ALERT, SegmentKind.CODE)
        if any(s.kind in fragile or "/p[" in s.path for d in group for s in (*d.a, *d.b)):
            return False
    gone_a = {s.path for d in group for s in d.a}
    gone_b = {s.path for d in group for s in d.b}
    shapes_a = [_INDEXES.sub("", s.path) for s in pair.a.segments if s.path not in gone_a]
    shapes_b = [_INDEXES.sub("", s.path) for s in pair.b.segments if s.path not in gone_b]
    return shapes_a == shapes_b

MOVE_WINDOW = 6
"""A segment alone and one alone in the other document at most this many steps apart, of lengths
that fit, are one text the alignment did not pair (moved, or of another kind: an alert written as a
paragraph): neither is missing."""


def _alone(pair: DocPair, steps: list[SegmentPair]) -> list[Difference]:
    """The segments of each side with no counterpart, less those paired off as moved text."""
    from kb.align.blocks import RESYNC_FIT, length_ratio

    ratio = length_ratio(steps)
    only_a = [(n, r) for n, sp in enumerate(steps) if not sp.b for r in sp.a if _content(r.text)]
    only_b = [(n, r) for n, sp in enumerate(steps) if not sp.a for r in sp.b if _content(r.text)]
    used: set[int] = set()
    kept_a = []
    for n, ra in only_a:
        near = [
            (abs(m - n), k)
            for k, (m, rb) in enumerate(only_b)
            if k not in used
            and abs(m - n) <= MOVE_WINDOW
            and abs(math.log((len(rb.text) + 8) / (ratio * len(ra.text) + 8))) <= RESYNC_FIT
        ]
        if near:
            used.add(min(near)[1])
        else:
            kept_a.append(ra)
    before: dict[int, str] = {}
    last = ""
    for n, sp in enumerate(steps):
        before[n] = last
        if sp.a:
            last = sp.a[-1].segment
    out = [Difference(pair, (_segment(pair.a, r.index),), ()) for r in kept_a]
    out += [
        Difference(pair, (), (_segment(pair.b, rb.index),), after=before[m])
        for k, (m, rb) in enumerate(only_b)
        if k not in used
    ]
    return out


def _outvoted_extras(ctx: Context, extras: list[Difference]) -> tuple[list[Difference], list[list[Difference]]]:
    """Segments only translations have, split into those to report against each translation and
    groups in which most translations have one at the same place of the reference (majority blame)."""
    compared = Counter(p.a.path for p in ctx.content_pairs)
    same: dict[tuple[str, str], list[Difference]] = defaultdict(list)
    for d in extras:
        same[(d.pair.a.path, d.after)].append(d)
    groups = []
    for (ref, _), group in same.items():
        locales_with = {d.pair.b.locale for d in group}
        if compared[ref] >= 2 and len(locales_with) > compared[ref] - len(locales_with) + 1:
            firsts: dict[str, Difference] = {}
            for d in group:
                firsts.setdefault(d.pair.b.locale, d)
            groups.append(list(firsts.values()))
    grouped = {id(d) for g in groups for d in g} | {
        id(d) for d in extras if any(d.pair.a.path == g[0].pair.a.path and d.after == g[0].after for g in groups)
    }
    return [d for d in extras if id(d) not in grouped], groups


def kind_word(seg: Segment) -> str:
    return {
        SegmentKind.HEADING: "the heading",
        SegmentKind.PARAGRAPH: "the paragraph",
        SegmentKind.LIST_ITEM: "the list item",
        SegmentKind.TABLE_CELL: "the table cell",
        SegmentKind.ALERT: "the note",
        SegmentKind.CODE: "the code block",
    }[seg.kind]


def named(seg: Segment) -> str:
    """How a message names a segment: its kind and its words; one without words (a paragraph that is an image
    alone) by the image it shows, so the reader knows which (“the paragraph “”” named nothing)."""
    if seg.text.strip():
        return f"{kind_word(seg)} {quote(seg.text)}"
    image = next((link for link in seg.links if link.kind == "image"), None)
    if image is not None:
        return f"{kind_word(seg)} showing only the image {quote(image.text or image.target)}"
    return f"{kind_word(seg)} without text"


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


Extract = Callable[[Sequence[Segment], Document], Counter[str]]
Differ = Callable[[Sequence[Segment], Document, Sequence[Segment], Document], tuple[tuple[str, ...], tuple[str, ...]]]


def set_difference(extract: Extract) -> Differ:
    """What ``extract`` finds in a's segments and not in b's, and in b's and not in a's, as sets
    (a link or a code name given once or twice says the same)."""

    def differ(
        a: Sequence[Segment], doc_a: Document, b: Sequence[Segment], doc_b: Document
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        ea, eb = set(extract(a, doc_a)), set(extract(b, doc_b))
        return tuple(sorted(ea - eb)), tuple(sorted(eb - ea))

    return differ


def compare_matched(
    ctx: Context, kind: str, what: str, differ: Differ, code_too: bool = True
) -> Iterator[Finding]:
    """Findings of ``kind`` where what ``differ`` finds differs between a segment and its counterpart."""
    diffs = []
    for pair, a, b in matched(ctx):
        if not code_too and any(s.kind is SegmentKind.CODE for s in a + b):
            continue
        missing, extra = differ(a, pair.a, b, pair.b)
        if missing or extra:
            diffs.append(Difference(pair, tuple(a), tuple(b), missing, extra))
    single, groups = outvoted(ctx, diffs)
    for d in single:
        seg = d.b[0]
        yield pair_finding(
            kind,
            d.pair,
            f"{named(seg)} {_describe(d.missing, d.extra, what, d.pair.a.locale)}",
            seg=seg,
            other=d.a[0],
        )
    for group in groups:
        d, seg = group[0], group[0].a[0]
        others = _locales_of(group)
        yield reference_finding(
            kind,
            group,
            f"{named(seg)} {_describe(d.extra, d.missing, what, others, plural=True)}",
        )


_PATHLIKE = re.compile(
    r"[^\s()\[\]]*[/\\][^\s()\[\]]*\.(?:png|jpe?g|gif|svg|md|html?|aspx|exe|msi|xml|json|ps1|dll|zip|cab)\b"
    r"|[^\s(]+\.(?:png|jpe?g|gif|svg|md|html?|aspx|exe|msi|xml|json|ps1|dll|zip|cab)\b"
    r"|\S*[^\W\d_]:?\\\S*"  # a Windows path: C:\Program Files\..., \\server\share
    r"|(?<!\S)\.{0,2}/[\w./-]*[^\W\d_][\w./-]*",  # a path from the root or relative: /partner-center/x2
    re.IGNORECASE,
)
"""File names and paths, whose numbers are names (``media/image12.png``); not ``A/V/RTP/50 000``,
not ``11/2/17``, not ``$4/mês``."""


_PATH_HINT = re.compile(r"[/\\]|\.(?:png|jpe?g|gif|svg|md|html?|aspx|exe|msi|xml|json|ps1|dll|zip|cab)\b", re.I)
"""What every match of _PATHLIKE holds: a text without it (most) is not scanned by the slower pattern."""


def figure_text(segs: Sequence[Segment]) -> str:
    """The text of segments whose numbers count: without inline code, link or image targets, paths
    and file names (numbers there are names, not figures)."""
    text = _text(segs)
    # each distinct string once (a paragraph of 30,000 links to one page read its text 30,000 times)
    shown = dict.fromkeys(code for s in segs for code in s.code)
    for s in segs:
        shown.update((link.target, None) for link in s.links if len(link.target) > 3)
    for written in shown:
        text = text.replace(written, " ")
    return _TOKEN.sub(_without_path, text) if _PATH_HINT.search(text) else text


_TOKEN = re.compile(r"\S+")
MAX_PATH = 300
"""The longest run without a blank read for paths. Each match of _PATHLIKE lies in one such run, and its
leading stars try every start in it: over a whole paragraph that was quadratic (a hostile paragraph of
100,000 characters and one '/' took minutes); a run is at most this long, or left as it is."""


def _without_path(m: re.Match[str]) -> str:
    token = m.group(0)
    return _PATHLIKE.sub(" ", token) if len(token) <= MAX_PATH and _PATH_HINT.search(token) else token


_NAMED = re.compile(r"\b[A-Z][\w+.-]*[ \u00a0]\d{1,4}(?:\.\d+)*(?![\w.,]*\d)")
"""A product name's last word with its version: ``Server 2013``, ``Office 365``, ``Windows 10``."""
NAME_LANGUAGES = 3
"""A name with a number that documents of this many languages write (or of every language, in a
corpus of fewer) is a protected name, not a figure: "El 1" and "Paso 1" are one language's words."""


_DIGITS = re.compile(r"\D+")
NEIGHBOURS = 2
"""Segments either side of a counterpart whose values account for a value it lacks (moved with its
sentence into the next paragraph or note)."""


def _around(doc: Document, segs: Sequence[Segment]) -> list[Segment]:
    """``segs`` with the segments either side of them in ``doc``."""
    # (by structural path, unique in a document: ``segs`` may be an earlier unpacking's objects)
    where = {s.path: i for i, s in enumerate(doc.segments)}
    found = [where[s.path] for s in segs if s.path in where]
    if not found:
        return list(segs)
    lo, hi = max(0, min(found) - NEIGHBOURS), max(found) + NEIGHBOURS + 1
    return list(doc.segments[lo:hi])


def protected_names(ctx: Context) -> frozenset[str]:
    """Names with a number (``Lync Server 2013``) that the corpus writes in several documents: product
    and version names every locale may keep, drop or shorten, whose numbers are no figures."""
    if "names" not in ctx.shared:
        found: dict[str, set[str]] = defaultdict(set)
        languages = {locales.language(d.locale) for d in ctx.corpus.documents}
        for doc in ctx.corpus.documents:
            lang = locales.language(doc.locale)
            for s in doc.segments:
                for m in _NAMED.finditer(s.text):
                    found[m.group()].add(lang)
        least = min(NAME_LANGUAGES, len(languages))
        ctx.shared["names"] = frozenset(n for n, langs in found.items() if len(langs) >= least)
    names: frozenset[str] = ctx.shared["names"]
    return names


def check_numbers(ctx: Context) -> Iterator[Finding]:
    """Numbers one segment writes that its counterpart does not account for, in any way a reader
    takes for the same value (see :mod:`kb.quality.numbers`); product names with their version
    (learned from the corpus, see :func:`protected_names`) are names, not figures."""
    names = protected_names(ctx)
    texts: dict[tuple[tuple[str, str], ...], str] = {}

    def text_of(segs: Sequence[Segment]) -> str:
        # (a reference's segments meet every other locale's: their text is made once for the topic.
        # Keyed by what the segments say, not by the objects' ids: over a whole corpus, segments are
        # unpacked, dropped and unpacked again, and a new segment may take a dropped one's id.)
        key = tuple((seg.path, seg.text) for seg in segs)
        found = texts.get(key)
        if found is None:
            found = texts[key] = figure_text(segs)
        return found

    def figures_of(segs: Sequence[Segment]) -> Figures:
        # a name's number need not be written by the other side, but accounts for one it writes
        text = text_of(segs)
        every, unnamed = figures(text), figures(_NAMED.sub(lambda m: " " if m.group() in names else m.group(), text))
        return Figures(unnamed.written, every.accounts | unnamed.accounts, unnamed.parts)

    def differ(
        a: Sequence[Segment], doc_a: Document, b: Sequence[Segment], doc_b: Document
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        # the same digits in the same order are the same figures, whatever separates them
        # (24,824 and 24 824; 1:51 and 1'51; 16^4 and 16<sup>4</sup>)
        if _DIGITS.sub("", text_of(a)) == _DIGITS.sub("", text_of(b)):
            return (), ()
        fa, fb = figures_of(a), figures_of(b)
        missing, extra = unaccounted(fa, fb)
        if missing or extra:
            # a value the segments next to the counterpart write moved there with its sentence
            wider_a, wider_b = figures_of(_around(doc_a, a)), figures_of(_around(doc_b, b))
            missing = unaccounted(fa, wider_b)[0]
            extra = unaccounted(wider_a, fb)[1]
        return missing, extra

    return compare_matched(ctx, "number_mismatch", "the number(s)", differ, False)


_LOCALE_IN_URL = re.compile(
    r"(?<=/)(?:[a-z]{2}-[a-z]{2}|en|es|pt|it|ru|fr|de|ja|zh|ko|nl|pl|sv|tr|cs|da|fi|nb|hu|el)(?=/|$)", re.I
)


def link_key(target: str) -> str | None:
    """A link target as compared across locales, or None for one not compared (an anchor in the page).

    Article links compare by file (anchors are localized), cross references by uid; URLs without their locale folder
    (``/pt-br/``), query locale (``clcid=0x416``) or trailing slash, since each locale links its own
    language's page."""
    target = target.strip()
    if not target or target.startswith("#"):
        return None
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") or target.startswith("//"):
        path = _LOCALE_IN_URL.sub("", parts.path).replace("//", "/").rstrip("/").lower()
        path = path.replace("/fwlink/p", "/fwlink")  # go.microsoft.com/fwlink/p/?linkid= is /fwlink?linkid=
        query = "&".join(
            q
            for q in unquote(parts.query).split("&")
            if q and not q.lower().startswith(("ui-locale=", "lang=", "clcid=", "cc="))
        )
        return f"{parts.netloc.lower()}{path}" + (f"?{query.lower()}" if query else "")
    if parts.scheme.lower() == "xref":  # the uid: '?displayProperty=fullName' only changes what is shown
        return "xref:" + xref_target(target)[0].lower()
    if parts.scheme:
        return target.lower()
    return unquote(parts.path).lower()


def link_targets(segs: Sequence[Segment], _doc: Document | None = None) -> Counter[str]:
    keys = (link_key(link.target) for s in segs for link in s.links if link.kind == "link")
    return Counter(k for k in keys if k)


def check_links(ctx: Context) -> Iterator[Finding]:
    """Links (relative ``.md`` targets and URLs) that differ between a segment and its counterpart.
    A link of the reference to an article the corpus does not have is the reference's
    ``broken_link``, not something the translation lacks; a translation's link that its reference
    lacks is a mismatch in the translation, whether or not its target exists."""
    known = ctx.known_paths
    bodies: dict[str, str] = {}

    def lowered(doc: Document) -> str:
        # (a document's body, lower-cased once for the topic: most pairs never need it)
        found = bodies.get(doc.path)
        if found is None:
            found = bodies[doc.path] = doc.body.lower()
        return found

    def differ(
        a: Sequence[Segment], doc_a: Document, b: Sequence[Segment], doc_b: Document
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        keys_a, keys_b = set(link_targets(a)), set(link_targets(b))
        broken = {
            link_key(link.target)
            for s in a
            for link in s.links
            if link.kind == "link" and link.is_article and resolve_article(doc_a.path, link.target, known) not in known
        }
        missing, extra = keys_a - keys_b - broken, keys_b - keys_a
        # a target the other document writes in raw HTML the parser did not read as a link
        missing = {k for k in missing if not (_ids(k) and all(i in lowered(doc_b) for i in _ids(k)))}
        extra = {k for k in extra if not (_ids(k) and all(i in lowered(doc_a) for i in _ids(k)))}
        # one resource under two sites' addresses: the same article id (a KB number, a GUID) in both
        for x in list(missing):
            twin = next((y for y in extra if _ids(x) & _ids(y) and _host(x) != _host(y)), None)
            if twin is not None:
                missing.discard(x)
                extra.discard(twin)
        # named as written, where a translator finds them (a key is lower-cased and decoded)
        written = {link_key(link.target): link.target for s in (*b, *a) for link in s.links if link.kind == "link"}
        return tuple(sorted(written.get(k, k) for k in missing)), tuple(sorted(written.get(k, k) for k in extra))

    return compare_matched(ctx, "link_mismatch", "the link(s) to", differ)


_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<!\d)\d{5,}(?!\d)")


def _host(key: str) -> str:
    return key.split("/", 1)[0]


def _ids(key: str | None) -> set[str]:
    """The article ids in a link key: GUIDs and numbers of five digits or more."""
    return set(_ID.findall(key or ""))


_PLACEHOLDER = re.compile(r"<[^<>\s][^<>]*>")


def inline_code(segs: Sequence[Segment], _doc: Document | None = None) -> Counter[str]:
    """Inline code as compared: a placeholder in angle brackets (``<domain>``, ``<dominio>``) is the
    translator's to translate."""
    return Counter(f"`{_PLACEHOLDER.sub('<…>', c.strip())}`" for s in segs for c in s.code if c.strip())


def check_code(ctx: Context) -> Iterator[Finding]:
    """Inline code that differs between a segment and its counterpart (code is never translated)."""
    return compare_matched(ctx, "code_mismatch", "the inline code", set_difference(inline_code), False)


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


LANGUAGE_NAMES = {"pt": "Portuguese", "ru": "Russian", "es": "Spanish", "it": "Italian", "en": "English"}
