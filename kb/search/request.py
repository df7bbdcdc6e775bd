"""What a search asks for: the query text parsed into clauses (:func:`parse_query`), and the request's
parameters (locale, edition, page, limit) checked against the release's catalog (:func:`validate`).

Query syntax (see README): ``word``, ``"a phrase"``, ``title:word`` / ``headings:`` / ``body:``
(also with a phrase), ``-word`` to exclude, ``word*`` for a prefix (at least two letters).
Errors are :class:`~kb.errors.InvalidQuery` (naming the character at fault) and
:class:`~kb.errors.InvalidParameter`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kb import locales
from kb.align.resolve import Refusal, content_locale, edition_name
from kb.errors import InvalidParameter, InvalidQuery
from kb.search.analysis import fold
from kb.search.catalog import Catalog
from kb.search.layout import TEXT_FIELDS

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_LIMIT = 100
MAX_PAGE = 1000
MIN_PREFIX = 2
DEFAULT_LIMIT = 10


ClauseKind = Literal["word", "phrase", "prefix"]


@dataclass(frozen=True, slots=True)
class Clause:
    """One item of a query: a word, a phrase or a prefix, maybe restricted to a field or negated."""

    kind: ClauseKind
    text: str
    field: str | None = None
    negated: bool = False


_FIELD_PREFIX = re.compile(r"(" + "|".join(TEXT_FIELDS) + r"):", re.IGNORECASE)


def parse_query(text: str) -> list[Clause]:
    """Split a query into clauses; :class:`InvalidQuery` names the character position at fault."""
    clauses: list[Clause] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        fld = None
        m = _FIELD_PREFIX.match(text, i)
        if m:
            fld = m.group(1).lower()
            i = m.end()
            if i >= n or text[i].isspace():
                raise InvalidQuery(
                    f"'{fld}:' at character {start + 1} must be followed by a word or a \"phrase\"")
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise InvalidQuery(f'the quote at character {i + 1} is not closed')
            phrase = text[i + 1 : end].strip()
            i = end + 1
            if phrase:
                clauses.append(Clause("phrase", phrase, fld, negated))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        clauses.append(_word_clause(text[i:j], i, fld, negated))
        i = j
    if len(clauses) > MAX_CLAUSES:
        raise InvalidQuery(f"the query has {len(clauses)} words and phrases; the limit is {MAX_CLAUSES}")
    if clauses and all(c.negated for c in clauses):
        raise InvalidQuery("the query only excludes words: add a word to search for")
    return clauses


def _word_clause(word: str, pos: int, fld: str | None, negated: bool) -> Clause:
    if "*" not in word:
        return Clause("word", word, fld, negated)
    stem = word.rstrip("*")
    if word.startswith("*"):
        raise InvalidQuery(f"leading wildcards are not supported ('{word}' at character {pos + 1})")
    if "*" in stem:
        raise InvalidQuery(f"only a trailing * is supported ('{word}' at character {pos + 1})")
    letters = fold(stem.lower())
    if len([c for c in letters if c.isalnum()]) < MIN_PREFIX:
        raise InvalidQuery(
            f"a prefix needs at least {MIN_PREFIX} letters before * ('{word}' at character {pos + 1})")
    return Clause("prefix", letters, fld, negated)


@dataclass(frozen=True, slots=True)
class Request:
    """A validated search request."""

    text: str
    clauses: list[Clause]
    locale: str | None
    edition: str | None
    limit: int
    page: int
    fallback: tuple[str, ...] = ()
    """The locales that answer, in order, for a topic ``locale`` lacks (none: such topics are left out)."""
    explain: bool = False
    """Say which translated terms each result matched."""


def validate(
    catalog: Catalog, query: str | None, locale: str | None, edition: str | None, limit: int, page: int,
    fallback: str | None = None, explain: bool = False,
) -> Request:
    if query is None or not query.strip():
        raise InvalidParameter("the query 'q' is missing: give 1 to 1,000 characters to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidParameter(
            f"the query 'q' is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(f"'limit' must be between 1 and {MAX_LIMIT}, not {limit}")
    if not 1 <= page <= MAX_PAGE:
        raise InvalidParameter(f"'page' must be between 1 and {MAX_PAGE}, not {page}")
    clauses = parse_query(query)
    tag = _locale(catalog, query, clauses, locale)
    return Request(query, clauses, tag, _edition(catalog, edition), limit, page,
                   _fallback(catalog, tag, fallback), explain)


def _fallback(catalog: Catalog, locale: str | None, value: str | None) -> tuple[str, ...]:
    """The fallback order: the default one (:func:`kb.locales.fallback_order`) for None, none for
    ``none``, else the locales listed (comma-separated)."""
    if locale is None:
        return ()
    if value is None or not value.strip():
        return locales.fallback_order(locale, catalog.locales)
    if value.strip().lower() == "none":
        return ()
    listed = [content_locale(v, catalog.locales, UNKNOWN_FALLBACK) for v in value.split(",") if v.strip()]
    return tuple(dict.fromkeys(loc for loc in listed if loc != locale))


def _locale(catalog: Catalog, query: str, clauses: list[Clause], value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    known = catalog.locales
    if value.strip().lower() == "auto":
        detected = detect_language(clauses, known)
        return detected[0] if detected else None
    return content_locale(value, known, UNKNOWN_LOCALE)


UNKNOWN_LOCALE = Refusal(InvalidParameter, "unknown locale '{name}' for 'locale': use auto or one of {have}")
"""The ``locale`` parameter of a search (``kb search --locale``, ``/api/search?locale=``) names none of
the release's locales."""


UNKNOWN_FALLBACK = Refusal(InvalidParameter, "unknown locale '{name}' in 'fallback': use none or a comma-separated "
                           "list of {have}")
"""A locale of the ``fallback`` parameter names none of the release's locales."""


def _edition(catalog: Catalog, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    known = catalog.editions
    edition = edition_name(value, strip=True)
    if edition not in known:
        raise InvalidParameter(f"unknown edition '{value}' for 'edition': use one of {', '.join(known)}")
    return edition


def detect_language(clauses: list[Clause], known_locales: list[str]) -> tuple[str, float] | None:
    """The locale of the query's words among the index's locales, with the detector's confidence."""
    words = " ".join(c.text for c in clauses if not c.negated)
    if not words.strip() or not known_locales:
        return None
    by_language = {locales.language(loc): loc for loc in known_locales}
    if len(by_language) == 1:
        return known_locales[0], 1.0
    detectable = [lang for lang in by_language if lang in locales.identifiable()]
    if not detectable:
        return None
    tag, confidence = locales.detect(words, detectable)
    return by_language[locales.language(tag)], confidence
