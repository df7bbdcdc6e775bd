"""Language-independent evidence: what two translations of one text share whatever their language.

Translators keep link targets, URLs, image files, numbers, inline code, product names (Azure, CSP,
EA) and the ``<a name>`` anchors of headings, and they rarely change an article's structure. These
tokens let alignment pair segments across languages, and pair documents when neither metadata nor
paths do. Tokens carry a one-letter prefix saying what they are (``l:`` link, ``n:`` number, …) so
that, say, the number 365 never matches a product called 365.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable

from kb import memos
from kb.ingest.editions import is_label
from kb.locales import language
from kb.model import Document, Link, Segment, SegmentKind

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
# Where sentences start, and Latin-script words with a capital first letter, with the joiners found
# in product names (C#, Wi-Fi).
_SENTENCE_START = re.compile(r"[.!?]\s+")
_NAME = re.compile(r"\b[A-Z\u00c0-\u00de][\w]*(?:[+#]+|(?:[-.'][^\W_]+)+)?")
_LOCALE_SEGMENT = re.compile(r"/[a-z]{2}-[a-z]{2}(?=/|$)")
_LOCALE_PARAM = re.compile(r"([?&])(clcid|mkt|lang|locale|ui-locales)=[^&#]*&?")
_A_NAME = re.compile(r"""<a\s+(?:name|id)\s*=\s*["']?([^"'\s>]+)""", re.I)

# Segment kinds and their letter in a document's structure signature.
_KIND_LETTER = {
    SegmentKind.HEADING: "h",
    SegmentKind.PARAGRAPH: "p",
    SegmentKind.LIST_ITEM: "i",
    SegmentKind.TABLE_CELL: "t",
    SegmentKind.ALERT: "a",
    SegmentKind.CODE: "c",
}


def link_key(link: Link) -> str | None:
    """A link target as translations write it, whatever their locale: URLs lose the scheme, ``www.``
    and locale segments (``/pt-br/``); relative links keep their file name; images their file name."""
    target = link.target.strip().lower()
    if not target or target.startswith(("#", "mailto:")):
        return None
    if link.is_external:
        target = re.sub(r"^[a-z]+:", "", target).lstrip("/")
        target = target.removeprefix("www.")
        target = _LOCALE_PARAM.sub(r"\1", target).rstrip("?&")
        target = _LOCALE_SEGMENT.sub("", target).rstrip("/")
        return f"u:{target}"
    path = target.split("#", 1)[0].split("?", 1)[0]
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        return None
    return f"{'i' if link.kind == 'image' else 'l'}:{name}"


def numbers(text: str) -> list[str]:
    """Numbers written in the text, separators dropped (``1.000`` and ``1,000`` agree)."""
    return [m.replace(".", "").replace(",", "") for m in _NUMBER.findall(text)]


CAPITALISED_NOUNS = frozenset({"de", "lb"})
"""Languages that capitalise every noun: there a capital away from a sentence's start names nothing."""


def names(text: str, nouns_capitalised: bool = False) -> list[str]:
    """Latin-script words that look like names: all capitals (CSP, EA), inner capitals (PowerShell),
    or capitalised away from the start of a sentence (Azure, Microsoft), unless ``nouns_capitalised``
    (German ``Benutzer``, ``Einstellungen``). Lower-cased."""
    starts = {m.end() for m in _SENTENCE_START.finditer(text)}
    starts.add(len(text) - len(text.lstrip()))
    return [
        word.lower()
        for m in _NAME.finditer(text)
        if len(word := m.group(0)) > 1
        and (not word[1:].islower() or not (nouns_capitalised or m.start() in starts))
        and _is_latin(word)
    ]


def _is_latin(word: str) -> bool:
    return word.isascii() or all(c < "\u0250" for c in word)


def segment_anchors(segment: Segment, nouns_capitalised: bool = False) -> frozenset[str]:
    """The language-independent tokens of one segment (``nouns_capitalised``: see :func:`names`)."""
    out: set[str] = set()
    for link in segment.links:
        key = link_key(link)
        if key:
            out.add(key)
    out.update(f"n:{n}" for n in numbers(segment.text))
    out.update(f"c:{c.strip().lower()}" for c in segment.code if c.strip())
    out.update(f"w:{w}" for w in names(segment.text, nouns_capitalised))
    if segment.kind is SegmentKind.CODE:
        out.add(f"c:{segment.text.strip().lower()[:200]}")
    return frozenset(out)


_ANCHORS = memos.by_document("document-anchors")


_WORDS = memos.by_document("document-words")
_WORD = re.compile(r"[^\W\d_]{2,}")


def words(text: str) -> list[str]:
    """Lower-cased words of two letters or more (language-dependent: for comparisons within one
    language)."""
    return _WORD.findall(text.lower())


def document_words(doc: Document) -> tuple[tuple[str, ...], ...]:
    """:func:`words` of every segment of ``doc`` (remembered, each distinct word kept once: as
    separate strings they took more memory than the documents themselves)."""
    result: tuple[tuple[str, ...], ...] = _WORDS.get(
        doc, lambda d: tuple(tuple(map(sys.intern, words(s.text))) for s in d.segments)
    )
    return result


def document_anchors(doc: Document) -> tuple[frozenset[str], ...]:
    """:func:`segment_anchors` of every segment of ``doc`` (remembered: alignment asks often)."""
    result: tuple[frozenset[str], ...] = _ANCHORS.get(
        doc, lambda d: tuple(segment_anchors(s, language(d.locale) in CAPITALISED_NOUNS) for s in d.segments)
    )
    return result


def explicit_anchors(doc: Document) -> list[tuple[int, str]]:
    """(level, anchor) of the headings whose anchor comes from an ``<a name>`` in the source: those
    are written once in English and kept by every translation, unlike anchors made from the text."""
    named = set(_A_NAME.findall(doc.body))
    return [
        (s.level or 0, s.anchor)
        for s in doc.segments
        if s.kind is SegmentKind.HEADING and s.anchor is not None and s.anchor in named
    ]


def h1_anchor(doc: Document) -> str | None:
    """The explicit anchor of the document's first heading (the title), if it has one (remembered)."""
    result: str | None = _H1.get(doc, _h1_anchor)
    return result


_H1 = memos.by_document("document-h1")


def _h1_anchor(doc: Document) -> str | None:
    first = next((s for s in doc.segments if s.kind is SegmentKind.HEADING), None)
    if first is None:
        return None
    return next((a for level, a in explicit_anchors(doc) if a == first.anchor), None)


def applies_to_block(doc: Document) -> set[int]:
    """Indexes of the segments of the "Applies to" block (its label and its list): they name the
    editions of the document, not what it says, so content comparisons leave them out."""
    segs = doc.segments
    for i, seg in enumerate(segs[:12]):
        if seg.kind is SegmentKind.PARAGRAPH and is_label(seg.text):
            block = {i}
            prefix = None
            for j in range(i + 1, len(segs)):
                head = segs[j].path.rsplit("/item[", 1)[0]
                if segs[j].kind is not SegmentKind.LIST_ITEM or (prefix is not None and head != prefix):
                    break
                prefix = head
                block.add(j)
            return block
    return set()


_FEATURES = memos.by_document("document-features")


def document_features(doc: Document) -> Counter[str]:
    """A document's language-independent tokens with their counts: heading anchors (the title's
    counted apart), links, images, URLs, numbers, inline code and names (not those of its "Applies
    to" block, which name editions). Remembered; callers must not change the counter."""
    result: Counter[str] = _FEATURES.get(doc, _document_features)
    return result


def _document_features(doc: Document) -> Counter[str]:
    out: Counter[str] = Counter()
    title = h1_anchor(doc)
    if title:
        out[f"t:{title}"] += 1
    out.update(f"a:{a}" for _, a in explicit_anchors(doc) if a != title)
    skip = applies_to_block(doc)
    for i, anchors in enumerate(document_anchors(doc)):
        if i not in skip:
            out.update(anchors)
    return out


def structure(doc: Document) -> Counter[str]:
    """How many segments of each kind (and heading level) a document has: its shape, in any language."""
    out: Counter[str] = Counter()
    for seg in doc.segments:
        letter = _KIND_LETTER[seg.kind]
        out[f"{letter}{seg.level}" if seg.level else letter] += 1
    return out


def overlap(a: Counter[str], b: Counter[str]) -> float:
    """Weighted Jaccard of two count vectors, in [0, 1] (1 when both are empty)."""
    keys: Iterable[str] = a.keys() | b.keys()
    top = sum(max(a[k], b[k]) for k in keys)
    return sum(min(a[k], b[k]) for k in keys) / top if top else 1.0
