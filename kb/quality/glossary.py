"""Product terms: mined from the corpus, kept in a glossary file a user can edit, and checked for
consistency (one term rendered two ways across a locale's documents).

Mining reads the places where every locale names the same product in the same position: the
suffix of each title (``… | Partner Center`` / ``… | Centro de partners``) and the entries of the
"Applies to" block. Strings that stand in the same place across locales in several topics are one
term; the rendering found in the text of the most locales is its *source form* ("Partner Center",
which translators sometimes leave untranslated), and it is looked for in every locale too.

The glossary file (YAML, written by ``kb export glossary``)::

    terms:
      - term: Partner Center
        locales:
          es-ES:
            variants: [Centro de partners, Partner Center]
            preferred: Centro de partners   # optional: the rendering every document should use
          it-IT: [Centro per i partner, Partner Center]   # a plain list: variants, none preferred
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kb import locales, memos
from kb.errors import KbError
from kb.ingest.editions import applies_to_entries
from kb.model import Alignment, Document, Segment, SegmentKind

MIN_PLACES = 2
"""A rendering (and a link between two renderings) counts once it is seen in this many topics."""


class GlossaryError(KbError):
    """A glossary file that cannot be read; the message names the file and line."""

    code = "invalid_glossary"
    status = 400


@dataclass(frozen=True, slots=True)
class TermLocale:
    """How one locale renders a term."""

    locale: str
    """BCP 47 tag such as ``es-ES``."""
    variants: tuple[str, ...]
    """Every rendering to look for in the locale's documents."""
    preferred: str | None = None
    """The rendering documents should use; None: the one most documents use."""


@dataclass(frozen=True, slots=True)
class Term:
    """One product term and its renderings per locale."""

    term: str
    """The term's name (its source form, e.g. ``Partner Center``)."""
    locales: tuple[TermLocale, ...]
    """Renderings per locale, sorted by locale."""


@dataclass(frozen=True, slots=True)
class Glossary:
    """The terms checked for consistency."""

    terms: tuple[Term, ...]
    """The terms, in file (or mining) order."""


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


# --- mining --------------------------------------------------------------------------------------


def clean_name(text: str) -> str:
    """A product name as compared: white space collapsed, quotes and end punctuation removed."""
    text = re.sub(r"\s+", " ", text).strip().strip("'\"“”«»").strip()
    return text.rstrip(".;:,").strip()


def title_suffix(title: str) -> str | None:
    """``Multicanal | Centro de partners`` → ``Centro de partners``."""
    if " | " not in title:
        return None
    return clean_name(title.rsplit(" | ", 1)[1]) or None


def name_places(topics_docs: Iterable[Sequence[Document]]) -> list[dict[str, str]]:
    """Places where the documents of one topic and edition each name a product: {locale: name}."""
    places: list[dict[str, str]] = []
    for docs in topics_docs:
        suffixes = {d.locale: s for d in docs if (s := title_suffix(d.title))}
        if len(suffixes) > 1:
            places.append(suffixes)
        entries = {d.locale: applies_to_entries(d.segments) or [] for d in docs}
        lengths = {len(e) for e in entries.values()}
        if len(entries) > 1 and len(lengths) == 1:  # positions only line up when the lists do
            for i in range(lengths.pop()):
                place = {loc: clean_name(e[i]) for loc, e in entries.items() if clean_name(e[i])}
                if len(place) > 1:
                    places.append(place)
    return places


def _groups(alignment: Alignment) -> list[list[Document]]:
    out = []
    for topic in alignment.topics:
        by_edition: dict[str, dict[str, Document]] = defaultdict(dict)
        for doc in topic.documents:
            by_edition[doc.editions[0] if doc.editions else "global"].setdefault(doc.locale, doc)
        out += [list(docs.values()) for docs in by_edition.values()]
    return out


