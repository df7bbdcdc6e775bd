"""Code taken from files, as DocFX writes it, made into fenced code blocks before parsing:

* ``:::code language="csharp" source="snippets/app.cs" range="3-8" id="setup" highlight="2":::``
  (``range`` lines, or the region ``id``);
* the older ``[!code-csharp[Title](snippets/app.cs#L3-L8 "title")]``, with ``#L3-L8``, ``#region``,
  ``?range=3-8``, ``?name=region`` or ``?start=3&end=8``.

A region is the lines between a line holding ``<id>`` and one holding ``</id>`` (in any comment
syntax: ``// <id>``, ``# <id>``, ``<!-- <id> -->``), or between ``#region id`` and ``#endregion``;
the marker lines of other regions inside it are left out, and the lines lose their common indent.
``~/`` is the docset's root (the folder of its ``docfx.json``, else the content root).

Files are read as includes are (:func:`kb.ingest.includes.expand_includes`): only inside the content
root, within the document's include budget; a file that is absent, outside, too large or binary, or
a region not in it, is a problem naming the document's line and the target; in its place the page says
the code is not available (a fence of the language :data:`MISSING_CODE`, which makes no segment). Past
the budget nothing is shown, nor said each time. A directive inside code (:mod:`kb.ingest.verbatim`) is
that code's text."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, unquote

from kb.ingest import verbatim
from kb.ingest.docfx import MISSING_CODE
from kb.ingest.linemap import Origins
from kb.ingest.textfiles import InputProblem, inside, read_budgeted, referenced
from kb.model import Link, Problem

_DIRECTIVE = re.compile(r"^(?P<lead>[ \t>]*):::[ \t]*code[ \t]+(?P<attrs>\S[^\n]*?):::[ \t]*$", re.M | re.I)
_SNIPPET = re.compile(
    r"^(?P<lead>[ \t>]*)\[!code(?:-[ \t]*(?P<lang>[\w+#.-]{1,40})[ \t]*)?\[(?P<title>[^\]\n]{0,500})\]"
    r"[ \t]*\([ \t]*(?P<target>[^)\s\"]{1,1000})[ \t]*(?:\"[^\"\n]{0,500}\"[ \t]*)?\)[ \t]*\][ \t]*$",
    re.M | re.I,
)
"""DocFX's ``[!code-lang[name](path#region "title")]``, with the blanks its parser skips: around the
language (NuGet's ``[!code-JSON [service-index.json](./_data/service-index.json)]``), before ``(``, inside
the parentheses and between ``)`` and ``]``."""
_ATTR = re.compile(r"""(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LINES = re.compile(r"^L?(\d+)(?:-L?(\d*))?$", re.I)
_TAG_LINE = re.compile(r"^\s*(?://|#|'|--|<!--|/\*|REM\b)\s*</?[\w.-]+>\s*(?:(?:-->|\*/)\s*)?$", re.I)
"""A region's marker in a comment (``// <id>``, ``<!-- </id> -->``); a bare ``<tag>`` is XML, kept."""
MARKERS = re.compile(rb":::\s*code\b|\[!code", re.I)
"""Whether a file's text may take code from other files (its parse then depends on them)."""


def expand_code(
    body: str, rel: str, root: Path | None, budget: list[int], limit: int, first_line: int | Origins = 1
) -> tuple[str, list[Link], list[Problem]]:
    """``body`` (line ``first_line`` of ``rel`` on, or the latest text of ``first_line``'s steps) with each
    code directive replaced by a fenced block of the code it names; the directives as links of kind
    ``code``; what could not be taken. ``budget`` is the include budget ([files, bytes] left), ``limit``
    the largest file read."""
    if ":::" not in body and "[!" not in body:
        return body, [], []
    links: list[Link] = []
    problems: list[Problem] = []
    origins = Origins(first_line) if isinstance(first_line, int) else first_line
    line_at = origins.counter(body)

    def replace(m: re.Match[str], target: str, language: str, selector: str, title: str) -> str:
        line = line_at(m.start())
        links.append(Link(target, title, "code", line))
        if root is None:
            return ""
        budget[0] -= 1  # every directive counts, read or not, so problems stay few too
        if budget[0] < 0:
            if budget[0] == -1:
                problems.append(Problem(rel, line, f"code '{target}' and later ones not shown: too many files "
                                                   "taken in one document"))
            return ""  # (no placeholder each: a hostile file may hold a hundred thousand)
        try:
            text = _read(root, rel, target, budget, limit)
            code = _select(text, selector)
        except InputProblem as exc:
            problems.append(Problem(rel, line, f"code '{target}' not shown: {exc.message}"))
            return _fence(target, MISSING_CODE, m.group("lead"))
        return _fence(code, language, m.group("lead"))

    def directive(m: re.Match[str]) -> str:
        attrs = {k.lower(): a if a is not None else b for k, a, b in _ATTR.findall(m.group("attrs"))}
        selector = f"range={attrs['range']}" if attrs.get("range") else f"name={attrs.get('id', '')}"
        return replace(m, attrs.get("source", ""), attrs.get("language", ""), selector, "")

    def snippet(m: re.Match[str]) -> str:
        target = m.group("target")
        path, _, fragment = target.partition("#")
        path, _, query = path.partition("?")
        selector = query or (_fragment_selector(fragment) if fragment else "")
        return replace(m, path, m.group("lang") or "", selector, m.group("title"))

    if ":::" in body:
        edits = origins.step(body)
        out = verbatim.sub(_DIRECTIVE, lambda m: edits.record(m, directive(m)), body)
    else:
        out = body
    if "[!" in out:
        line_at = origins.counter(out)  # (positions of the text with the directives taken in)
        edits = origins.step(out)
        out = verbatim.sub(_SNIPPET, lambda m: edits.record(m, snippet(m)), out)
    return out, links, problems


def _fragment_selector(fragment: str) -> str:
    """``L3-L8`` → ``range=3-8``; a region's name → ``name=…``."""
    m = _LINES.match(fragment)
    return f"range={m.group(1)}-{m.group(2) or ''}" if m and fragment[:1] in "Ll" else f"name={fragment}"


def _read(root: Path, rel: str, target: str, budget: list[int], limit: int) -> str:
    if not target:
        raise InputProblem("no source file named")
    root_real = root.resolve()
    path = referenced(root_real, rel, unquote(target))
    if not inside(path, root_real):
        raise InputProblem("it is outside the content root; not read")
    return read_budgeted(path, budget, limit)


def _select(text: str, selector: str) -> str:
    """The lines of ``text`` that ``selector`` (a query: ``range=3-8,10``, ``name=region``,
    ``start=3&end=8``; empty for the whole file) names, without their common indent."""
    lines = text.removesuffix("\n").split("\n")
    query = {k.lower(): v[0] for k, v in parse_qs(selector, keep_blank_values=True).items()}
    if query.get("range"):
        picked = _ranges(lines, query["range"])
    elif query.get("start") or query.get("end"):
        picked = _ranges(lines, f"{query.get('start') or 1}-{query.get('end') or ''}")
    elif query.get("name"):
        picked = _region(lines, query["name"])
    else:
        picked = lines
    return textwrap.dedent("\n".join(picked)).strip("\n")


def _ranges(lines: list[str], spec: str) -> list[str]:
    picked: list[str] = []
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d*)\s*)?", part)
        if m is None:
            raise InputProblem(f"the line range '{spec}' is not one (write 3-8, 3- or 3,5-7)")
        first = int(m.group(1))
        last = first if m.group(2) is None else int(m.group(2)) if m.group(2) else len(lines)
        if first < 1 or first > len(lines) or last < first:
            raise InputProblem(f"the file has no lines {part.strip()} (it has {len(lines)})")
        picked.extend(lines[first - 1 : last])
    return picked


def _region(lines: list[str], name: str) -> list[str]:
    key = re.escape(name)
    opening = re.compile(rf"<\s*{key}\s*>|#\s*region\s+{key}\s*$", re.I)
    closing = re.compile(rf"</\s*{key}\s*>", re.I)
    start = next((i for i, line in enumerate(lines) if opening.search(line)), None)
    if start is None:
        raise InputProblem(f"the region '{name}' is not in the file")
    region_syntax = "region" in lines[start].lower() and "<" not in lines[start]
    end_pattern = re.compile(r"#\s*endregion", re.I) if region_syntax else closing
    end = next((i for i in range(start + 1, len(lines)) if end_pattern.search(lines[i])), len(lines))
    return [line for line in lines[start + 1 : end] if not _TAG_LINE.match(line)]


def _fence(code: str, language: str, lead: str) -> str:
    """A fenced block of ``code``, each line behind ``lead`` (a quote's ``>``, a list item's indent)."""
    ticks = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))
    block = [f"{ticks}{language.strip().lower()}", *code.split("\n"), ticks]
    return "\n".join(f"{lead}{line}" if line else lead.rstrip() for line in block)
