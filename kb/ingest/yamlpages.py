"""Learn's YAML pages: a docset's landing page, hubs and FAQs are YAML (``### YamlMime:Landing``,
``Hub``, ``FAQ``; ``YamlDocument``, the landing pages of 2018–2020 that localized repositories still hold;
``Tutorial``, a structured tutorial), not Markdown. Each is read as the Markdown of the page Learn renders
from it, so it is a document like any other: its segments searched, aligned, checked and shown.

- ``metadata`` is its front matter; ``title`` (else ``metadata.title``) its title and H1; ``summary``
  its first paragraph;
- an FAQ's ``sections`` are H2 (``name``), their ``questions`` H3, each ``answer`` (Markdown) below;
- everything else is walked in order: a mapping with a ``url`` is a list item linking its ``title``
  (``text``, ``name``) with its ``summary`` after it, a mapping with a title and no ``url`` a heading one
  level down with its content under it (a landing page's ``landingContent`` cards and their
  ``linkLists``, a hub's ``highlightedContent``, ``conceptualContent``, ``additionalContent``), so a
  landing page is headed lists of links, which the site shows as a card grid;
- Learn's training (``Module``, its ``ModuleUnit`` pages, ``LearningPath``): a module's ``abstract`` and
  ``prerequisites`` are Markdown after its summary, its ``units`` (a path's ``modules``: uids) a numbered
  list of ``xref:`` links the site titles with the pages they name; a unit's ``content`` (mostly an
  ``[!include]``) is its Markdown, and a ``quiz`` a heading over numbered questions, each with its
  choices (the right ones marked ✓) and their explanations, the text a translator has to compare;
- a mapping's ``content`` (a tutorial step's) is Markdown under its heading; an item of a ``type: list``
  or ``table`` (a ``YamlDocument``'s) is a list item, its ``html`` inline HTML; a ``type: paragraph`` is its
  ``text``; a mapping with no label and a ``description`` (an ``abstract``) starts with that paragraph.

Lines: each block remembers the line of the YAML file where its text is written, and the segments take
those lines (:func:`with_source_lines`), so a finding names the line of the YAML file.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kb.ingest import frontmatter
from kb.model import Segment

SUFFIXES = (".yml", ".yaml")
KINDS = ("landing", "hub", "faq", "yamldocument", "tutorial", "module", "moduleunit", "learningpath")
"""The YamlMime kinds read as pages (lower case); other YAML (TOCs, reference pages) is not."""
_MIME = re.compile(r"\A\ufeff?(#{2,3})\s*YamlMime:\s*([A-Za-z]+)")
"""The first line: ``### YamlMime:Landing``; two marks are taken too (Visual Studio's it-IT landing page
lost one in translation), and reported (:func:`mime_problem`)."""
_SKIPPED = {"metadata", "brand", "layout", "itemtype", "linklisttype", "image", "imagesrc", "imagetype",
            "alt", "ms.topic", "ms.date", "uid", "documenttype", "type", "icon", "style", "classname", "tasks"}
"""Keys that hold no text of the page (its look, its kind; a unit's sandbox ``tasks``, checked, not read) and
are not walked."""
_LABELS = ("title", "text", "name", "displayName")
_CLOSING = ("additionalContent", "footer")
"""Markdown after what a mapping holds: an FAQ's closing text (``additionalContent: |`` with its next steps),
a hub's links under its last cards (``additionalContent: {sections, footer}``)."""
_PROSE = ("abstract", "prerequisites")
"""A training module's (a learning path's) Markdown after its summary."""
_PARTS = ("units", "modules")
"""What a module (a learning path) is made of: the uids of its pages, in order."""
CORRECT = "✓"
MAX_LEVEL = 6


def page_kind(head: bytes) -> str | None:
    """The YamlMime kind of a file starting with ``head`` (lower case) when it is a YAML page kb reads."""
    m = _MIME.match(head[:200].decode("utf-8", "replace"))
    kind = m.group(2).lower() if m else None
    return kind if kind in KINDS else None


def mime_problem(text: str) -> str | None:
    """What is wrong with a YAML page's first line, when it was read all the same."""
    m = _MIME.match(text[:200])
    if m is None or len(m.group(1)) == 3:
        return None
    return f"the first line is '{m.group(1)} YamlMime:{m.group(2)}': DocFX reads '### YamlMime:{m.group(2)}' (read so)"


@dataclass
class _Block:
    markdown: str
    source: str
    """The text of the YAML value it comes from (where its line is looked for)."""
    item: bool = False
    """A list item: joined to the previous item without a blank line, so they make one list."""


def to_markdown(text: str) -> tuple[str, dict[int, int]]:
    """(the page as Markdown with front matter, 1-based Markdown line of each block → the line of the
    YAML file its text is on). Raises :class:`frontmatter.FrontMatterError` for YAML that cannot be
    read or is not a mapping."""
    try:
        data = frontmatter.parse(text)  # the front matter's limits against hostile YAML apply here too
    except frontmatter.FrontMatterError as exc:  # (its lines count the front matter's '---' line)
        line = exc.line - 1 if exc.line is not None else None
        raise frontmatter.FrontMatterError(str(exc).replace("front matter", "the YAML page", 1), line) from None
    found = data.get("metadata")
    meta: dict[Any, Any] = found if isinstance(found, dict) else {}
    title = _text(data.get("title")) or _text(meta.get("title"))
    summary = _text(data.get("summary")) or _text(data.get("description"))
    front = {k: v for k, v in meta.items() if isinstance(k, str)}
    front["title"] = title  # the page's own title (its H1), not metadata.title (the browser tab's)
    if summary and "description" not in front:
        front["description"] = summary
    blocks = [_Block(f"# {_inline(title)}", title)] if title else []
    if summary:
        blocks.append(_Block(summary, summary))
    if isinstance(data.get("uid"), str) and "uid" not in front:  # what a module's xref:uid names
        front["uid"] = data["uid"]
    blocks += [_Block(prose, prose) for key in _PROSE if (prose := _text(data.get(key)))]
    blocks += [_Block(f"1. [](xref:{uid.strip()})", uid, item=True)
               for key in _PARTS if isinstance(data.get(key), list) for uid in data[key] if _text(uid)]
    rest = {k: v for k, v in data.items()
            if k not in {"title", "summary", "description", *_PARTS} and not (k in _PROSE and isinstance(v, str))}
    blocks += _walk(rest, 2)
    if not blocks:
        raise frontmatter.FrontMatterError("the YAML page has no title and no text", 1)
    body, lines = _join(blocks)
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False)
    offset = head.count("\n") + 2  # the front matter's lines and its two fences
    return f"---\n{head}---\n{body}", {n + offset: y for n, y in _source_lines(text, lines).items()}


