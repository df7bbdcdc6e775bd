"""Includes: ``[!INCLUDE[…](file)]`` (and Experience League's ``{{$include /help/_includes/x.md}}``) replaced
by the file's body (its own includes taken in too, a few
levels deep), read only inside the content root and within a budget per document."""

from __future__ import annotations

import re
from pathlib import Path

from kb.ingest import frontmatter, markdown, verbatim
from kb.ingest.linemap import Edits
from kb.ingest.textfiles import InputProblem, LineCounter, inside, read_budgeted, referenced
from kb.model import Link, Problem

MAX_INCLUDE_DEPTH = 3
# Per document: a file including itself 100 times, 3 levels deep, would otherwise mean 10**6 reads.
MAX_INCLUDES = 100
MAX_INCLUDED_BYTES = 5 * 1024 * 1024
MAX_INCLUDE_FILE = 1024 * 1024


def expand_includes(
    body: str, rel: str, root: Path | None, depth: int = 0, budget: list[int] | None = None, first_line: int = 1,
    edits: Edits | None = None,
) -> tuple[str, list[Link], list[Problem]]:
    """Replace ``[!INCLUDE[…](file)]`` by the file's body, when it lies inside the content root (one in
    code, :mod:`kb.ingest.verbatim`, is shown as written).

    ``budget`` is [includes, bytes] left for the whole document, shared by nested includes;
    ``first_line`` is the line of ``rel`` that ``body`` starts at (problems name the file's lines);
    ``edits`` records the replacements that change the number of lines."""
    links: list[Link] = []
    problems: list[Problem] = []
    top = budget is None
    budget = [MAX_INCLUDES, MAX_INCLUDED_BYTES] if budget is None else budget
    lines = LineCounter(body, first_line)

    def replace(m: re.Match[str]) -> str:
        return expand(m) if edits is None else edits.record(m, expand(m))

    def expand(m: re.Match[str]) -> str:
        target = m.group("target") or m.group("exl")
        line = lines.at(m.start())
        links.append(Link(target, m.group("title") or "", "include", line))
        if root is None:
            return ""
        budget[0] -= 1  # every include counts, expanded or not, so problems stay few too
        if budget[0] < 0:
            if budget[0] == -1:
                why = f"over {MAX_INCLUDES} includes in one document"
                problems.append(Problem(rel, line, f"include '{target}' and later ones not expanded: {why}"))
            return ""
        root_real = root.resolve()
        path = referenced(root_real, rel, target)
        if not inside(path, root_real):
            problems.append(
                Problem(rel, line, f"include '{target}' reaches outside the content root; not read")
            )
            return ""
        if depth >= MAX_INCLUDE_DEPTH and path.is_file():
            problems.append(Problem(rel, line, f"include '{target}' not expanded: includes nest too deeply"))
            return ""
        try:
            text = read_budgeted(path, budget, MAX_INCLUDE_FILE)
        except InputProblem as exc:
            problems.append(Problem(rel, line, f"include '{target}' not expanded: {exc.message}"))
            return ""
        _, inc_body, inc_line = frontmatter.split(text)
        inc_rel = path.relative_to(root_real).as_posix()
        expanded, inner_links, inner_problems = expand_includes(inc_body, inc_rel, root, depth + 1, budget, inc_line)
        problems.extend(inner_problems)
        return markdown.indent_included(expanded.strip("\n"), body, m.start())

    out = verbatim.sub(markdown.INCLUDE, replace, body)  # (an include in code is its text)
    if top:  # a file included many times repeats its problems: report each once
        problems = list({(p.path, p.message): p for p in reversed(problems)}.values())[::-1]
    return out, links, problems
