"""Numbers as the translation checks compare them across locales, read as a reader would.

A segment's numbers are the figures written in digits (URLs, link and image targets and inline code
left out), normalised so that locale formatting is no difference (``1,000`` = ``1 000``, ``0,50`` =
``0.5``, ``31.07.2018`` = ``07/31/2018``, ``18:00`` = ``18``). Each of them must be *accounted for* by
the other segment, which accounts for a value when it writes it in any way a reader takes for the
same: in digits, spelled out (``cinco``, ``до пяти``, ``decimoquinto``, ``primeiro`` for 1, 0–20, tens
and ordinals in Portuguese, Spanish, Italian, Russian and English), as a month name (``11 февраля
2017`` accounts for 11/2/2017, month names per locale from CLDR through Babel), as a short or long
year (``17`` = ``2017``, ``FY20`` = ``2020``), on a 12 or 24-hour clock (``6 p.m.`` = ``18:00``), or
with a thousands word (``300K`` = ``300 mil`` = ``300 тыс.`` = ``300.000``). Values are compared as
sets: "24 ore su 24 e 7 giorni su 7" says the same as "24/7".
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from kb import memos
from kb.ingest.detection import URL

# A number: digits with thousands or decimal separators, not glued to a word ("21Vianet", "Office365"
# are names, the same in every language).
_NUMBER = re.compile(
    r"(?<!\d)(?<![^\W\d_]{3})(?<![^\W\d]-)(?<!_)"  # not the end of a longer number, a word or an identifier
    r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*"
    r"(?!\d)(?![^\W\d_]{3})(?!_)(?!-[^\W\d_])"  # (tool-2nd, msRTCSIP-1, 30-day: names, not figures)
)
BROKEN_REFERENCE = re.compile(
    r"&[ \t]+(?:#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp|mdash|ndash|hellip|laquo|raquo|copy|reg|trade)[ \t]*;"
    r"|&#[ \t]+(?:\d+|x[0-9a-f]+)[ \t]*;|&#(?:\d+|x[0-9a-f]+)[ \t]+;"
    r"|&[ \t]*\d{2,7}[ \t]*;",
    re.IGNORECASE,
)
"""A character reference a space broke (``& #40;``, ``&# 41;``) or that lost its ``#`` (``&124;``,
``& 124;`` for ``&#124;``): machine translation leaves them, and a reader sees them as written. Its digits
are a code point, not a figure."""
_ENUMERATOR = re.compile(r"(?:(?<=\s)|^|(?<=[(:;]))\(?\d{1,2}\)(?=\s)")
"""``1)`` or ``(2)`` numbering a clause: an enumeration one language writes and another may not."""
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_THOUSANDS_WORD = re.compile(
    r"\s?(?:k\b|mil\b|mila\b|тыс\b\.?|тысяч\w*|thousand\b|mille\b)", re.IGNORECASE
)
_DAY_MONTH = re.compile(r"^(0?[1-9]|[12]\d|3[01])[.](0[1-9]|1[0-2])$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_DIGIT_RUN = re.compile(r"\d+")
_CLOCK = re.compile(
    r"\s?(?:[ap]\.?\s?m\b\.?|h\b|ч\b|de la (?:mañana|tarde|noche)|da (?:manhã|tarde|noite)|d(?:i|el)la (?:mattina|sera)"
    r"|di (?:mattina|sera)|(?:утра|дня|вечера))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Spelled-out numbers. Latin languages: whole words. Russian inflects numerals and ordinals, so its
# entries are stems that take an ending of up to three letters ("пят" → пять, пяти, пятый, пятого).
_WORDS: dict[int, tuple[str, ...]] = {
    0: ("zero", "cero", "ноль", "нуля", "нулю", "нулевой"),
    # Russian 1–3 are short and irregular: their forms, not stems
    -1: ("один", "одна", "одно", "одного", "одной", "одному", "одним", "одном", "одну"),
    -2: ("два", "две", "двух", "двум", "двумя"),
    -3: ("три", "трех", "трёх", "трем", "тремя"),
    1: ("one", "first", "un", "uno", "una", "um", "uma", "primero", "primer", "primera", "primeiro",
        "primeira", "primo", "prima", "1º", "1ª"),
    2: ("two", "second", "dos", "dois", "duas", "due", "segundo", "segunda", "secondo", "seconda"),
    3: ("three", "third", "tres", "três", "tre", "tercero", "tercer", "tercera", "terceiro", "terceira",
        "terzo", "terza"),
    4: ("four", "fourth", "cuatro", "quatro", "quattro", "cuarto", "cuarta", "quarto", "quarta", "quad"),
    5: ("five", "fifth", "cinco", "cinque", "quinto", "quinta"),
    6: ("six", "sixth", "seis", "sei", "sexto", "sexta", "sesto", "sesta", "hex"),
    7: ("seven", "seventh", "siete", "sete", "sette", "séptimo", "séptima", "sétimo", "sétima",
        "settimo", "settima"),
    8: ("eight", "eighth", "ocho", "oito", "otto", "octavo", "octava", "oitavo", "oitava", "ottavo"),
    9: ("nine", "ninth", "nueve", "nove", "noveno", "novena", "nono", "nona"),
    10: ("ten", "tenth", "diez", "dez", "dieci", "décimo", "décima", "decimo", "decima"),
    11: ("eleven", "once", "onze", "undici", "undécimo", "undicesimo"),
    12: ("twelve", "doce", "doze", "dodici", "duodécimo", "dodicesimo", "dozen", "docena", "dúzia"),
    13: ("thirteen", "trece", "treze", "tredici"),
    14: ("fourteen", "catorce", "quatorze", "catorze", "quattordici"),
    15: ("fifteen", "quince", "quinze", "quindici", "decimoquinto", "decimoquinta", "quindicesimo"),
    16: ("sixteen", "dieciséis", "dezesseis", "dezasseis", "sedici"),
    17: ("seventeen", "diecisiete", "dezessete", "dezassete", "diciassette"),
    18: ("eighteen", "dieciocho", "dezoito", "diciotto"),
    19: ("nineteen", "diecinueve", "dezenove", "dezanove", "diciannove"),
    20: ("twenty", "veinte", "vinte", "venti", "vigésimo", "vigésima", "ventesimo"),
    30: ("thirty", "treinta", "trinta", "trenta", "trigésimo"),
    40: ("forty", "cuarenta", "quarenta", "quaranta"),
    50: ("fifty", "cincuenta", "cinquenta", "cinquanta"),
    60: ("sixty", "sesenta", "sessenta", "sessanta"),
    90: ("ninety", "noventa", "novanta"),
    100: ("hundred", "hundreds", "cien", "ciento", "cientos", "centenares", "cem", "centenas", "cento", "centinaia"),
    1000: ("thousand", "mil", "mille"),
    # midnight and noon are clock times: 0, 12 and 24
    -24: ("midnight", "medianoche", "meia-noite", "mezzanotte", "полночь", "полночи", "полуночи"),
    -12: ("noon", "midday", "mediodía", "meio-dia", "mezzogiorno", "полдень", "полудня"),
}
_RUSSIAN_STEMS: dict[int, tuple[str, ...]] = {
    1: ("перв",),  # первый, первого
    2: ("втор", "двусторонн"),  # второй; двусторонний (two-way)
    3: ("трет",),  # третий
    4: ("четыр", "четвер"),
    5: ("пят",),
    6: ("шест",),
    7: ("сем", "седьм"),
    8: ("восем", "восьм"),
    9: ("девят",),
    10: ("десят",),
    11: ("одиннадцат",),
    12: ("двенадцат",),
    13: ("тринадцат",),
    14: ("четырнадцат",),
    15: ("пятнадцат",),
    16: ("шестнадцат",),
    17: ("семнадцат",),
    18: ("восемнадцат",),
    19: ("девятнадцат",),
    20: ("двадцат",),
    30: ("тридцат",),
    100: ("сто", "сотн", "стопроцентн"),
    1000: ("тысяч",),
}
_COMPOUND_TENS = {"veinti": 20, "venti": 20, "vent": 20, "trenta": 30, "trent": 30}
"""Spanish and Italian write 21–29 (31–39) as one word: veinticinco, venticinque, trentuno."""
_MAX_ENDING = 4


def _russian_table() -> dict[str, int]:
    return {stem: value for value, stems in _RUSSIAN_STEMS.items() for stem in stems}


_LATIN = {word: abs(value) for value, words in _WORDS.items() for word in words}
_CLOCK_WORDS = (
    {w: ("0", "12", "24") for w in _WORDS[-24]}
    | {w: ("12",) for w in _WORDS[-12]}
    # round the clock (24/7, "24 ore su 24 e 7 giorni su 7"), written as a word
    | {w: ("24", "7") for w in ("ininterrump", "ininterrupt", "круглосуточн", "around the clock", "24x7")}
    # 100 %, written as a word: entirely, exclusively
    | {
        w: ("100",)
        for w in (
            "completamente", "totalmente", "interamente", "enteramente", "integralmente", "exclusivamente",
            "esclusivamente", "полностью", "исключительно", "стопроцентн", "entirely", "completely",
        )
    }
)
"""Words (or their stems; some hyphenated: meia-noite) that account for numbers: midnight and noon for
hours, round-the-clock for 24 and 7, entirely for 100 (per cent)."""
_RUSSIAN = _russian_table()


def number_keys(written: str) -> list[str]:
    """A written number as compared across locales, so that locale formatting is no difference:
    thousands separators dropped (``1,000`` = ``1 000`` = ``1.000`` → ``1000``), one decimal mark
    read as a point with trailing zeros dropped (``0,50`` = ``0.5``), and the parts of a date, time
    or version compared one by one (``31.07.2018`` = ``07/31/2018`` = ``31.07.18``)."""
    groups = re.split(r"[^\d]", written)
    if len(groups) > 1 and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
        groups = ["".join(groups)]
    elif len(groups) == 2:
        whole, fraction = groups[0].lstrip("0") or "0", groups[1].rstrip("0")
        return [f"{whole}.{fraction}" if fraction else whole]
    if len(groups) == 3 and len(groups[2]) == 2 and all(len(g) <= 2 for g in groups[:2]):
        groups[2] = "20" + groups[2]  # a date with a two-digit year: 13.01.18 is 1/13/2018
    return [g.lstrip("0") or "0" for g in groups]


@memos.cached("text-numbers")  # callers never mutate the Counter
def numbers(text: str) -> Counter[str]:
    """The numbers of a text (URLs left out), as :func:`number_keys` writes them."""
    text = BROKEN_REFERENCE.sub(" ", URL.sub(" ", text)) if "&" in text else URL.sub(" ", text)
    return Counter(k for m in _NUMBER.finditer(text) for k in number_keys(m.group()))


@dataclass(frozen=True, slots=True)
class Figures:
    """What a segment says in numbers."""

    written: frozenset[str]
    """The values written in digits (keys as :func:`number_keys` writes them): each must be
    accounted for by the counterpart."""
    accounts: frozenset[str]
    """Every value the text accounts for: the written ones, spelled-out numbers, month numbers of
    month names, the other form of years, hours and thousands."""
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Written values that may also be read as several (``31.12``: a decimal, or a day and a month):
    accounted for when all of those are."""

    def lacks(self, key: str, other: Figures) -> bool:
        """Whether ``other`` does not account for the written value ``key`` of this text."""
        if key in other.accounts:
            return False
        return not any(k == key and all(p in other.accounts for p in ps) for k, ps in self.parts)


