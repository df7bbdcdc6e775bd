"""Zone pivot titles: what Learn labels the tab of a ``::: zone pivot="programming-language-csharp"``
with ("C#"), from the docset's ``zone-pivot-groups.yml`` (``### YamlMime:ZonePivotGroups``: groups of
pivots, each an id and a title in the locale's language).

The nearest such file in the document's folder or above it (within the content root) is read; a
document's ``zone_pivot_groups: a, b`` names the groups whose titles it takes (all of them when it names
none). Without the file, or for a pivot it does not name, the tab says the pivot's id, as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

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


def find(root: Path, rel: str) -> str | None:
    """The content-root path of the pivot groups file nearest to the document ``rel``, if any."""
    real_root = root.resolve()
    for folder in folders_above(real_root, rel):
        for name in FILENAMES:
            full = folder / name
            if full.is_file() and inside(full.resolve(), real_root):  # (a symbolic link out is not read)
                return full.relative_to(real_root).as_posix()
    return None


def titles(root: Path | None, rel: str, groups: str | None) -> tuple[dict[str, str], list[Problem]]:
    """Pivot id → title for the document ``rel``, from the groups ``groups`` names (comma-separated;
    None: every group), and the problems of the pivot groups file (named by its own path and line)."""
    if root is None or (path := find(root, rel)) is None:
        return {}, []
    try:
        text = read_budgeted((root / path).resolve(), [0, MAX_FILE], MAX_FILE)
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (libyaml's: it bounds nesting)
    except InputProblem as exc:
        return {}, [Problem(path, None, f"zone pivot titles not read: {exc.message}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(path, mark.line + 1 if mark else None, "zone pivot titles not read: not valid YAML")]
    wanted = {g.strip() for g in groups.split(",") if g.strip()} if groups else None
    found: dict[str, str] = {}
    budget = MAX_ENTRIES  # YAML aliases can make a small file name millions of pivots
    for group in data.get("groups") or [] if isinstance(data, dict) else []:
        if not isinstance(group, dict) or (wanted is not None and str(group.get("id")) not in wanted):
            continue
        for pivot in group.get("pivots") or [] if isinstance(group.get("pivots"), list) else []:
            budget -= 1
            if budget < 0:
                return found, [Problem(path, None, f"zone pivot titles: more than {MAX_ENTRIES:,} pivots; the rest "
                                                   "are not read (do YAML aliases repeat them?)")]
            if isinstance(pivot, dict) and pivot.get("id") and pivot.get("title"):
                found.setdefault(str(pivot["id"]).strip(), str(pivot["title"]).strip())
    return found, []
