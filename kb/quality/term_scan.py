"""Which renderings of product terms a document's text uses: one read of each document for
every rendering looked for, at a cost that grows with the text, not with the number of renderings
(see :class:`NameScanner`), and the answers kept per document (memo ``glossary-texts``) so that a
rebuild reads only changed documents. Mining and the term check both ask here.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kb import memos
from kb.model import Document, SegmentKind

_MEMO = memos.generations("glossary-texts")
"""(document, question) → the answer: which names its text uses, kept while the document is read."""


def texts_by_locale(documents: Sequence[Document]) -> dict[str, list[Document]]:
    """Each locale's documents (whose text :func:`_prose` gives)."""
    out: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        out[doc.locale].append(doc)
    return dict(out)


def _uses(text: str, words: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    return may_use(text, words) and pattern.search(text) is not None


def _prose(doc: Document) -> str:
    """A document's text as lower-case prose (code left out)."""
    return " ".join(s.text for s in doc.segments if s.kind is not SegmentKind.CODE).lower()


def names_used(texts: dict[str, list[Document]], names: tuple[str, ...]) -> dict[int, frozenset[str]]:
    """id of each document → which of ``names`` its text uses: scanned once per document and set of
    names, and only that answer kept (not the text: at 100x the texts of the corpus weigh 370 MB)."""
    scanner = NameScanner(names)

    def scan(doc: Document) -> frozenset[str]:
        return scanner.used_in(_prose(doc))

    return {id(d): _MEMO.get(d, ("names", names), functools.partial(scan, d)) for ds in texts.values() for d in ds}


_TOKEN = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_BREAK = " \x00 "
"""What stands for characters that are neither word nor white space: a token no rendering has, so that
splitting the text at white space leaves its words, and two words next to each other there were apart
only by white space."""
_KNOWN_MAX = 500_000


@dataclass(slots=True)
class _Node:
    """The renderings whose words, in order, lead to this node of :class:`NameScanner`'s word trie."""

    names: list[str]
    """Renderings that end here."""
    next: dict[str, _Node]
    """The next word of longer renderings."""


class NameScanner:
    """Which of many renderings a text uses, at a cost that grows with the text and what it uses, not
    with the number of renderings (which grows with the corpus: a pattern per rendering and text was
    30 s at 10x; a list of renderings per word of the text was most of the 100x build's term checks).

    :func:`variant_pattern` matches a rendering made of word characters exactly where consecutive words
    of the text, apart only by white space, are its words each followed by at most three more
    characters. So renderings are kept in a trie of words, and the text is walked from each of its
    words that is such a first word, as far as the trie goes. Which words of the text are first words
    is decided with set operations on the text's distinct words, each word worked out once per
    scanner. Renderings with other characters (``Wi-Fi``, ``C#``) are tried with their pattern on the
    texts that have all their words."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.trie: dict[str, _Node] = {}
        self.others: dict[str, list[tuple[str, tuple[str, ...], re.Pattern[str]]]] = defaultdict(list)
        """Keyed by the longest run of word characters in the rendering ("" when it has none)."""
        self.known: set[str] = set()
        """Words of the texts scanned so far whose keys are worked out."""
        self.keys: dict[str, list[str]] = {}
        """Word of a text → the first words and ``others`` keys it is (less 0 to 3 characters)."""
        for name in names:
            words = variant_words(name)
            if words and all(_TOKEN.fullmatch(w) for w in words):
                level = self.trie
                for word in words[:-1]:
                    level = level.setdefault(word, _Node([], {})).next
                level.setdefault(words[-1], _Node([], {})).names.append(name)
            else:
                tokens = _TOKEN.findall(" ".join(words))
                self.others[max(tokens, key=len, default="")].append((name, words, variant_pattern(name)))

    def used_in(self, lowered: str) -> frozenset[str]:
        tokens = _NOT_WORD.sub(_BREAK, lowered).split()
        unique = set(tokens)
        self._learn(unique - self.known)
        present = unique & self.keys.keys()
        found: set[str] = set()
        if any(k in self.trie for w in present for k in self.keys[w]):
            found |= self._walk(tokens, present)
        others = {k for w in present for k in self.keys[w] if k in self.others} | ({""} & self.others.keys())
        for key in others:
            found.update(name for name, words, pattern in self.others[key] if _uses(lowered, words, pattern))
        return frozenset(found)

    def _learn(self, words: set[str]) -> None:
        if len(self.known) + len(words) > _KNOWN_MAX:  # a bound on memory: the scanner outlives no build
            self.known.clear()
            self.keys.clear()
        self.known |= words
        for word in words:
            keys = [k for k in _less(word) if k in self.trie or k in self.others]
            if keys:
                self.keys[word] = keys

    def _walk(self, tokens: list[str], present: set[str]) -> set[str]:
        """The renderings of the trie found in the text's ``tokens``."""
        found: set[str] = set()
        last = len(tokens) - 1
        for i in [i for i, token in enumerate(tokens) if token in present]:
            nodes = [self.trie[k] for k in self.keys[tokens[i]] if k in self.trie]
            while nodes:
                for node in nodes:
                    found.update(node.names)
                if i == last:
                    break
                i += 1
                nodes = [n for node in nodes if node.next for k in _less(tokens[i]) if (n := node.next.get(k))]
        return found


@memos.cached("word-prefixes")
def _less(word: str) -> tuple[str, ...]:
    """``word`` less 0 to 3 of its last characters (at least one character left)."""
    return tuple(word[: len(word) - k] for k in range(min(3, len(word) - 1) + 1))


def variant_words(variant: str) -> tuple[str, ...]:
    """A rendering's words, lower-cased: what :func:`may_use` looks for before trying its pattern."""
    return tuple(variant.lower().split())


def may_use(lowered: str, words: tuple[str, ...]) -> bool:
    """A cheap test that must hold for ``lowered`` to use the rendering of ``words``: every word is in
    it (an inflected form starts with the word). Most texts fail it, and skip the regex."""
    for w in words:  # noqa: SIM110 - called per segment and rendering: a generator costs twice as much
        if w not in lowered:
            return False
    return True


def variant_pattern(variant: str) -> re.Pattern[str]:
    """A rendering as a case-insensitive pattern of whole words, each word allowed a short ending so
    that inflected forms count (Russian "Центре партнеров" for "Центр партнеров")."""
    words = [re.escape(w) + r"\w{0,3}" for w in variant.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)
