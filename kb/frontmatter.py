"""YAML front matter: splitting it off, parsing it leniently where DocFX content is quirky."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import yaml

# libyaml's C loader is ~10x faster than the pure-Python one, and parses the same documents.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = re.compile(r"^---[ \t]*$", re.M)


class FrontMatterError(ValueError):
    """Front matter that cannot be parsed; ``line`` is 1-based in the source file."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


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


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return html.unescape(value).strip()
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    return value


def parse(fm: str) -> dict[str, Any]:
    """Parse front matter text into a dict with HTML entities decoded and dates as ISO strings."""
    try:
        data = yaml.load(fm, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the '---' line
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML: {reason}", line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values", 2)
    return {str(k): _clean(v) for k, v in data.items()}


def get(fm: dict[str, Any], key: str) -> str | None:
    """A value by key, with or without the ``ms.`` prefix, in any letter case, as a string."""
    wanted = {key.lower(), f"ms.{key.lower()}"} if not key.startswith("ms.") else {key.lower(), key[3:].lower()}
    for k, v in fm.items():
        if k.lower() in wanted and v is not None and v != "":
            return v if isinstance(v, str) else str(v)
    return None


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def iso_date(value: str | None) -> str | None:
    """``10/29/2018`` → ``2018-10-29``; ISO dates pass through; anything else is kept as written."""
    if value is None:
        return None
    m = _US_DATE.match(value.strip())
    if m:
        month, day, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return value
    return value.strip()