def _source_lines(yaml_text: str, sources: dict[int, str]) -> dict[int, int]:
    """Markdown line → the line of the YAML file where the text written there is: each looked for after
    the previous one's, so a text written twice takes the right one; one not found keeps the last line."""
    out: dict[int, int] = {}
    pos, line = 0, 1
    for md_line in sorted(sources):
        probe = sources[md_line].strip().split("\n", 1)[0][:60]
        at = yaml_text.find(probe, pos) if probe else -1
        if at >= 0:
            pos, line = at + 1, line + yaml_text.count("\n", pos, at)  # (counted from the last one found)
        out[md_line] = line
    return out


def with_source_lines(segments: list[Segment], lines: dict[int, int]) -> list[Segment]:
    """``segments`` of the page's Markdown, each with the line of the YAML file its block starts at."""
    starts = sorted(lines)
    out = []
    for seg in segments:
        if seg.line is not None:
            at = bisect.bisect_right(starts, seg.line) - 1
            seg = dataclasses.replace(seg, line=lines[starts[at]] if at >= 0 else None)
        out.append(seg)
    return out


def _walk(node: Any, level: int, listed: bool = False) -> list[_Block]:
    """The blocks of ``node`` (its headings ``level`` deep); ``listed``: it is an item of a YamlDocument's
    ``type: list`` or ``table``, shown as a list item."""
    if isinstance(node, list):
        return [b for item in node for b in _walk(item, level, listed)]
    if not isinstance(node, dict):
        return []
    if "question" in node:  # an FAQ's question and its answer
        question, answer = _text(node.get("question")), _text(node.get("answer"))
        out = [_Block(f"{'#' * min(level, MAX_LEVEL)} {_inline(question)}", question)] if question else []
        return out + ([_Block(answer, answer)] if answer else [])
    if isinstance(node.get("choices"), list):  # a question of a unit's quiz
        return [_question(node)] if _text(node.get("content")) else []
    if _text(node.get("type")).lower() == "paragraph":  # a YamlDocument's paragraph
        text = _text(node.get("text")) or _text(node.get("html"))
        return [_Block(_inline(text), text)] if text else []
    label = next((t for key in _LABELS if (t := _text(node.get(key)))), "")
    summary = _text(node.get("summary")) or _unwrapped(_text(node.get("html")))
    url = _text(node.get("url")) or _text(node.get("href"))
    if url and label:
        tail = f": {_inline(summary)}" if summary else ""
        return [_Block(f"- [{_escape(label)}]({_url(url)}){tail}", label, item=True)]
    if listed and (label or summary) and not any(isinstance(v, (dict, list)) for k, v in node.items()
                                                 if isinstance(k, str) and k.lower() not in _SKIPPED):
        text = label or summary
        return [_Block(f"- {_inline(text)}", text, item=True)]
    out = [_Block(f"{'#' * min(level, MAX_LEVEL)} {_inline(label)}", label)] if label else []
    if not label and (described := _text(node.get("description"))):  # a YamlDocument's abstract
        out.append(_Block(described, described))
    for text in (summary, _text(node.get("content"))):  # a tutorial step's content is Markdown
        if text:
            out.append(_Block(text, text))
    inside = _text(node.get("type")).lower() in ("list", "table")
    for key, value in node.items():
        if isinstance(key, str) and key.lower() not in _SKIPPED and isinstance(value, (dict, list)):
            out += _walk(value, level + 1 if label else level, inside or (listed and not label))
    return out + [_Block(text, text) for key in _CLOSING if (text := _text(node.get(key)))]