def _components(places: list[dict[str, str]]) -> list[set[tuple[str, str]]]:
    """Renderings linked by standing in the same place in at least MIN_PLACES topics."""
    seen = Counter((loc, name.lower()) for p in places for loc, name in p.items())
    links: Counter[tuple[tuple[str, str], tuple[str, str]]] = Counter()
    for p in places:
        nodes = sorted((loc, name.lower()) for loc, name in p.items())
        links.update((a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :] if a[0] != b[0])
    parent: dict[tuple[str, str], tuple[str, str]] = {n: n for n, c in seen.items() if c >= MIN_PLACES}

    def find(n: tuple[str, str]) -> tuple[str, str]:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for (a, b), count in links.items():
        if count >= MIN_PLACES and a in parent and b in parent:
            parent[find(a)] = find(b)
    comps: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for n in parent:
        comps[find(n)].add(n)
    return [c for c in comps.values() if len({loc for loc, _ in c}) > 1]


def mine(documents: Sequence[Document], alignment: Alignment) -> Glossary:
    """The product terms of a corpus, with their renderings per locale (see the module docstring)."""
    _MEMO.rotate()
    places = name_places(_groups(alignment))
    spelled: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # keep the usual capitals
    for p in places:
        for loc, name in p.items():
            spelled[(loc, name.lower())][name] += 1
    texts = _texts_by_locale(documents)
    components = _components(places)
    every_name = tuple(sorted({spelled[n].most_common(1)[0][0] for comp in components for n in comp}))
    used = _names_used(texts, every_name)
    _LAST_NAMES.clear()
    _LAST_NAMES.add("names", every_name)
    users = _users_per_locale(texts, used)
    terms = []
    for comp in components:
        names = {n: spelled[n].most_common(1)[0][0] for n in comp}
        by_use = sorted(names, key=lambda n: (-sum(spelled[n].values()), names[n]))
        by_locale: dict[str, list[str]] = defaultdict(list)
        for n in by_use:
            by_locale[n[0]].append(names[n])
        # The source form: a rendering used in the text of several locales, i.e. left untranslated.
        spread = {name: _spread(name, users) for name in sorted(set(names.values()))}
        source = max(spread, key=lambda name: spread[name])
        extra = [source] if spread[source][0] > 1 else []
        term_locales = [
            TermLocale(loc, tuple(_without_fragments([*by_locale[loc], *extra])))
            for loc in sorted(texts)
            if by_locale.get(loc) or extra
        ]
        terms.append(Term(source if extra else names[by_use[0]], tuple(term_locales)))
    terms.sort(key=lambda t: t.term.lower())
    return Glossary(tuple(terms))


_MEMO = memos.generations("glossary-texts")
_LAST_NAMES = memos.mapping("glossary-names")
"""The names the last :func:`mine` looked for (under ``"names"``)."""


def _texts_by_locale(documents: Sequence[Document]) -> dict[str, list[Document]]:
    """Each locale's documents (whose text :func:`_prose` gives)."""
    out: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        out[doc.locale].append(doc)
    return dict(out)


