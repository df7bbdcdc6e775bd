"""Numbers as the translation checks compare them across locales: found in a segment's text (URLs
left out) and written so that locale formatting is no difference (``1,000`` = ``1 000``,
``0,50`` = ``0.5``, ``31.07.2018`` = ``07/31/2018``). ``number_mismatch`` reports what still differs.
"""

from __future__ import annotations

import re
from collections import Counter

from kb import memos
from kb.ingest.detection import URL

# A number: digits with thousands or decimal separators, not glued to a word ("21Vianet", "Office365"
# are names, the same in every language).
_NUMBER = re.compile(
    r"(?<!\d)(?<![^\W\d_]{3})"  # not the end of a longer number or of a word
    r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*"
    r"(?!\d)(?![^\W\d_]{3})"
)


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
    return Counter(k for m in _NUMBER.finditer(URL.sub(" ", text)) for k in number_keys(m.group()))