def _question(node: dict[Any, Any]) -> _Block:
    """A quiz question as an item of a numbered list (its number is its place), its choices a list in it."""
    question = _text(node.get("content"))
    lines = [f"1. {_inline(question)}", ""]
    for choice in node["choices"]:
        text = _text(choice.get("content")) if isinstance(choice, dict) else ""
        if text:
            mark = f" {CORRECT}" if choice.get("isCorrect") is True else ""
            why = next((t for k in ("explanation", "correctExplanation", "incorrectExplanation")
                        if (t := _text(choice.get(k)))), "")
            lines.append(f"   - {_inline(text)}{mark}" + (f" — {_inline(why)}" if why else ""))
    return _Block("\n".join(lines), question)


def _join(blocks: list[_Block]) -> tuple[str, dict[int, str]]:
    parts: list[str] = []
    lines: dict[int, str] = {}
    line = 1
    for i, block in enumerate(blocks):
        if i:
            gap = "\n" if block.item and blocks[i - 1].item else "\n\n"
            parts.append(gap)
            line += gap.count("\n")
        lines[line] = block.source
        parts.append(block.markdown)
        line += block.markdown.count("\n")
    return "".join(parts) + "\n", lines


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


_PARAGRAPH = re.compile(r"\A<p>((?:(?!</?p\b).)*)</p>\Z", re.S | re.I)


def _unwrapped(html: str) -> str:
    """``<p>Descubra…</p>`` (a YamlDocument card's text) as ``Descubra…``: it follows a link on its line."""
    m = _PARAGRAPH.match(html)
    return m.group(1).strip() if m else html


def _inline(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str) -> str:
    return _inline(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url