def _uses(text: str, words: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    return _may_use(text, words) and pattern.search(text) is not None


def _prose(doc: Document) -> str:
    """A document's text as lower-case prose (code left out)."""
    return " ".join(s.text for s in doc.segments if s.kind is not SegmentKind.CODE).lower()


def _names_used(texts: dict[str, list[Document]], names: tuple[str, ...]) -> dict[int, frozenset[str]]:
    """id of each document → which of ``names`` its text uses: scanned once per document and set of
    names, and only that answer kept (not the text: at 100x the texts of the corpus weigh 370 MB)."""
    scanner = _NameScanner(names)

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
    """The renderings whose words, in order, lead to this node of :class:`_NameScanner`'s word trie."""

    names: list[str]
    """Renderings that end here."""
    next: dict[str, _Node]
    """The next word of longer renderings."""


class _NameScanner:
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
            words = _words(name)
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


def _users_per_locale(texts: dict[str, list[Document]], used: dict[int, frozenset[str]]) -> dict[str, Counter[str]]:
    """Each name → how many documents of each locale use it (counted once, not per name and locale)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for loc, ds in texts.items():
        for d in ds:
            for name in used[id(d)]:
                out[name][loc] += 1
    return out


def _spread(name: str, users: dict[str, Counter[str]]) -> tuple[int, int]:
    """(locales whose text uses ``name``, documents that do): how widely a rendering is used."""
    per_locale = users.get(name, Counter())
    return sum(1 for n in per_locale.values() if n), sum(per_locale.values())


def _without_fragments(variants: list[str]) -> list[str]:
    """Unique variants, dropping one that is part of a longer one ("Centro" of "Centro per i partner"):
    it would match wherever the longer one is used."""
    unique = list(dict.fromkeys(variants, None))
    lowered = [v.lower() for v in unique]
    return [
        v
        for v, low in zip(unique, lowered, strict=True)
        if not any(low != other and re.search(rf"(?<!\w){re.escape(low)}(?!\w)", other) for other in lowered)
    ]


# --- matching ------------------------------------------------------------------------------------


def _words(variant: str) -> tuple[str, ...]:
    return tuple(variant.lower().split())


def _may_use(lowered: str, words: tuple[str, ...]) -> bool:
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


@dataclass
class _Usage:
    counts: Counter[str]
    first: dict[str, Segment]


def _used(glossary: Glossary, documents: Sequence[Document]) -> list[frozenset[str]]:
    """Which variants of the glossary (and maybe other names) each document's text uses, by position."""
    variants = tuple(sorted({v for t in glossary.terms for tl in t.locales for v in tl.variants}))
    # A mined glossary's variants are names mine() just looked for in every document: its answers,
    # still in the memo, serve (a glossary from a file is looked for afresh).
    names = next((n for n in _LAST_NAMES.values() if set(variants) <= set(n)), variants)
    used = _names_used(_texts_by_locale(documents), names)
    return [used[id(doc)] for doc in documents]


_Patterns = tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]


@memos.cached("term-patterns")
def _patterns(variants: tuple[str, ...]) -> _Patterns:
    """A term's renderings as patterns, longest first: a match hides the shorter ones it contains."""
    return tuple(sorted(((v, variant_pattern(v), _words(v)) for v in variants), key=lambda vp: -len(vp[0])))


def usage(term: TermLocale, documents: Iterable[Document]) -> dict[str, _Usage]:
    """document path → how often it uses each variant of ``term``."""
    out: dict[str, _Usage] = {}
    for doc in documents:
        if doc.locale == term.locale and (found := _doc_usages(doc, (term.variants,))[0]) is not None:
            out[doc.path] = found
    return out


def _doc_usages(doc: Document, terms: tuple[tuple[str, ...], ...]) -> tuple[_Usage | None, ...]:
    """How often ``doc`` uses each variant of each of ``terms`` (given by their variants): one read of
    the document for all the terms it may use."""
    patterns = [_patterns(variants) for variants in terms]
    found = [_Usage(Counter(), {}) for _ in terms]
    for seg in doc.segments:
        if seg.kind is SegmentKind.CODE:
            continue
        lowered = seg.text.lower()
        for term_patterns, usage_ in zip(patterns, found, strict=True):
            text = seg.text
            for variant, pattern, words in term_patterns:
                if not _may_use(lowered, words):
                    continue
                text, n = pattern.subn(" ", text)
                if n:
                    usage_.counts[variant] += n
                    usage_.first.setdefault(variant, seg)
    return tuple(u if u.counts else None for u in found)


def _usages(glossary: Glossary, documents: Sequence[Document]) -> dict[tuple[int, int], dict[str, _Usage]]:
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
    out: dict[tuple[int, int], dict[str, _Usage]] = defaultdict(dict)
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


# --- the file ------------------------------------------------------------------------------------


