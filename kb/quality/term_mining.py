"""Mining the product terms of a corpus into a :class:`~kb.quality.glossary.Glossary`.

Mining reads the places where every locale names the same product in the same position: the
suffix of each title (``… | Partner Center`` / ``… | Centro de partners``) and the entries of the
"Applies to" block. Strings that stand in the same place across locales in several topics are one
term; the rendering found in the text of the most locales is its *source form* ("Partner Center",
which translators sometimes leave untranslated), and it is looked for in every locale too.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from kb import memos
from kb.ingest.editions import applies_to_entries
from kb.model import Alignment, Document
from kb.quality.glossary import Glossary, Term, TermLocale
from kb.quality.term_scan import names_used, texts_by_locale

MIN_PLACES = 2
"""A rendering (and a link between two renderings) counts once it is seen in this many topics."""


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


_MEMO = memos.generations("glossary-texts")
"""What :mod:`kb.quality.term_scan` found in each document's text: a new mining starts a generation."""
_LAST_NAMES = memos.mapping("glossary-names")
"""The names the last :func:`mine` looked for (under ``"names"``), which the term check reuses."""


def mine(documents: Sequence[Document], alignment: Alignment) -> Glossary:
    """The product terms of a corpus, with their renderings per locale (see the module docstring)."""
    _MEMO.rotate()
    places = name_places(_groups(alignment))
    spelled: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # keep the usual capitals
    for p in places:
        for loc, name in p.items():
            spelled[(loc, name.lower())][name] += 1
    texts = texts_by_locale(documents)
    components = _components(places)
    every_name = tuple(sorted({spelled[n].most_common(1)[0][0] for comp in components for n in comp}))
    used = names_used(texts, every_name)
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
