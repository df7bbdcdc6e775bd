"""Navigation files: DocFX ``TOC.md`` (headings of links; Experience League's, lists of them) and ``toc.yml``
(nested items)."""

from __future__ import annotations

import contextlib
import html
import re
from typing import Any

import yaml

from kb.ingest import exl
from kb.ingest.frontmatter import SAFE_LOADER, FrontMatterError, split
from kb.ingest.markdown import normalize_text
from kb.locales import locale_from_path
from kb.model import Navigation, NavNode

NAV_NAMES = {"toc.md", "toc.yml", "toc.yaml"}
# (No lazy text before optional blanks and marks: '(.*?)\s*#*\s*$' tried every split of a run of blanks,
# and one heading of 5,000 spaces took 100 s. The closing marks are taken off by _heading_text.)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>\S.*)$")
_LIST_LEVEL = 10
"""A list item's level is this plus its depth: below every heading (``######`` is 6)."""
_EXL_MARKS = re.compile(r"\{(?:#[^\s{}]+|hide-from-toc)\}")
_LINK = re.compile(r"^\[(?P<title>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"]*\")?\)(?P<rest>.*)$")


def is_navigation(path: str) -> bool:
    """A docset's table of contents, by its name; not the ``breadcrumb/toc.yml`` Learn's publishing reads for
    the trail above a page (``tocHref: /azure/search/``: the site's sections, not the docset's articles)."""
    parts = path.replace("\\", "/").lower().rsplit("/", 2)
    return parts[-1] in NAV_NAMES and not (len(parts) > 1 and parts[-2] == "breadcrumb")


def superseded(paths: list[str]) -> set[str]:
    """The ``TOC.md`` files of folders that also have a ``toc.yml``: the YAML one is the folder's table
    of contents, as Learn shows it (a repository that moved to YAML often keeps its old Markdown TOC,
    no longer built, listing articles since moved or removed)."""
    def folder(path: str) -> str:
        return path.rsplit("/", 1)[0] if "/" in path else ""

    with_yaml = {folder(p) for p in paths if not p.lower().endswith(".md")}
    return {p for p in paths if p.lower().endswith(".md") and folder(p) in with_yaml}


def _entry(text: str) -> NavNode:
    m = _LINK.match(text.strip())
    if m:
        title = (m.group("title") + m.group("rest")).strip()
        return NavNode(title=_title(title), href=m.group("href") or None)
    return NavNode(title=_title(text.strip()), href=None)


def _title(text: str) -> str:
    """An entry's title as a reader sees it: HTML's character references decoded (``dell&#39;elenco``) and
    Experience League's marks read as their text (``Guia do [!DNL Adobe Commerce B2B]``)."""
    return exl.unmarked(html.unescape(text) if "&" in text else text)


def _heading_text(text: str) -> str:
    """A heading's text without its closing ``#`` marks (``## Title ##``) and blanks, as CommonMark reads
    them: marks that follow a blank, or are all the text."""
    text = text.strip()
    bare = text.rstrip("#")
    return bare.rstrip() if bare != text and (not bare or bare[-1] in " \t") else text


def parse_toc_md(text: str) -> tuple[NavNode, ...]:
    """Nest ``#``-level headings into a tree; a heading is a link (``# [Title](a.md)``) or a label. List
    items nest under the heading above them by their indent: Adobe Experience League's TOCs are a
    front matter, one heading, then a bulleted tree (``* [Overview](home.md)``, ``* Interface {#ui}``),
    where an entry marked ``{hide-from-toc}`` is left out with what it holds."""
    root: list[Any] = []
    stack: list[tuple[int, list[Any]]] = [(0, root)]
    indents: list[int] = []  # the open list items' indents, under the last heading
    text = normalize_text(text)
    with contextlib.suppress(FrontMatterError):
        text = split(text)[1]
    for line in text.split("\n"):
        if m := _HEADING.match(line):
            level, entry, indents = len(m.group(1)), _heading_text(m.group(2)), []
        elif m := _ITEM.match(line):
            width = len(m.group("indent").expandtabs(4))
            while indents and indents[-1] >= width:
                indents.pop()
            indents.append(width)
            level, entry = _LIST_LEVEL + len(indents), m.group("text")
        else:
            continue
        while stack[-1][0] >= level:
            stack.pop()
        children: list[Any] = []
        if "{hide-from-toc}" not in entry:
            stack[-1][1].append((_entry(_EXL_MARKS.sub("", entry)), children))
        stack.append((level, children))  # (a hidden entry's children go with it)
    return _freeze(root)


def _freeze(items: list[Any]) -> tuple[NavNode, ...]:
    return tuple(NavNode(node.title, node.href, _freeze(children)) for node, children in items)


def parse_toc_yml(text: str) -> tuple[NavNode, ...]:
    data = yaml.load(normalize_text(text), Loader=SAFE_LOADER) or []  # noqa: S506 - a safe loader
    if isinstance(data, dict):
        data = data.get("items", [data])
    return _yml_items(data)


def _yml_items(items: Any) -> tuple[NavNode, ...]:
    out = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        href = item.get("href") or item.get("topicHref") or item.get("tocHref")
        uid = item.get("uid") or item.get("topicUid")
        if not href and isinstance(uid, str) and uid.strip():  # (ASP.NET Core's trees name articles by uid)
            href = f"xref:{uid.strip()}"
        out.append(NavNode(str(item.get("name", "")), str(href) if href else None, _yml_items(item.get("items"))))
    return tuple(out)


def parse_navigation(path: str, text: str) -> Navigation:
    """Parse a navigation file; raises ``ValueError``/``yaml.YAMLError`` on malformed YAML."""
    items = parse_toc_md(text) if path.lower().endswith(".md") else parse_toc_yml(text)
    return Navigation(path=path, locale=locale_from_path(path), items=items)
