"""Words as kb's search index and its bilingual lexicon see them: accents folded, stop words dropped,
Snowball stems (the shared vocabulary of :mod:`kb.search.analysis` and :mod:`kb.align.lexicon`).

:func:`stems` gives the terms of a text exactly as the index's analyzer does in query mode
(``stem(fold(word))`` per word; ``tests/test_wordforms.py`` holds the two together), so that a
term the lexicon mined is a term the index can be searched for.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator

import Stemmer
from whoosh.lang import aliases as whoosh_aliases
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language

from kb import memos

# Languages whose words are written in Cyrillic: their stemmers must not see Latin words, and the
# Latin-script stemmers must not see Cyrillic ones.
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "bg", "be", "sr", "mk"})

MIN_WORD = 2
"""Shorter words are dropped with the stop words (Whoosh's StopFilter ``minsize``)."""


_FOLDED_RANGES = ((0xC0, 0x250), (0x370, 0x400), (0x1E00, 0x2000))
"""Latin and Greek letters, the scripts whose readers leave accents out. Other scripts keep their marks:
Japanese ``パ`` is not ``ハ``, and a Korean syllable is not its letters."""


def fold_char(ch: str) -> str:
    """Latin and Greek letters lose their diacritics (``ç`` → ``c``, ``ã`` → ``a``); Cyrillic keeps them
    (``й`` is its own letter) except ``ё``, which Russian readers treat as ``е``; other scripts keep theirs."""
    if ch in "ёЁ":
        return "е" if ch == "ё" else "Е"
    if not any(low <= ord(ch) < high for low, high in _FOLDED_RANGES):
        return ch
    base = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in base if not unicodedata.combining(c))
    return kept or ch


# fold() at C speed (str.translate): every character fold_char changes.
FOLD_TABLE = {cp: fold_char(chr(cp)) for low, high in _FOLDED_RANGES for cp in range(low, high)
              if fold_char(chr(cp)) != chr(cp)}
FOLD_TABLE.update({ord("ё"): "е", ord("Ё"): "Е"})


@memos.cached("folded-words")
def fold(word: str) -> str:
    """Remove the accents users leave out: ``suscripción`` → ``suscripcion``, ``счёт`` → ``счет``."""
    if word.isascii():
        return word
    return word.translate(FOLD_TABLE)


def fold_text(text: str) -> str:
    """Lower-case and fold a whole text the way the analyzers fold words (to look for terms in it)."""
    return text.lower().translate(FOLD_TABLE)


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


# Whoosh's language codes → the names of PyStemmer's algorithms (Whoosh's aliases name them too).
_SNOWBALL_NAMES = {code: name for name, code in whoosh_aliases.items() if name in Stemmer.algorithms()}


@functools.cache
def stemmer(lang: str) -> Callable[[str], str]:
    """A cached Snowball stemmer: the same few thousand words recur across a corpus.

    The Snowball project's own C stemmers (PyStemmer) where they have the language, else Whoosh's
    Python ports: ~15× faster (the index writer stemmed the dev corpus's 24,000 words in ~0.45 s),
    and their current algorithms also stem an unaccented word as its accented form
    (``aplicacion`` → ``aplic``, as ``aplicación``), where Whoosh's old ports did not."""
    name = _SNOWBALL_NAMES.get(lang)
    if name is not None:
        stem: Callable[[str], str] = Stemmer.Stemmer(name).stemWord
    else:
        stem = stemmer_for_language(lang)
    return memos.cached("stemmed-words")(stem)


@functools.cache
def stop_words(lang: str) -> frozenset[str]:
    """The language's stop words, folded: ``não`` is listed as ``nao``."""
    return frozenset(fold(w) for w in stopwords_for_language(lang)) if has_stopwords(lang) else frozenset()


@functools.cache
def _analysis(lang: str) -> tuple[bool, bool]:
    """Whether Whoosh has stop words and a stemmer for ``lang`` (it looks them up in a table each time)."""
    return has_stopwords(lang), has_stemmer(lang)


# Scripts written without spaces between words (Han, kana) or whose words carry their particles
# (Hangul). With no dictionary of their words, each run of them is read as overlapping pairs of
# characters ("パスワード" → パス, スワ, ワー, ード), as Lucene's CJK bigram filter does: a query word
# finds every text holding its pairs in order, a single character stands for itself.
CJK = ("\u1100-\u11ff\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3041-\u309a\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
       "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff"
       "\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f")
"""The characters read in pairs (ranges for a regular expression's class)."""

TOKEN = re.compile(r"\w+(?:\.?\w+)*")
"""The words of a text without :data:`CJK` characters (Whoosh's RegexTokenizer's expression)."""
_PIECE = re.compile(rf"[^\W{CJK}]+(?:\.?[^\W{CJK}]+)*|[{CJK}]+")
_HAS_CJK = re.compile(rf"[{CJK}]")


def token_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where each token of ``text`` starts and ends: its words, and its :data:`CJK` runs as
    overlapping pairs of characters (a run of one character as itself)."""
    for m in _PIECE.finditer(text):
        start, end = m.span()
        if end - start == 1 or not _HAS_CJK.match(text, start):
            yield start, end
        else:
            for i in range(start, end - 1):
                yield i, i + 2


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` as written (:func:`token_spans`): what the index's tokenizer finds."""
    if not _HAS_CJK.search(text):
        return TOKEN.findall(text)
    return [text[start:end] for start, end in token_spans(text)]


def is_token(text: str) -> bool:
    """True when ``text`` is one token as :func:`tokens` reads it."""
    return tokens(text) == [text]


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, as the index's tokenizer finds them."""
    return tokens(text.lower())


@memos.cached("word-stems")
def word_stem(lang: str, word: str) -> str | None:
    """The query-mode term of one lower-cased word in ``lang`` (None: a stop word or too short)."""
    folded = fold(word)
    has_stops, has_stems = _analysis(lang)
    if has_stops and (len(word) < MIN_WORD or folded in stop_words(lang)):
        return None
    if not has_stems or is_cyrillic(word) != (lang in CYRILLIC_LANGUAGES):
        return folded
    return stemmer(lang)(folded)


def stems(text: str, lang: str) -> list[str]:
    """The terms of ``text`` in ``lang`` (``pt`` or ``pt-BR``), in order: what the index's analyzer
    gives in query mode."""
    lang = lang.split("-", 1)[0].lower()
    out = []
    for word in words(text):
        stem = word_stem(lang, word)
        if stem is not None:
            out.append(stem)
    return out
