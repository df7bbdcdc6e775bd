"""A bilingual lexicon for every language pair, mined from the corpus itself: which word of one
language translates which word of another, with a weight in [0, 1].

Mining (:class:`Miner`) reads the topics alignment made: for each pair of confidently aligned
documents of two languages it pairs the units translators keep one for one — the titles, the
descriptions, and the headings, table cells and short paragraphs or list items when both documents
have as many of them — and counts, on analysed stems (:func:`kb.wordforms.stems`), which words occur
together in paired units. A pair of words scores its Dice coefficient (``2·n(a,b) / (n(a) + n(b))``),
the co-occurrence association hunalign bootstraps its dictionary with. A pair counts when met twice,
or once in a short unit, or once in any paired unit when the two are written alike
(:func:`cognate_similarity`: spelling corroborates what one co-occurrence alone would not show, it
``infrastruttur``, es ``infraestructur``). A word keeps its few best translations, those within
:data:`KEEP_SHARE` of its best one. Numbers and words with digits are not
translated (product names and versions stay as written: a word found as itself on the other side,
among its best translations, is its only one, which adds nothing to a query).

The :class:`BilingualLexicon` is one component with two users: the search expands a query's words
into their translations (:meth:`BilingualLexicon.translations`), and segment alignment scores how
much two segments of different languages say the same (:meth:`BilingualLexicon.similarity`). It is
stored with each release (:meth:`BilingualLexicon.dump`, :func:`load`), merged with a curated file
(:func:`read_curated`: TSV or YAML rows of term, language, translation, translation language, weight)
and exported (:meth:`BilingualLexicon.rows`, :func:`write_rows`).
"""

from __future__ import annotations

import csv
import io
import pickle
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np
import yaml
from whoosh.support.levenshtein import levenshtein

from kb.errors import InvalidParameter
from kb.locales import language
from kb.model import Document, SegmentKind, Topic
from kb.wordforms import stems, word_stem, words

FORMAT_VERSION = 1
MIN_TOPICS = 10
"""Two languages must share this many topics to be given translations (see :class:`Miner`)."""
MIN_CONFIDENCE = 0.8
"""Documents aligned to their topic with less confidence give no pairs."""
MAX_UNIT_STEMS = 12
"""Sentences of paragraphs and list items pair only when both are this short (long ones say too much
at once)."""
MIN_PAIRS = 2
"""A translation must be seen in at least this many paired units."""
SHORT_UNIT = 6
"""…or once, in a title, heading or cell of at most this many terms on both sides."""
MIN_DICE = 0.2
"""…and score at least this."""
KEEP_SHARE = 0.6
"""A word keeps the translations within this share of its best translation's score…"""
MAX_TRANSLATIONS = 3
"""…at most this many per language."""
MIN_COGNATE_LETTERS = 6
"""Shorter terms are never taken for written-alike cognates (:func:`cognate_similarity`)."""
LETTERS_PER_EDIT = 5
"""Cognates may differ by one edit per this many letters (see :func:`cognate_edits`)."""
COGNATE_PREFIX = 3
"""Cognates begin with as many same letters."""
PAIRED_KINDS = (SegmentKind.HEADING, SegmentKind.TABLE_CELL, SegmentKind.PARAGRAPH, SegmentKind.LIST_ITEM)
COLUMNS = ("term", "language", "translation", "translation_language", "weight")
"""The columns of an exported or curated lexicon."""
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_PARAGRAPH_END = (-1,)
"""Ends a paragraph's sentences among a document's units (no term has a negative number)."""

Translations = tuple[tuple[str, float], ...]
"""Translations of one term into one language, best first: (term, weight)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a lexicon file: a word, its language, one translation and its language, a weight."""

    term: str
    language: str
    translation: str
    translation_language: str
    weight: float


