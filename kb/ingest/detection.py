"""Which language a segment's prose is in, for the translators' check of untranslated text.

A segment plainly in its document's language (its script for Russian, else its function words) is
taken as such at once; a long enough other one goes to the statistical identifier
(:func:`kb.locales.detect`, py3langid), about 0.5 ms a segment. Detections are memoised in
:data:`DETECTED` by a digest of the text, shared by the build, its site workers and the next build.
"""

from __future__ import annotations

import hashlib
import re

from kb import locales, memos
from kb.model import Segment

URL = re.compile(r"https?://\S+|www\.\S+", re.I)
"""A URL in running text: not prose, never translated."""

DETECT_LANGUAGES: tuple[str, ...] = (*locales.SUPPORTED_LANGUAGES, "en")
"""Languages a segment may be detected in: the corpus languages, and English, the usual source."""
MIN_DETECT_LETTERS = 60
"""Language detection is trusted from this many letters; below it, it confuses close languages."""
MIN_DETECT_CONFIDENCE = 0.99



_WORD = re.compile(r"[^\W\d_]{2,}")


def without_code(seg: Segment, text: str | None = None) -> str:
    """A segment's text (or ``text``, made from it) with its inline code blanked (what a reader sees as prose)."""
    text = seg.text if text is None else text
    for code in dict.fromkeys(seg.code):  # (each distinct code once: the text is read for each)
        text = text.replace(code, " ")
    return text


def _prose(seg: Segment) -> str:
    """A segment's text without URLs and inline code: what a translator translates."""
    return without_code(seg, URL.sub(" ", seg.text))


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words that only one of the detected languages uses: a segment full of its own language's
# and free of the others' needs no statistical detection (which costs ~0.5 ms a segment).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "pt": _set(
        "não você vocês são estão também pelo pela pelos pelas isso isto dos das nos nas ao aos "
        "às à do em ou seu sua seus suas já então após até depois pode podem será tem têm com os "
        "um é"
    ),
    "es": _set(
        "el los las del al y es están también pero puede pueden hay muy sin después así usted lo le ya cuando"
    ),
    "it": _set(
        "il gli di della dello dei degli delle nel nella nei nelle sul sulla per che non è anche "
        "più possono può sono essere questo questa questi queste ad ai alla alle agli dal dalla "
        "uno ogni molto senza dopo"
    ),
    "en": _set(
        "the and of to is are for with this that you your can be by from on or not if will an "
        "it as at which have has"
    ),
}
_FUNCTION_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {
    w: tuple(lang for lang, words in _FUNCTION_WORDS.items() if w in words)
    for w in set().union(*_FUNCTION_WORDS.values())
}
"""Function word → the languages it is one of (a text's words are looked up once, not per language)."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _clearly(text: str, own: str) -> bool:
    """True when ``text`` is plainly in the language ``own``: by its script for Russian, else by its
    function words (at least two of its own, more than twice as many as any other language's)."""
    letters = sum(map(str.isalpha, text))
    cyrillic = len(_CYRILLIC.findall(text))
    if own == "ru":
        return cyrillic >= 0.8 * letters
    if cyrillic > 0.2 * letters:
        return False
    hits = dict.fromkeys(_FUNCTION_WORDS, 0)
    for w in text.lower().split():
        for lang in _FUNCTION_WORD_LANGUAGES.get(w.strip(".,;:!?()«»“”\"'"), ()):
            hits[lang] += 1
    mine = hits.pop(own, 0)
    return mine >= 2 and mine > 2 * max(hits.values(), default=0)


def detected_language(seg: Segment, own: str | None = None) -> tuple[str, float] | None:
    """(language, confidence) of a long enough prose segment, else None; ``own`` (the document's
    language) is returned at once when the text is plainly in it."""
    text = _prose(seg)
    # By a digest: keyed by the texts themselves, the memo held a copy of the corpus's prose (in the
    # build, which saves it, and in every site worker).
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest(), own)
    memo = memos.mapping("language-detections")
    if key in memo:
        return memo[key]
    found = _detected_text(text, own)
    memo.add(key, found)
    return found


def _detected_text(text: str, own: str | None) -> tuple[str, float] | None:
    if sum(len(w) for w in _WORD.findall(text)) < MIN_DETECT_LETTERS:
        return None
    if own is not None and _clearly(text, own):
        return own, 1.0
    tag, confidence = locales.detect(text, DETECT_LANGUAGES)
    return locales.language(tag), confidence
