"""Ingest: read a content folder into :class:`~kb.model.Document` objects.

A broken file never stops ingest: every failure becomes a :class:`~kb.model.Problem` naming the file
(and the line, where known), and the rest of the folder is read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from kb import frontmatter, locales, markdown
from kb.editions import editions_of
from kb.model import Corpus, Document, Link, LocaleSource, Navigation, Problem, Segment, SegmentKind, Translation
from kb.nav import is_navigation, parse_navigation
from kb.segments import build_segments

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
MAX_INCLUDE_DEPTH = 3


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Settings of one ingest run."""

    languages: tuple[str, ...] = locales.SUPPORTED_LANGUAGES
    """Languages that detection may choose among (a document's metadata may name any locale)."""
    max_bytes: int = 5 * 1024 * 1024
    """Files larger than this are reported and skipped."""


class InputProblem(Exception):
    """Raised inside ingest for a file that must be skipped; becomes a :class:`Problem`."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


# --- discovery -----------------------------------------------------------------------------------


def discover(root: Path) -> tuple[list[str], list[str], list[Problem]]:
    """(document paths, navigation paths, problems), relative to ``root``, sorted."""
    root_real = root.resolve()
    docs: list[str] = []
    navs: list[str] = []
    problems: list[Problem] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if full.is_symlink() and not _inside(full.resolve(), root_real):
                problems.append(Problem(rel, None, "symbolic link points outside the content root; not read"))
                continue
            if is_navigation(rel):
                navs.append(rel)
            elif name.lower().endswith(DOCUMENT_SUFFIXES):
                docs.append(rel)
    return sorted(docs), sorted(navs), problems


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


# --- one document --------------------------------------------------------------------------------


def decode(data: bytes, max_bytes: int) -> str:
    """Bytes → text with normalised line endings, or :class:`InputProblem` saying why not."""
    if len(data) > max_bytes:
        raise InputProblem(f"file is too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data[:8192]:
        raise InputProblem("file is binary (contains NUL bytes), not Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputProblem(f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line) from None
    return markdown.normalize_text(text)


def expand_includes(
    body: str, rel: str, root: Path | None, depth: int = 0
) -> tuple[str, list[Link], list[Problem]]:
    """Replace ``[!INCLUDE[…](file)]`` by the file's body, when it lies inside the content root."""
    links: list[Link] = []
    problems: list[Problem] = []

    def replace(m: object) -> str:
        import re

        assert isinstance(m, re.Match)
        target = m.group("target")
        line = body.count("\n", 0, m.start()) + 1
        links.append(Link(target, m.group("title"), "include", line))
        if root is None:
            return ""
        root_real = root.resolve()
        path = (root / Path(rel).parent / target).resolve()
        if not _inside(path, root_real):
            problems.append(Problem(rel, line, f"include '{target}' reaches outside the content root; not read"))
            return ""
        if depth >= MAX_INCLUDE_DEPTH or not path.is_file():
            why = "includes nest too deeply" if path.is_file() else "file not found"
            problems.append(Problem(rel, line, f"include '{target}' not expanded: {why}"))
            return ""
        try:
            text = decode(path.read_bytes(), 1024 * 1024)
        except InputProblem as exc:
            problems.append(Problem(rel, line, f"include '{target}' not expanded: {exc.message}"))
            return ""
        _, inc_body, _ = frontmatter.split(text)
        inc_rel = path.relative_to(root_real).as_posix()
        expanded, inner_links, inner_problems = expand_includes(inc_body, inc_rel, root, depth + 1)
        problems.extend(inner_problems)
        return expanded.strip("\n")

    out = markdown.INCLUDE.sub(replace, body)
    return out, links, problems


def _locale(rel: str, fm: dict[str, object], title: str, segments: list[Segment], opts: IngestOptions):  # type: ignore[no-untyped-def]
    declared = frontmatter.get(fm, "contentlocale") or frontmatter.get(fm, "locale")
    if declared and (tag := locales.normalize(declared)):
        return tag, LocaleSource.METADATA, 1.0
    if tag := locales.locale_from_path(rel):
        return tag, LocaleSource.PATH, 0.9
    sample = " ".join([title] + [s.text for s in segments if s.kind is not SegmentKind.CODE])[:4000]
    tag, confidence = locales.detect(sample, opts.languages)
    return tag, LocaleSource.DETECTED, round(confidence, 4)