@dataclass
class BilingualLexicon:
    """Translations between analysed terms (stems), per (language, language) pair, both directions."""

    table: dict[tuple[str, str], dict[str, Translations]] = field(default_factory=dict)
    """(from language, to language) → term → its translations, best first."""
    words: dict[tuple[str, str], str] = field(default_factory=dict)
    """(language, term) → the word most often written for it (what an export shows)."""

    def translations(self, term: str, lang: str, to: str) -> Translations:
        """The translations of the analysed ``term`` of ``lang`` into ``to`` (languages or locales)."""
        return self.table.get((language(lang), language(to)), {}).get(term, ())

    def knows(self, term: str, lang: str) -> bool:
        """Whether the analysed ``term`` of ``lang`` has a translation into any language."""
        lang = language(lang)
        return any(term in terms for (la, _), terms in self.table.items() if la == lang)

    def languages(self) -> list[str]:
        return sorted({lang for pair in self.table for lang in pair})

    def __len__(self) -> int:
        return sum(len(v) for pair, terms in self.table.items() for v in terms.values())

    def similarity(self, tokens_a: Iterable[str], lang_a: str, tokens_b: Iterable[str], lang_b: str) -> float:
        """How much two texts say the same, in [0, 1]: the share of the distinct terms of both sides
        (analysed stems, see :func:`stems`) that meet themselves or one of their translations on the
        other side (hunalign's dictionary score). 0 when either side has no term."""
        a, b = set(tokens_a), set(tokens_b)
        if not a or not b:
            return 0.0
        la, lb = language(lang_a), language(lang_b)
        met_a = sum(1 for t in a if t in b or any(x in b for x, _ in self.translations(t, la, lb)))
        met_b = sum(1 for t in b if t in a or any(x in a for x, _ in self.translations(t, lb, la)))
        return (met_a + met_b) / (len(a) + len(b))

    def text_similarity(self, text_a: str, lang_a: str, text_b: str, lang_b: str) -> float:
        """:meth:`similarity` of two texts as written."""
        return self.similarity(stems(text_a, lang_a), lang_a, stems(text_b, lang_b), lang_b)

    # --- files --------------------------------------------------------------------------------------

    def dump(self, path: Path) -> None:
        """Store the lexicon (a release keeps it in its index folder)."""
        path.write_bytes(self.to_bytes())

    def to_bytes(self) -> bytes:
        """What :meth:`dump` writes (the same lexicon gives the same bytes)."""
        return pickle.dumps((FORMAT_VERSION, self.table, self.words), protocol=pickle.HIGHEST_PROTOCOL)

    def rows(self) -> Iterator[Row]:
        """Every translation, by language pair then term, as words (re-read by :func:`read_curated`)."""
        for (la, lb), terms in sorted(self.table.items()):
            for term in sorted(terms):
                for translation, weight in terms[term]:
                    yield Row(self.words.get((la, term), term), la,
                              self.words.get((lb, translation), translation), lb, round(weight, 4))

    def merged(self, rows: Iterable[Row]) -> BilingualLexicon:
        """This lexicon with curated rows: a row sets the weight of its translation from its term's
        language into its translation's (a new translation or a mined one reweighed; weight 0 removes
        it); the other way round is a row of its own, as an export writes it."""
        table = {pair: dict(terms) for pair, terms in self.table.items()}
        written = dict(self.words)
        for row in rows:
            a, b = _one_term(row.term, row.language), _one_term(row.translation, row.translation_language)
            written.setdefault((row.language, a), row.term.lower())
            written.setdefault((row.translation_language, b), row.translation.lower())
            _set(table, (row.language, row.translation_language), a, b, row.weight)
        return BilingualLexicon({k: v for k, v in table.items() if v}, written)


def _set(table: dict[tuple[str, str], dict[str, Translations]], pair: tuple[str, str], term: str,
         translation: str, weight: float) -> None:
    terms = table.setdefault(pair, {})
    kept = [(t, w) for t, w in terms.get(term, ()) if t != translation]
    if weight > 0:
        kept.append((translation, weight))
    kept.sort(key=lambda tw: (-tw[1], tw[0]))
    if kept:
        terms[term] = tuple(kept)
    else:
        terms.pop(term, None)


def _one_term(word: str, lang: str) -> str:
    found = stems(word, lang)
    if len(found) != 1:
        raise ValueError(f"'{word}' must be one word of {lang} that is not a stop word")
    return found[0]


def load(path: Path) -> BilingualLexicon:
    """A stored lexicon (:meth:`BilingualLexicon.dump`); an empty one when there is none or it is
    of another format (a release written before lexicons)."""
    try:
        version, table, words = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, ValueError, EOFError):
        return BilingualLexicon()
    return BilingualLexicon(table, words) if version == FORMAT_VERSION else BilingualLexicon()


# --- curated and exported files ---------------------------------------------------------------------


