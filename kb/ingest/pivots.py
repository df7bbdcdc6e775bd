"""Zone pivot titles: what Learn labels the tab of a ``::: zone pivot="programming-language-csharp"``
with ("C#"), from the docset's ``zone-pivot-groups.yml`` (``### YamlMime:ZonePivotGroups``: groups of
pivots, each an id and a title in the locale's language).

The nearest such file in the document's folder or above it (within the content root) is read; a
document's ``zone_pivot_groups: a, b`` names the groups whose titles it takes (all of them when it names
none). Without the file, or for a pivot it does not name, the tab says the pivot's id, as before; where
the file is there, such a pivot, and a group the document names that the file does not define, is a problem
of the document (:func:`untitled`): Learn's build refuses both, and the reader sees an id for a tab.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import yaml

from kb.ingest import verbatim
from kb.ingest.frontmatter import SAFE_LOADER
from kb.ingest.textfiles import InputProblem, folders_above, inside, read_budgeted
from kb.model import Problem

FILENAMES = ("zone-pivot-groups.yml", "zone-pivot-groups.yaml", "zone-pivot-groups.json")
MAX_FILE = 1024 * 1024
MAX_ENTRIES = 50_000
"""Pivots read from one file (Azure's, the largest, has a few thousand)."""
_FENCE = r"^[ \t]*:::[ \t]*zone[ \t]+pivot"
MARKER = re.compile(_FENCE.encode(), re.MULTILINE | re.IGNORECASE)
"""A zone pivot fence in a file's bytes: its parse depends on the pivot groups file (not parse-cached)."""
FENCE = re.compile(_FENCE, re.MULTILINE | re.IGNORECASE)
"""The same in a document's text (searched without encoding the whole body again)."""
_PIVOTS = re.compile(_FENCE + r'[ \t]*=[ \t]*"([^"\n]*)"', re.MULTILINE | re.IGNORECASE)


class Pivots(NamedTuple):
    """What a document's zones take from the docset's pivot groups file."""

    titles: dict[str, str]
    """Pivot id → the title its tab shows."""
    problems: list[Problem]
    """The file's own problems, named by its path and line."""
    file: str | None = None
    """The file's content-root path; None when the document has none."""
    groups: frozenset[str] = frozenset()
    """The ids of the groups the file defines."""


def find(root: Path, rel: str) -> str | None:
    """The content-root path of the pivot groups file nearest to the document ``rel``, if any."""
    real_root = root.resolve()
    for folder in folders_above(real_root, rel):
        for name in FILENAMES:
            full = folder / name
            if full.is_file() and inside(full.resolve(), real_root):  # (a symbolic link out is not read)
                return full.relative_to(real_root).as_posix()
    return None


def _wanted(groups: str | None) -> set[str] | None:
    return {g.strip() for g in groups.split(",") if g.strip()} if groups else None


def titles(root: Path | None, rel: str, groups: str | None) -> Pivots:
    """Pivot id → title for the document ``rel``, from the groups ``groups`` names (comma-separated;
    None: every group), and the problems of the pivot groups file (named by its own path and line)."""
    if root is None or (path := find(root, rel)) is None:
        return Pivots({}, [])
    try:
        text = read_budgeted((root / path).resolve(), [0, MAX_FILE], MAX_FILE)
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (libyaml's: it bounds nesting)
    except InputProblem as exc:
        return Pivots({}, [Problem(path, None, f"zone pivot titles not read: {exc.message}")], path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return Pivots({}, [Problem(path, line, "zone pivot titles not read: not valid YAML")], path)
    wanted = _wanted(groups)
    found: dict[str, str] = {}
    defined: set[str] = set()
    budget = MAX_ENTRIES  # YAML aliases can make a small file name millions of pivots
    for group in data.get("groups") or [] if isinstance(data, dict) else []:
        if not isinstance(group, dict):
            continue
        defined.add(str(group.get("id")).strip())
        if wanted is not None and str(group.get("id")).strip() not in wanted:
            continue
        for pivot in group.get("pivots") or [] if isinstance(group.get("pivots"), list) else []:
            budget -= 1
            if budget < 0:
                why = (f"zone pivot titles: more than {MAX_ENTRIES:,} pivots; the rest are not read "
                       "(do YAML aliases repeat them?)")
                return Pivots(found, [Problem(path, None, why)], path)
            if isinstance(pivot, dict) and pivot.get("id") and pivot.get("title"):
                found.setdefault(str(pivot["id"]).strip(), str(pivot["title"]).strip())
    return Pivots(found, [], path, frozenset(defined))


def untitled(body: str, pivots: Pivots, groups: str | None) -> list[tuple[int | None, str]]:
    """(0-based line of ``body``, or None for the front matter's ``zone_pivot_groups``; what is wrong) for
    what of a document's zones its docset's pivot groups file does not name: the groups it names that the
    file lacks (one problem), else each pivot without a title, at its first fence. Nothing when there is
    no such file (the ids are all there is) or the file could not be read (its own problem says so)."""
    if pivots.file is None or pivots.problems:
        return []
    wanted = _wanted(groups) or set()
    if missing := sorted(wanted - pivots.groups):
        names = ", ".join(f"'{g}'" for g in missing)
        return [(None, f"zone_pivot_groups names {names}, which {pivots.file} does not define: "
                       "the zones' tabs show their pivots' ids")]
    out: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    line = pos = 0  # (counted on from the last fence: from the start each time, thousands of fences were slow)
    code = verbatim.fenced_code(body)  # (a zone written in a code sample is its text)
    for m in _PIVOTS.finditer(body):
        line, pos = line + body.count("\n", pos, m.start()), m.start()
        if verbatim.inside(code, m.start()):
            continue
        for pivot in (p.strip() for p in m.group(1).split(",")):
            if pivot and pivot not in pivots.titles and pivot not in seen:
                seen.add(pivot)
                where = "the groups the document names in " if wanted else ""
                out.append((line, f"zone pivot '{pivot}' has no title in {where}{pivots.file}: its tab shows the id"))
    return out