def parse_document(
    rel: str, data: bytes, root: Path | None = None, opts: IngestOptions = IngestOptions()
) -> tuple[Document | None, list[Problem]]:
    """Parse one file's bytes. Never raises: problems come back beside a document or instead of it."""
    try:
        return _parse(rel, data, root, opts)
    except InputProblem as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    except frontmatter.FrontMatterError as exc:
        return None, [Problem(rel, exc.line, str(exc))]
    except RecursionError:
        return None, [Problem(rel, None, "document is nested too deeply to parse")]
    except Exception as exc:  # a parser bug must not stop the build: report it against the file
        return None, [Problem(rel, None, f"could not be parsed ({type(exc).__name__}: {exc})")]


def _parse(rel: str, data: bytes, root: Path | None, opts: IngestOptions) -> tuple[Document | None, list[Problem]]:
    text = decode(data, opts.max_bytes)
    fm_text, body, body_line = frontmatter.split(text)
    if fm_text is None:
        raise InputProblem("no front matter: a document starts with a '---' YAML block (title, …)", 1)
    fm = frontmatter.parse(fm_text)
    if not body.strip():
        raise InputProblem("document has front matter but an empty body", body_line)
    body, include_links, problems = expand_includes(body, rel, root)
    segments = build_segments(markdown.parse(body), body_line)
    if not segments:
        raise InputProblem("document body has no text", body_line)
    first_heading = next((s.text for s in segments if s.kind is SegmentKind.HEADING), None)
    title = frontmatter.get(fm, "title") or first_heading or Path(rel).stem
    locale, source, confidence = _locale(rel, fm, title, segments, opts)
    editions, applies_to = editions_of(segments)
    assetid = frontmatter.get(fm, "assetid")
    translation = Translation(
        source_hash=frontmatter.get(fm, "openlocfilehash"),
        source_commit=frontmatter.get(fm, "sourcegitcommit"),
        type=(frontmatter.get(fm, "translationtype") or "").upper() or None,
        handoff=frontmatter.iso_date(frontmatter.get(fm, "lasthandoff")),
        date=frontmatter.iso_date(frontmatter.get(fm, "date")),
        locfileid=frontmatter.get(fm, "locfileid"),
    )
    doc = Document(
        path=rel,
        locale=locale,
        locale_source=source,
        locale_confidence=confidence,
        front_matter=fm,
        title=title,
        description=frontmatter.get(fm, "description") or "",
        assetid=assetid.strip().lower() if assetid else None,
        editions=editions,
        applies_to=applies_to,
        translation=translation,
        segments=tuple(segments),
        links=tuple(include_links) + tuple(link for s in segments for link in s.links),
        body=body,
        body_line=body_line,
        content_hash=hashlib.sha256(data).hexdigest(),
    )
    return doc, problems


# --- a whole folder ------------------------------------------------------------------------------


def read_file(root: Path, rel: str, opts: IngestOptions) -> tuple[Document | None, list[Problem]]:
    path = root / rel
    try:
        size = path.stat().st_size
        if size > opts.max_bytes:
            return None, [Problem(rel, None, f"file is too large ({size:,} bytes; the limit is {opts.max_bytes:,})")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, None, f"cannot be read: {exc.strerror or exc}")]
    return parse_document(rel, data, root, opts)


def _read_many(args: tuple[str, list[str], IngestOptions]) -> list[tuple[Document | None, list[Problem]]]:
    root, rels, opts = args
    return [read_file(Path(root), rel, opts) for rel in rels]


def read_navigation(root: Path, rel: str) -> tuple[Navigation | None, list[Problem]]:
    try:
        text = decode((root / rel).read_bytes(), 5 * 1024 * 1024)
        return parse_navigation(rel, text), []
    except InputProblem as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    except Exception as exc:
        return None, [Problem(rel, None, f"navigation could not be parsed ({type(exc).__name__}: {exc})")]


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    size = max(1, len(items) // (n * 4) + 1)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def ingest(root: str | Path, *, jobs: int = 1, opts: IngestOptions = IngestOptions()) -> Corpus:
    """Read every document and navigation file under ``root``; ``jobs`` > 1 parses in processes."""
    root = Path(root)
    if not root.is_dir():
        from kb.errors import InvalidParameter

        raise InvalidParameter(f"--content: '{root}' is not a folder")
    doc_paths, nav_paths, problems = discover(root)
    if jobs > 1 and len(doc_paths) > 32:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            batches = pool.map(_read_many, [(str(root), c, opts) for c in _chunks(doc_paths, jobs)])
            results = [r for batch in batches for r in batch]
    else:
        results = [read_file(root, rel, opts) for rel in doc_paths]
    documents = [doc for doc, _ in results if doc is not None]
    problems += [p for _, ps in results for p in ps]
    navigation = []
    for rel in nav_paths:
        nav, nav_problems = read_navigation(root, rel)
        problems += nav_problems
        if nav is not None:
            navigation.append(nav)
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return Corpus(str(root), tuple(documents), tuple(navigation), tuple(problems))