def to_data(glossary: Glossary) -> dict[str, Any]:
    """The glossary as plain data, in the file's shape."""
    terms = []
    for term in glossary.terms:
        locs: dict[str, Any] = {}
        for tl in term.locales:
            entry: dict[str, Any] = {"variants": list(tl.variants)}
            if tl.preferred:
                entry["preferred"] = tl.preferred
            locs[tl.locale] = entry
        terms.append({"term": term.term, "locales": locs})
    return {"terms": terms}


HEADER = """\
# kb glossary: product terms and how each locale renders them.
# `kb check --glossary FILE` reports a document that uses another rendering than the rest of its
# locale; add `preferred: …` under a locale to decide which rendering is right, add or remove
# variants, or add terms of your own.
"""


class _Dumper(yaml.SafeDumper):
    """Writes lists of renderings on one line (``variants: [a, b]``), the rest in block style."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def dump(glossary: Glossary) -> str:
    body = yaml.dump(to_data(glossary), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    return HEADER + body


def write(glossary: Glossary, path: str | Path) -> None:
    Path(path).write_text(dump(glossary), encoding="utf-8")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of each mapping (under the key ``__line__``)."""


def _mapping_with_line(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    data = loader.construct_mapping(node, deep=True)
    data["__line__"] = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load(path: str | Path) -> Glossary:
    """Read a glossary file; a malformed one raises :class:`GlossaryError` naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(
            f"--glossary: cannot read '{path}': {getattr(exc, 'strerror', None) or exc}"
        ) from None
    return parse(text, str(path))


def parse(text: str, name: str = "glossary") -> Glossary:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise GlossaryError(f"{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise GlossaryError(f"{name}:1: a glossary is a mapping with a 'terms' list (see the README)")
    return Glossary(tuple(_term(item, name) for item in data["terms"]))


def _term(item: Any, name: str) -> Term:
    if not isinstance(item, dict):
        raise GlossaryError(f"{name}: each entry of 'terms' is a mapping with 'term' and 'locales'")
    line = item.get("__line__", "?")
    term = item.get("term")
    if not isinstance(term, str) or not term.strip():
        raise GlossaryError(f"{name}:{line}: a term needs a 'term' name")
    locs = item.get("locales") or {}
    if not isinstance(locs, dict):
        raise GlossaryError(f"{name}:{line}: 'locales' of “{term}” is a mapping of locale → variants")
    out = []
    for loc, spec in locs.items():
        if loc == "__line__":
            continue
        tag = locales.normalize(str(loc))
        if tag is None:
            raise GlossaryError(f"{name}:{line}: “{term}”: '{loc}' is not a locale tag such as es-ES")
        out.append(_term_locale(tag, spec, f"{name}:{_line(spec, line)}: “{term}” {tag}"))
    return Term(term.strip(), tuple(sorted(out, key=lambda tl: tl.locale)))


def _line(spec: Any, default: Any) -> Any:
    return spec.get("__line__", default) if isinstance(spec, dict) else default


def _term_locale(tag: str, spec: Any, where: str) -> TermLocale:
    preferred = None
    if isinstance(spec, dict):
        preferred, spec = spec.get("preferred"), spec.get("variants", [])
        if preferred is not None and not isinstance(preferred, str):
            raise GlossaryError(f"{where}: 'preferred' is one rendering (a string)")
    if isinstance(spec, str):
        spec = [spec]
    if not isinstance(spec, list) or not all(isinstance(v, str) and v.strip() for v in spec):
        raise GlossaryError(f"{where}: 'variants' is a list of renderings (strings)")
    variants = [v.strip() for v in spec]
    if preferred and preferred.strip() not in variants:
        variants.insert(0, preferred.strip())
    if not variants:
        raise GlossaryError(f"{where}: give at least one rendering")
    return TermLocale(tag, tuple(dict.fromkeys(variants)), preferred.strip() if preferred else None)
