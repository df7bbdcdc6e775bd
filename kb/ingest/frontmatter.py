"""YAML front matter: splitting it off, parsing it leniently where DocFX content is quirky."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
import re
from typing import Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader, libyaml's when PyYAML has it: ~10x faster than the pure-Python one, the same values
(a Lync Server ``toc.yml`` of thousands of entries: seconds, then a tenth of that)."""
_FENCE = re.compile(r"^---[ \t]*$", re.M)

# Limits against hostile front matter (real front matter has a few dozen values, nested 2-3 deep):
# libyaml's composer recurses in C, so ~100,000 nested brackets crash the interpreter; and YAML
# aliases can expand a few hundred bytes into billions of values ("billion laughs").
MAX_DEPTH = 32
MAX_VALUES = 10_000


class _Loader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, but a date that does not exist (``2019-02-30``) stays the string written."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_LOADER = _Loader


class FrontMatterError(ValueError):
    """Front matter that cannot be parsed; ``line`` is 1-based in the source file."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class SyntaxProblem(FrontMatterError):
    """Front matter YAML cannot read (a syntax error, a tag it does not know, not a mapping), as
    opposed to front matter refused for its size or depth."""


def split(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, 1-based line where the body starts)."""
    if not text.startswith("---"):
        return None, text, 1
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return None, text, 1
    m = _FENCE.search(text, first_nl + 1)
    if not m:
        raise FrontMatterError("front matter opened with '---' on line 1 is never closed", 1)
    fm = text[first_nl + 1 : m.start()]
    body_start = m.end() + 1 if m.end() < len(text) else m.end()
    return fm, text[body_start:], text.count("\n", 0, body_start) + 1


# Characters YAML does not allow in a document (C0 and C1 controls but tab, line ends and NEL): a stray
# one (U+0097 in a translated title) would drop the whole document, so it is replaced and reported.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def without_controls(fm: str) -> tuple[str, int | None]:
    """Front matter text without control characters, and the 1-based file line of the first one removed
    (None when there was none)."""
    m = _CONTROLS.search(fm)
    if m is None:
        return fm, None
    return _CONTROLS.sub(_replacement, fm), fm.count("\n", 0, m.start()) + 2  # +1 for 1-based, +1 for '---'


def _replacement(m: re.Match[str]) -> str:
    """A C1 control is most often a Windows-1252 character decoded as Latin-1 (U+0097 was an em dash):
    that character; anything else goes."""
    code = ord(m.group(0))
    if 0x80 <= code <= 0x9F:
        try:
            return bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            return ""
    return ""


def _clean(value: Any, budget: list[int], depth: int = 1) -> Any:
    """JSON-ready plain data: entities decoded, dates as ISO strings; counts values against ``budget``."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:  # aliases can build huge or self-containing values
        raise FrontMatterError(f"front matter has more than {MAX_VALUES:,} values or {MAX_DEPTH} levels "
                               "(do YAML aliases expand it?)", 2)
    if isinstance(value, str):
        return html.unescape(value).strip()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):  # !!binary
        return value.decode("utf-8", "replace")
    if isinstance(value, set):  # !!set
        return sorted((_clean(v, budget, depth + 1) for v in value), key=str)
    if isinstance(value, list | tuple):  # tuples come from !!omap and !!pairs
        return [_clean(v, budget, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v, budget, depth + 1) for k, v in value.items()}
    return str(value)


def _check_depth(fm: str) -> None:
    """Refuse front matter nested deeper than :data:`MAX_DEPTH`, before libyaml composes it.

    Read with the pure-Python parser, which hands out events as it scans: libyaml (PyYAML 6.0.4) scans
    ahead and stops at its own, much deeper, limit with an error that names neither depth nor line."""
    depth = 0
    for event in yaml.parse(fm, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 2 if event.start_mark else None
                raise FrontMatterError(f"front matter is nested more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse(fm: str) -> dict[str, Any]:
    """Parse front matter text into a dict with HTML entities decoded and dates as ISO strings."""
    try:
        # Deep nesting needs many brackets, or many indented lines: only then is the check worth it.
        if fm.count("[") + fm.count("{") > MAX_DEPTH or len(fm) > 4096:
            _check_depth(fm)
        data = yaml.load(fm, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---' line
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SyntaxProblem(f"front matter is not valid YAML: {reason}", line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SyntaxProblem("front matter is not a mapping of keys to values", 2)
    budget = [MAX_VALUES]
    return {str(k): _clean(v, budget) for k, v in data.items()}


# A top-level entry starts at the margin; a list item at the margin (`ms.custom:` / `- seo`), a comment
# or an indented line continues the entry above it.
_ENTRY_START = re.compile(r"^[^\s#-]", re.M)


def salvage(fm: str) -> tuple[dict[str, Any], SyntaxProblem | None]:
    """Front matter's values, as much of them as can be read, and the problem that stopped a full read.

    DocFX publishes a page whose YAML header it cannot read (machine translation wrote
    ``Título: "…" Descrição: "…"`` on one line), with the metadata it could not read left out: so does
    kb, keeping every top-level entry that reads on its own. Size and depth limits still refuse the file.
    """
    try:
        return parse(fm), None
    except SyntaxProblem as exc:
        problem = exc
    values: dict[str, Any] = {}
    bounds = [*(m.start() for m in _ENTRY_START.finditer(fm)), len(fm)]
    for start, end in itertools.pairwise(bounds):
        try:
            values.update(parse(fm[start:end]))
        except SyntaxProblem:
            continue
    return values, problem


def get(fm: dict[str, Any], key: str) -> str | None:
    """A value by key, with or without the ``ms.`` prefix, in any letter case, as a string."""
    wanted = {key.lower(), f"ms.{key.lower()}"} if not key.startswith("ms.") else {key.lower(), key[3:].lower()}
    for k, v in fm.items():
        if k.lower() in wanted and v is not None and v != "":
            return v if isinstance(v, str) else str(v)
    return None


_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+\-Z]*)?$")


def iso_date(value: str | None) -> str | None:
    """A front matter date as ISO 8601 (``2019-03-05``), or None when it cannot be read as one.

    ``ms.date`` and ``ms.lasthandoff`` are written the en-US way in every locale of Microsoft docs,
    so ``M/D/YYYY`` and ``M/D/YY`` read month first (``3/5/19`` is 5 March 2019); a two-digit year is
    20YY below 70, as ``strptime``'s ``%y``. ISO dates (and YAML's, with a time) pass through."""
    if value is None:
        return None
    text = value.strip()
    m = _ISO_DATE.match(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    elif (m := _SLASH_DATE.match(text)) is not None:
        month, day, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year += 2000 if year < 70 else 1900
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def key_line(fm_text: str, key: str) -> int | None:
    """The 1-based file line of ``key`` (with or without ``ms.``) in front matter text that starts on
    line 2 (after ``---``), for a problem's location."""
    wanted = {key.lower(), f"ms.{key.lower()}"}
    for n, line in enumerate(fm_text.split("\n"), 2):
        name = line.split(":", 1)[0].strip().strip("'\"").lower()
        if ":" in line and name in wanted:
            return n
    return None