def write_rows(rows: Iterable[Row], out: io.TextIOBase | io.StringIO, fmt: str = "tsv") -> int:
    """Write rows as TSV (a header line, then one row a line) or YAML (a list of mappings); the count."""
    n = 0
    if fmt == "yaml":
        items = [{c: getattr(r, c) for c in COLUMNS} for r in rows]
        yaml.safe_dump(items, out, allow_unicode=True, sort_keys=False)
        return len(items)
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        out.write(f"{r.term}\t{r.language}\t{r.translation}\t{r.translation_language}\t{r.weight:g}\n")
        n += 1
    return n


def read_curated(path: Path) -> list[Row]:
    """The rows of a curated lexicon: ``.yaml``/``.yml`` (a list of mappings with the
    :data:`COLUMNS` as keys) or TSV (those columns, a header line first). Raises
    :class:`~kb.errors.InvalidParameter` naming the file and line of the first bad row."""
    from kb.ingest.textfiles import read_option_file  # (not at import: the search loads this module)

    text = read_option_file(path, "--lexicon")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_rows(path.name, text)
    return _tsv_rows(path.name, text)


def _tsv_rows(name: str, text: str) -> list[Row]:
    rows = []
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))]
        if tuple(c.lower() for c in cells) == COLUMNS:
            continue
        if len(cells) != len(COLUMNS):
            raise InvalidParameter(f"{name}, line {number}: expected {len(COLUMNS)} tab-separated columns "
                                   f"({', '.join(COLUMNS)}), found {len(cells)}")
        rows.append(_row(name, number, dict(zip(COLUMNS, cells, strict=True))))
    return rows


def _yaml_rows(name: str, text: str) -> list[Row]:
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise InvalidParameter(f"{name}{where}: not valid YAML") from None
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise InvalidParameter(f"{name}, line {node.start_mark.line + 1}: expected a list of entries "
                               f"with the keys {', '.join(COLUMNS)}")
    rows = []
    for item in node.value:
        number = item.start_mark.line + 1
        value = loader.construct_object(item, deep=True)
        if not isinstance(value, dict):
            raise InvalidParameter(f"{name}, line {number}: expected an entry with the keys {', '.join(COLUMNS)}")
        rows.append(_row(name, number, {str(k): "" if v is None else str(v) for k, v in value.items()}))
    return rows


def _row(name: str, number: int, cells: dict[str, str]) -> Row:
    where = f"{name}, line {number}"
    missing = [c for c in COLUMNS if not cells.get(c, "").strip()]
    if missing:
        raise InvalidParameter(f"{where}: missing {', '.join(missing)}")
    try:
        weight = float(cells["weight"])
    except ValueError:
        raise InvalidParameter(f"{where}: the weight '{cells['weight']}' is not a number") from None
    if not 0.0 <= weight <= 1.0:
        raise InvalidParameter(f"{where}: the weight {weight:g} is not between 0 and 1")
    langs = [language(cells[c].strip()) for c in ("language", "translation_language")]
    for lang, col in zip(langs, ("language", "translation_language"), strict=True):
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            raise InvalidParameter(f"{where}: '{cells[col]}' in {col} is not a language (such as it or it-IT)")
    if langs[0] == langs[1]:
        raise InvalidParameter(f"{where}: the term and its translation are both in '{langs[0]}'")
    row = Row(cells["term"].strip(), langs[0], cells["translation"].strip(), langs[1], weight)
    for word, lang in ((row.term, row.language), (row.translation, row.translation_language)):
        try:
            _one_term(word, lang)
        except ValueError as e:
            raise InvalidParameter(f"{where}: {e}") from None
    return row


# --- mining -------------------------------------------------------------------------------------------