def _variants(key: str) -> set[str]:
    """Other keys a reader takes for the same value: a year in two or four digits, an hour on a
    12 or 24-hour clock, a round thousand or million with or without its thousands word."""
    out = {key}
    if not key.isdigit():
        return out
    n = int(key)
    if 10 <= n <= 99:
        out.add(f"20{n}")
    if 2000 <= n <= 2099:
        out.add(str(n - 2000))
    for unit in (1000, 1_000_000):
        if n >= unit and n % unit == 0:
            out.add(str(n // unit))
    return out


def _spelled(text: str) -> set[str]:
    """Values spelled out in words (0–20, tens, ordinals, compounds such as ``vigésimo quinto``)."""
    found: set[int] = set()
    previous: int | None = None
    for m in _WORD.finditer(text.lower()):
        word = m.group()
        value = _LATIN.get(word)
        if value is None:
            value = _russian(word)
        if value is None:
            value = _compound(word)
        if value is None:
            if word not in ("y", "e", "и", "and"):
                previous = None
            continue
        found.add(value)
        if previous is not None and previous % 10 == 0 and previous >= 20 and value < 10:
            found.add(previous + value)  # vigésimo quinto, vinte e cinco, двадцать пять
        previous = value
    out = {str(v) for v in found}
    low = text.lower()
    for word, hours in _CLOCK_WORDS.items():
        if word in low:
            out.update(hours)
    return out


def _russian(word: str) -> int | None:
    for cut in range(_MAX_ENDING + 1):
        stem = word[: len(word) - cut] if cut else word
        if len(stem) >= 3 and stem in _RUSSIAN:
            return _RUSSIAN[stem]
    return None


def _compound(word: str) -> int | None:
    for prefix, tens in _COMPOUND_TENS.items():
        if word.startswith(prefix) and len(word) > len(prefix):
            unit = _LATIN.get(word[len(prefix) :]) or _LATIN.get("u" + word[len(prefix) :])
            if unit is not None and unit < 10:
                return tens + unit
    return None


@functools.cache
def month_names() -> dict[str, int]:
    """Month names (wide and abbreviated, format and stand-alone) of the corpora's languages → 1–12."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for loc in ("en_US", "es_ES", "pt_BR", "it_IT", "ru_RU", "fr_FR", "de_DE"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for n, name in get_month_names(width, context=context, locale=loc).items():
                    names[name.lower().rstrip(".")] = n
    return names


def _month_numbers(text: str) -> set[str]:
    months = month_names()
    return {str(months[w]) for w in _WORD.findall(text.lower()) if w in months and len(w) > 2}


def _keys(text: str) -> tuple[list[str], set[str], list[tuple[str, tuple[str, ...]]]]:
    """(written keys, extra values accounted for by the way they are written, other readings)."""
    written: list[str] = []
    extra: set[str] = set()
    parts: list[tuple[str, tuple[str, ...]]] = []
    for time in _TIME.finditer(text):
        hour, minute, second = int(time.group(1)), int(time.group(2)), int(time.group(3) or 0)
        written += [str(hour)] + [str(v) for v in (minute, second) if v]
        extra.add(str(hour - 12 if hour > 12 else hour + 12))  # 18:00 is 6 p.m.
        if hour in (0, 12, 24):
            extra.update(("0", "12", "24"))  # midnight is 0:00, 24:00 or 12:00 AM
    text = _TIME.sub(" ", text)
    for m in _NUMBER.finditer(text):
        token = m.group()
        if _CLOCK.match(text, m.end()):
            hour = int(token) if token.isdigit() else 0
            extra.add(str(hour + 12 if hour < 12 else hour - 12))
        keys = number_keys(token)
        written += keys
        day_month = _DAY_MONTH.match(token)
        if day_month and len(keys) == 1:  # 31.12 or 1.01: a day and month, as Russian writes them
            day = tuple(str(int(g)) for g in day_month.groups())
            extra.update(day)
            parts.append((keys[0], day))
        thousands = _THOUSANDS_WORD.match(text, m.end())
        if thousands and len(keys) == 1 and _DECIMAL.match(keys[0]):
            extra.add(_plain(float(keys[0]) * 1000))
    return written, extra, parts


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@memos.cached("text-figures")  # Figures are frozen
def figures(text: str) -> Figures:
    """The :class:`Figures` of a text (URLs left out; callers strip link targets and inline code)."""
    text = _ENUMERATOR.sub(" ", URL.sub(" ", text))
    if "&" in text:
        text = BROKEN_REFERENCE.sub(" ", text)
    written, extra, parts = _keys(text)
    # digits glued to a word are no figure to account for, but account for one (IPv6 = "IP версии 6")
    glued = {d.lstrip("0") or "0" for d in _DIGIT_RUN.findall(text)}
    accounts = set(extra) | _spelled(text) | _month_numbers(text) | glued
    for key in [*written, *extra]:
        accounts |= _variants(key)
    return Figures(frozenset(written), frozenset(accounts), tuple(parts))


def unaccounted(a: Figures, b: Figures) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(values ``a`` writes that ``b`` does not account for, values ``b`` writes that ``a`` does
    not account for), sorted."""
    return (
        tuple(sorted(k for k in a.written if a.lacks(k, b))),
        tuple(sorted(k for k in b.written if b.lacks(k, a))),
    )