class Miner:
    """Mines a :class:`BilingualLexicon` from topics given one at a time (:meth:`add`), keeping only
    each document's units as numbered terms: a writer fed topics one by one never holds the corpus.
    Two languages sharing fewer than ``min_topics`` topics get no translations: so few co-occurrences
    are noise (every word of a three-article corpus "translates" every other)."""

    def __init__(self, min_topics: int = MIN_TOPICS, term: Callable[[str, str], str | None] = word_stem) -> None:
        self.min_topics = min_topics
        self.term = term
        """(language, lower-cased word) → its term (None: a stop word): :func:`kb.wordforms.word_stem`,
        or the index writer's memoised analysis, which gives the same terms (each word analysed once)."""
        self.ids: dict[str, dict[str, int]] = defaultdict(dict)
        """Language → term → its number."""
        self.numbers: dict[str, dict[str, int]] = defaultdict(dict)
        """Language → word as written (lower-cased) → its term's number, or -1 for a stop word: each
        word is analysed once, not at each of its (hundreds of thousands of) occurrences."""
        self.written: dict[str, Counter[str]] = defaultdict(Counter)
        """Language → how often each word was written (which form of a term is its usual one)."""
        self.topics: list[dict[str, dict[str, list[tuple[int, ...]]]]] = []
        """Per topic: language → unit kind → its units (numbered terms), in document order."""
        self.shapes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        """Language → per term, its beginning's number and its length (see :meth:`_cognates`)."""
        self.beginnings: dict[str, int] = {}
        """The first letters of terms of any language → their number (one numbering for all)."""

    def add(self, topic: Topic) -> None:
        """Remember the units of the topic's documents, one document per language."""
        chosen: dict[str, Document] = {}
        for m in topic.members:
            lang = language(m.document.locale)
            if m.confidence >= MIN_CONFIDENCE and (lang not in chosen or _preferred(m.document, chosen[lang])):
                chosen[lang] = m.document
        if len(chosen) > 1:
            self.topics.append({lang: self._units(doc, lang) for lang, doc in chosen.items()})

    def _units(self, doc: Document, lang: str) -> dict[str, list[tuple[int, ...]]]:
        units: dict[str, list[tuple[int, ...]]] = {
            "title": [self._terms(re.split(r"\s[|(]", doc.title, maxsplit=1)[0], lang)],
            "description": [self._terms(doc.description, lang)] if doc.description else [],
        }
        for seg in doc.segments:
            if seg.kind in (SegmentKind.PARAGRAPH, SegmentKind.LIST_ITEM):
                # each paragraph as its sentences, told apart by a mark standing for the paragraph's end
                for sentence in _SENTENCE_END.split(seg.text):
                    units.setdefault("text", []).append(self._terms(sentence, lang))
                units["text"].append(_PARAGRAPH_END)
            elif seg.kind in PAIRED_KINDS:
                units.setdefault(seg.kind.value, []).append(self._terms(seg.text, lang))
        return units

    def _terms(self, text: str, lang: str) -> tuple[int, ...]:
        numbers, out = self.numbers[lang], []
        written = words(text)
        for word in written:
            number = numbers.get(word)
            if number is None:
                number = numbers[word] = self._number(lang, word)
            if number >= 0:
                out.append(number)
        self.written[lang].update(written)
        return tuple(dict.fromkeys(out))

    def _number(self, lang: str, word: str) -> int:
        stem, ids = self.term(lang, word), self.ids[lang]
        return -1 if stem is None else ids.setdefault(stem, len(ids))

    def lexicon(self) -> BilingualLexicon:
        """The mined lexicon, both directions of every pair of languages that share topics."""
        langs = sorted(self.ids)
        names = {lang: list(ids) for lang, ids in self.ids.items()}
        self.shapes = {}  # (of the terms known now)
        table: dict[tuple[str, str], dict[str, Translations]] = {}
        for i, la in enumerate(langs):
            for lb in langs[i + 1:]:
                forward, backward = self._pair(la, lb, names)
                if forward:
                    table[(la, lb)], table[(lb, la)] = forward, backward
        return BilingualLexicon(table, self._words(table))

    def _pair(self, la: str, lb: str, names: dict[str, list[str]]
              ) -> tuple[dict[str, Translations], dict[str, Translations]]:
        """Dice scores of the terms of ``la`` and ``lb`` met in paired units, kept as translations."""
        if sum(1 for units in self.topics if la in units and lb in units) < self.min_topics:
            return {}, {}
        paired = [pair for units in self.topics if la in units and lb in units
                  for pair in _paired(units[la], units[lb])]
        if not paired:
            return {}, {}
        nb = len(self.ids[lb])
        met, short, seen_a, seen_b = _cooccurrences(paired, nb)
        count_a = np.bincount(seen_a, minlength=len(self.ids[la]))
        count_b = np.bincount(seen_b, minlength=nb)
        keys, together = np.unique(met, return_counts=True)
        a, b = keys // nb, keys % nb
        dice = 2.0 * together / (count_a[a] + count_b[b])
        seen = (together >= MIN_PAIRS) | np.isin(keys, np.unique(met[short]))
        keep = (seen | self._cognates(a, b, la, lb, names, ~seen)) & (dice >= MIN_DICE)
        a, b, dice = a[keep], b[keep], dice[keep]
        return (_best(a, b, dice, names[la], names[lb], lb),
                _best(b, a, dice, names[lb], names[la], la))

    def _cognates(self, a: np.ndarray, b: np.ndarray, la: str, lb: str, names: dict[str, list[str]],
                  among: np.ndarray) -> np.ndarray:
        """Which pairs of terms (``among`` those not otherwise kept) are written alike
        (:func:`cognate_similarity`): met once in a long unit, a term and its cognate (it
        ``infrastruttur``, es ``infraestructur``) are a translation the co-occurrence alone would
        not show. The beginnings and lengths sift the pairs first, as arrays."""
        (begin_a, len_a), (begin_b, len_b) = self._shapes(la, names), self._shapes(lb, names)
        shorter = np.minimum(len_a[a], len_b[b])
        maybe = among & (begin_a[a] == begin_b[b]) & (shorter >= MIN_COGNATE_LETTERS)
        maybe &= np.abs(len_a[a] - len_b[b]) <= shorter // LETTERS_PER_EDIT
        out = np.zeros(len(a), dtype=bool)
        for i in np.flatnonzero(maybe).tolist():
            out[i] = cognate_similarity(names[la][int(a[i])], names[lb][int(b[i])]) > 0.0
        return out

    def _shapes(self, lang: str, names: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Per term of ``lang``, a number for its first :data:`COGNATE_PREFIX` letters and its length."""
        if lang not in self.shapes:
            beginnings, terms = self.beginnings, names[lang]
            begin = np.fromiter((beginnings.setdefault(t[:COGNATE_PREFIX], len(beginnings)) for t in terms),
                                np.int64, len(terms))
            self.shapes[lang] = (begin, np.fromiter(map(len, terms), np.int64, len(terms)))
        return self.shapes[lang]

    def _words(self, table: dict[tuple[str, str], dict[str, Translations]]) -> dict[tuple[str, str], str]:
        """(language, term) → its most written word, for the terms of the table."""
        wanted = {(la, t) for (la, _), terms in table.items() for t in terms}
        best: dict[tuple[str, str], tuple[int, str]] = {}
        for lang, counts in self.written.items():
            names, numbers = list(self.ids[lang]), self.numbers[lang]
            for word, n in counts.items():
                if numbers[word] < 0:
                    continue
                key = (lang, names[numbers[word]])
                if key in wanted and (key not in best or (n, word) > best[key]):
                    best[key] = (n, word)
        return {k: w for k, (_, w) in best.items()}


def _cooccurrences(paired: list[tuple[tuple[int, ...], tuple[int, ...]]], nb: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of terms met in a paired unit, as ``a * nb + b`` (one per unit it is met in); which
    of them are met in a short unit (:data:`SHORT_UNIT`); and the terms of each side, one per unit.
    Made as arrays (each unit's terms crossed by index arithmetic), not pair by pair in Python."""
    len_a = np.fromiter((len(ua) for ua, _ in paired), np.int64, len(paired))
    len_b = np.fromiter((len(ub) for _, ub in paired), np.int64, len(paired))
    flat_a = np.fromiter(chain.from_iterable(ua for ua, _ in paired), np.int64, int(len_a.sum()))
    flat_b = np.fromiter(chain.from_iterable(ub for _, ub in paired), np.int64, int(len_b.sum()))
    sizes = len_a * len_b
    unit = np.repeat(np.arange(len(paired)), sizes)
    k = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = len_b[unit]
    x = flat_a[(np.cumsum(len_a) - len_a)[unit] + k // width]
    y = flat_b[(np.cumsum(len_b) - len_b)[unit] + k % width]
    short = (np.maximum(len_a, len_b) <= SHORT_UNIT)[unit]
    return x * nb + y, short, flat_a, flat_b


def _preferred(doc: Document, other: Document) -> bool:
    """The document that stands for its language in a topic: the global edition, then the first path."""
    return ("global" in doc.editions, other.path) > ("global" in other.editions, doc.path)


def _paired(a: dict[str, list[tuple[int, ...]]], b: dict[str, list[tuple[int, ...]]]
            ) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The units of two documents said one for one: of each kind, when both have as many; the
    sentences of two paragraphs when they have as many (and the documents as many paragraphs)."""
    for kind, units in a.items():
        others = b.get(kind, [])
        if kind == "text":
            yield from _paired_sentences(units, others)
            continue
        if len(units) == len(others):
            yield from ((ua, ub) for ua, ub in zip(units, others, strict=True) if ua and ub)


def _paired_sentences(a: list[tuple[int, ...]], b: list[tuple[int, ...]]
                      ) -> Iterator[tuple[tuple[int, ...], tuple[int, ...]]]:
    paragraphs_a, paragraphs_b = _split(a), _split(b)
    if len(paragraphs_a) != len(paragraphs_b):
        return
    for pa, pb in zip(paragraphs_a, paragraphs_b, strict=True):
        if len(pa) == len(pb):
            for ua, ub in zip(pa, pb, strict=True):
                if ua and ub and max(len(ua), len(ub)) <= MAX_UNIT_STEMS:
                    yield ua, ub


def _split(units: list[tuple[int, ...]]) -> list[list[tuple[int, ...]]]:
    out: list[list[tuple[int, ...]]] = [[]]
    for unit in units:
        if unit == _PARAGRAPH_END:
            out.append([])
        else:
            out[-1].append(unit)
    return out[:-1]


def _best(a: np.ndarray, b: np.ndarray, dice: np.ndarray, names_a: list[str], names_b: list[str],
          lb: str) -> dict[str, Translations]:
    """Per term of ``a``, its best translations in ``b`` (see :data:`KEEP_SHARE`); terms with digits
    are left as they are."""
    out: dict[str, Translations] = {}
    order = np.lexsort((-dice, a))
    start = 0
    a_sorted = a[order]
    bounds = np.flatnonzero(np.diff(a_sorted)) + 1
    for stop in [*bounds.tolist(), len(order)]:
        chunk = order[start:stop]
        start = stop
        term = names_a[int(a[chunk[0]])]
        if _DIGIT.search(term):
            continue
        top = float(dice[chunk[0]])
        alike = [j for j in chunk if dice[j] >= top and _alike(term, names_b[int(b[j])])]
        if alike:  # a name or a shared word, found as itself: its own translation, alone
            out[term] = ((names_b[int(b[alike[0]])], round(top, 4)),)
            continue
        kept = tuple((names_b[int(b[j])], round(float(dice[j]), 4)) for j in chunk[:MAX_TRANSLATIONS]
                     if dice[j] >= KEEP_SHARE * top and not _DIGIT.search(names_b[int(b[j])]))
        if kept:
            out[term] = kept
    return out


def _alike(a: str, b: str) -> bool:
    """The same term, or one the other's stem (``azur``, ``azure``: stemmed in one language, not another)."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def cognate_edits(length: int) -> int:
    """The edits two cognates of ``length`` letters may differ by: one per :data:`LETTERS_PER_EDIT`
    letters (it ``infrastruttur``, es ``infraestructur``: 2 in 13), none below
    :data:`MIN_COGNATE_LETTERS` (short stems are too alike by chance: ``prim``, ``prin``)."""
    return length // LETTERS_PER_EDIT if length >= MIN_COGNATE_LETTERS else 0


def cognate_similarity(a: str, b: str) -> float:
    """How alike two analysed terms of two languages of one script are written, in [0, 1]: one minus
    their edit distance over the longer one's length, 0 when they differ by more edits than
    :func:`cognate_edits` allows (or begin differently: cognates of related languages keep their
    first letters, and a shared beginning is what finds them among thousands of terms quickly)."""
    most = cognate_edits(min(len(a), len(b)))
    if a[:COGNATE_PREFIX] != b[:COGNATE_PREFIX] or abs(len(a) - len(b)) > most:
        return 0.0
    start, end = 0, 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1  # (the distance is that of the middles, between a shared beginning and ending)
    distance = levenshtein(a[start:len(a) - end], b[start:len(b) - end], most)  # (more than most: most + 1 or more)
    return 1.0 - distance / max(len(a), len(b)) if distance <= most else 0.0


def mine(topics: Iterable[Topic], min_topics: int = MIN_TOPICS) -> BilingualLexicon:
    """The lexicon of ``topics`` (see :class:`Miner`)."""
    miner = Miner(min_topics)
    for topic in topics:
        miner.add(topic)
    return miner.lexicon()
