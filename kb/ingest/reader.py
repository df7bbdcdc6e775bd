"""Ingest: read a content folder into :class:`~kb.model.Document` objects.

A broken file never stops ingest: every failure becomes a :class:`~kb.model.Problem` naming the file
(and the line, where known), and the rest of the folder is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import stat
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from kb import locales
from kb.ingest import docfx, exl, frontmatter, markdown, pivots, snippets, yamlpages
from kb.ingest.cache import ParseCache, Parsed, cacheable
from kb.ingest.docsets import CONFIG, Docsets, Role, with_metadata
from kb.ingest.editions import editions_of
from kb.ingest.includes import MAX_INCLUDE_FILE, MAX_INCLUDED_BYTES, MAX_INCLUDES, expand_includes
from kb.ingest.linemap import Origins
from kb.ingest.navigation import is_navigation, parse_navigation, superseded
from kb.ingest.segments import TooComplex, build_segments
from kb.ingest.skeleton import pack_skeleton
from kb.ingest.textfiles import (
    InputProblem,
    content_folder,
    decode,
    inside,
)
from kb.model import (
    Corpus,
    Document,
    DocumentText,
    LocaleSource,
    Navigation,
    Problem,
    Redirect,
    Segment,
    SegmentKind,
    Translation,
    run_line,
)
from kb.progress import ProgressFn

DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt")
NO_DOCSETS = Docsets()


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Settings of one ingest run."""

    languages: tuple[str, ...] = locales.SUPPORTED_LANGUAGES
    """Languages that detection may choose among (a document's metadata may name any locale)."""
    max_bytes: int = 5 * 1024 * 1024
    """Files larger than this are reported and skipped."""


# --- discovery -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Discovered:
    """What a content folder holds, as paths relative to it, sorted."""

    documents: list[str]
    navigation: list[str]
    problems: list[Problem]
    docsets: Docsets
    resources: frozenset[str]
    """Other files a document may refer to (see :attr:`kb.model.Corpus.resources`)."""


def discover(root: Path) -> Discovered:
    """Every document, navigation file and resource below ``root``, as its ``docfx.json`` files say
    (:mod:`kb.ingest.docsets`; without any, every Markdown file is a document)."""
    docs, navs, others, configs, problems = _walk(root)
    docsets, config_problems = Docsets.load(root, configs)
    problems += config_problems
    roles = {rel: docsets.role(rel) for rel in [*docs, *navs]}
    docs = [rel for rel in docs if roles[rel] in (Role.DOCUMENT, Role.UNGOVERNED)]
    navs = [rel for rel in navs if roles[rel] in (Role.DOCUMENT, Role.UNGOVERNED)]
    old_tocs = superseded(navs)
    navs = [rel for rel in navs if rel not in old_tocs]
    others = [rel for rel in others if docsets.is_resource(rel)]
    return Discovered(docs, navs, problems, docsets, frozenset(others))


def _walk(root: Path) -> tuple[list[str], list[str], list[str], list[str], list[Problem]]:
    """(documents, navigation files, other files, docfx.json files, problems) by their names alone."""
    root_real = root.resolve()
    docs: list[str] = []
    navs: list[str] = []
    others: list[str] = []
    configs: list[str] = []
    problems: list[Problem] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:  # os.walk does not follow them; say so when they lead outside
            link = Path(dirpath) / name
            if link.is_symlink() and not inside(link.resolve(), root_real):
                rel = _printable(link.relative_to(root).as_posix())
                why = "symbolic link to a folder outside the content root; not read"
                problems.append(Problem(rel, None, why))
        # Plain strings, not Path objects: a rebuild in a session walks every file again.
        folder = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for name in filenames:
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            rel = prefix + name
            if os.path.islink(full) and not inside(Path(full).resolve(), root_real):
                problems.append(
                    Problem(_printable(rel), None, "symbolic link points outside the content root; not read")
                )
                continue
            document = name.lower().endswith(DOCUMENT_SUFFIXES) or _is_yaml_page(full)
            wanted = is_navigation(rel) or document
            if wanted and rel != _printable(rel):  # undecodable bytes would break paths, URLs, reports
                problems.append(Problem(_printable(rel), None, "file name is not valid UTF-8; not read"))
                continue
            if is_navigation(rel):
                navs.append(rel)
            elif document:
                docs.append(rel)
            elif name == CONFIG:
                configs.append(rel)
            elif rel == _printable(rel):
                others.append(rel)
    return sorted(docs), sorted(navs), others, configs, problems


def _is_yaml_page(full: str) -> bool:
    """A YAML file Learn renders as a page (:mod:`kb.ingest.yamlpages`), by its first line."""
    if not full.lower().endswith(yamlpages.SUFFIXES) or is_navigation(full):
        return False
    try:
        with open(full, "rb") as f:
            return yamlpages.page_kind(f.read(200)) is not None
    except OSError:  # (a pipe, a file gone since the walk: not a page)
        return False


def _printable(rel: str) -> str:
    """A path as text: bytes that are not UTF-8 (kept by os.walk as surrogates) become U+FFFD."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# --- one document --------------------------------------------------------------------------------


def _locale(
    rel: str, fm: dict[str, object], title: str, segments: list[Segment], opts: IngestOptions
) -> tuple[str, LocaleSource, float]:
    declared = frontmatter.get(fm, "contentlocale") or frontmatter.get(fm, "locale")
    if declared and (tag := locales.normalize(declared)):
        return tag, LocaleSource.METADATA, 1.0
    if tag := locales.locale_from_path(rel):
        return tag, LocaleSource.PATH, 0.9
    sample = " ".join([title] + [s.text for s in segments if s.kind is not SegmentKind.CODE])[:4000]
    tag, confidence = locales.detect(sample, opts.languages)
    return tag, LocaleSource.DETECTED, round(confidence, 4)


def _shown(value: str) -> str:
    """A front matter's title or description as the page shows it (:func:`frontmatter.get` decoded its
    character references): a bilingual pair read as its translation, Experience League's marks as their
    text (``Filtrar listas em [!DNL Adobe Workfront]``)."""
    return exl.unmarked(docfx.bilingual(value))


def parse_document(
    rel: str,
    data: bytes,
    root: Path | None = None,
    opts: IngestOptions = IngestOptions(),
    metadata: dict[str, Any] | None = None,
) -> Parsed:
    """Parse one file's bytes. Never raises: problems come back beside a document or instead of it.
    ``metadata``: what its ``docfx.json`` gives it, beneath its own front matter. A ``redirect_url``
    stub gives a :class:`Redirect` instead of a document."""
    try:
        return _parse(rel, data, root, opts, metadata or {})
    except InputProblem as exc:
        return None, [*exc.causes, Problem(rel, exc.line, exc.message)]
    except TooComplex as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    except frontmatter.FrontMatterError as exc:
        return None, [Problem(rel, exc.line, str(exc))]
    except RecursionError:
        return None, [Problem(rel, None, "document is nested too deeply to parse")]
    except Exception as exc:  # a parser bug must not stop the build: report it against the file
        return None, [Problem(rel, None, f"could not be parsed ({type(exc).__name__}: {exc})")]


def _redirect(rel: str, fm: dict[str, Any], target: str) -> Redirect:
    declared = frontmatter.get(fm, "contentlocale") or frontmatter.get(fm, "locale")
    locale = (locales.normalize(declared) if declared else None) or locales.locale_from_path(rel)
    return Redirect(rel, locale, target.strip())


def _date(rel: str, fm: dict[str, object], fm_text: str, key: str, problems: list[Problem]) -> str | None:
    """The front matter date ``key`` as ISO 8601, read once here; a value that is no date is left out
    and reported against the file (the site and the API then show none)."""
    raw = frontmatter.get(fm, key)
    iso = frontmatter.iso_date(raw)
    if raw is not None and iso is None:
        why = f"ms.{key} '{raw[:40]}' is not a date (M/D/YYYY as Microsoft docs write it, or YYYY-MM-DD): left out"
        problems.append(Problem(rel, frontmatter.key_line(fm_text, key), why))
    return iso


REPOSITORY_FILES = frozenset({"readme", "security", "license", "contributing", "code_of_conduct", "changelog",
                              "thirdpartynotices", "support"})
"""What a repository holds beside its docs, by name (any suffix): never an article without front matter."""


def _article_without_front_matter(rel: str, body: str) -> bool:
    """DocFX publishes a Markdown file without front matter, titled by its first heading (older
    translations of Microsoft Graph articles have none): such a file in a locale folder, opening with a
    level-1 heading, is an article, unless it is a repository's own file (README, LICENSE, …)."""
    name = posixpath.basename(rel).lower().split(".")[0]
    if name in REPOSITORY_FILES or locales.locale_from_path(rel) is None:
        return False
    first = next((line for line in body.lstrip("\ufeff").splitlines() if line.strip()), "")
    return first.startswith("# ")


def _parse(rel: str, data: bytes, root: Path | None, opts: IngestOptions, metadata: dict[str, Any]) -> Parsed:
    text = decode(data, opts.max_bytes)
    yaml_lines: dict[int, int] | None = None
    mime = None
    if rel.lower().endswith(yamlpages.SUFFIXES):  # a YAML page, read as the Markdown of its page
        mime = yamlpages.mime_problem(text)
        text, yaml_lines = yamlpages.to_markdown(text)
    fm_text, body, body_line = frontmatter.split(text)
    if fm_text is None:
        if not _article_without_front_matter(rel, body):
            raise InputProblem("no front matter: a document starts with a '---' YAML block (title, …)", 1)
        fm_text = ""
    fm_text, control_line = frontmatter.without_controls(fm_text)
    values, unreadable = frontmatter.salvage(fm_text)
    fm = with_metadata(values, metadata)
    if target := frontmatter.get(fm, "redirect_url"):
        return _redirect(rel, fm, target), []
    if not body.strip():
        raise InputProblem("document has front matter but an empty body", body_line)
    origins = Origins(body_line)
    body, include_links, problems = expand_includes(body, rel, root, first_line=body_line, edits=origins.step(body))
    body, code_links, code_problems = snippets.expand_code(
        body, rel, root, [MAX_INCLUDES, MAX_INCLUDED_BYTES], MAX_INCLUDE_FILE, origins)
    include_links += code_links
    problems += code_problems
    if unreadable is not None:
        problems.insert(0, Problem(rel, unreadable.line, f"{unreadable}; what it could not read is left out"))
    if mime is not None:
        problems.insert(0, Problem(rel, 1, mime))
    if control_line is not None:
        problems.insert(0, Problem(rel, control_line, "front matter has control characters; they were replaced"))
    zones = pivots.Pivots({}, [])
    if pivots.FENCE.search(body):
        zones = pivots.titles(root, rel, frontmatter.get(fm, "zone_pivot_groups"))
        problems += zones.problems
    tokens = markdown.parse(body, zones.titles)
    body_lines = origins.body_lines(body)
    for index, why in pivots.untitled(body, zones, frontmatter.get(fm, "zone_pivot_groups")):
        at = run_line(body_lines, body_line, index) if index is not None else None
        problems.append(Problem(rel, at or frontmatter.key_line(fm_text, "zone_pivot_groups"), why))
    segments = build_segments(tokens, body_line, partial(run_line, body_lines, body_line) if body_lines else None)
    if yaml_lines is not None:
        segments = yamlpages.with_source_lines(segments, yaml_lines)
    if (deep := markdown.nesting_overflow(tokens)) is not None:
        limit = markdown.parser().options["maxNesting"]
        why = f"content nested too deeply (over {limit} levels of lists, quotes and items) is left out"
        problems.append(Problem(rel, run_line(body_lines, body_line, deep), why))
    if not segments:
        raise InputProblem("document body has no text", body_line, problems)
    first_heading = next((s.text for s in segments if s.kind is SegmentKind.HEADING), None)
    title = _shown(frontmatter.get(fm, "title") or "") or first_heading or Path(rel).stem
    locale, source, confidence = _locale(rel, fm, title, segments, opts)
    editions, applies_to = editions_of(segments)
    assetid = frontmatter.get(fm, "assetid")
    uid = (fm["uid"].strip() or None) if isinstance(fm.get("uid"), str) else None  # what xref:UID names
    translation = Translation(
        source_hash=frontmatter.get(fm, "openlocfilehash"),
        source_commit=frontmatter.get(fm, "sourcegitcommit"),
        type=(frontmatter.get(fm, "translationtype") or "").upper() or None,
        handoff=_date(rel, fm, fm_text, "lasthandoff", problems),
        date=_date(rel, fm, fm_text, "date", problems),
        locfileid=frontmatter.get(fm, "locfileid"),
    )
    parsed = DocumentText(
        front_matter=fm,
        segments=tuple(segments),
        links=tuple(include_links) + tuple(link for s in segments for link in s.links),
        body=body,
    )
    doc = Document.parsed(
        text=parsed,
        path=rel,
        locale=locale,
        locale_source=source,
        locale_confidence=confidence,
        title=title,
        description=_shown(frontmatter.get(fm, "description") or ""),
        assetid=assetid.strip().lower() if assetid else None,
        editions=editions,
        applies_to=applies_to,
        translation=translation,
        body_line=body_line,
        body_lines=body_lines,
        content_hash=hashlib.sha256(data).hexdigest(),
        uid=uid,
        skeleton=pack_skeleton(tokens),  # last: it may change the tokens
    )
    return doc, problems


# --- a whole folder ------------------------------------------------------------------------------


def _read_bytes(root: Path, rel: str, opts: IngestOptions) -> bytes | Parsed:
    """The file's bytes, or the problem result that replaces its parse."""
    path = os.path.join(root, rel)  # strings: a session's rebuild reads every file again
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # reading a named pipe would wait forever
            return None, [Problem(rel, None, "not a regular file (a pipe, socket or device); not read")]
        size = st.st_size
        if size > opts.max_bytes:
            limit = f"{size:,} bytes; the limit is {opts.max_bytes:,}"
            return None, [Problem(rel, None, f"file is too large ({limit})")]
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        return None, [Problem(rel, None, f"cannot be read: {exc.strerror or exc}")]


def _context(opts: IngestOptions, docsets: Docsets, rel: str) -> str:
    """Everything besides its path and bytes that a file's parse depends on (a cache key's part)."""
    meta = docsets.metadata(rel)
    return repr(opts) + (json.dumps(meta, sort_keys=True, default=str) if meta else "")


def read_file(
    root: Path, rel: str, opts: IngestOptions, cache: ParseCache | None = None, docsets: Docsets = NO_DOCSETS
) -> Parsed:
    """Parse one file under ``root``, storing the result in ``cache`` when one is given."""
    data = _read_bytes(root, rel, opts)
    if not isinstance(data, bytes):
        return data
    result = parse_document(rel, data, root, opts, docsets.metadata(rel))
    if cache is not None and cacheable(data):
        cache.put(cache.key(rel, data, _context(opts, docsets, rel)), result)
    return result


def _read_many(args: tuple[str, list[str], IngestOptions, ParseCache | None, Docsets]) -> list[Parsed]:
    root, rels, opts, cache, docsets = args
    return [read_file(Path(root), rel, opts, cache, docsets) for rel in rels]


NavParsed = tuple[Navigation | None, list[Problem]]


def read_navigation(
    root: Path, rel: str, memo: tuple[dict[Any, NavParsed], dict[Any, NavParsed]] | None = None
) -> NavParsed:
    """Parse a TOC file. ``memo``: (a session's results of its previous build, this build's), so
    the same bytes give the same :class:`Navigation` object."""
    data = _read_bytes(root, rel, IngestOptions())  # the same size and file-type checks as documents
    if not isinstance(data, bytes):
        return None, data[1]
    if memo is None:
        return _navigation(rel, data)
    before, now = memo
    key = (rel, hashlib.sha256(data).hexdigest())
    found = now[key] = before.get(key) or _navigation(rel, data)
    return found


def _navigation(rel: str, data: bytes) -> tuple[Navigation | None, list[Problem]]:
    try:
        text = decode(data, 5 * 1024 * 1024)
        return parse_navigation(rel, text), []
    except InputProblem as exc:
        return None, [Problem(rel, exc.line, exc.message)]
    except yaml.MarkedYAMLError as exc:  # the line, and what the parser found there, on one line
        mark = exc.context_mark or exc.problem_mark  # (where an unclosed construct opened)
        said = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Problem(rel, mark.line + 1 if mark else None, f"navigation is not valid YAML: {said}")]
    except Exception as exc:
        return None, [Problem(rel, None, f"navigation could not be parsed ({type(exc).__name__}: {exc})")]


# Small batches keep both cores busy to the end (article sizes vary 100×) and let progress move;
# above ~50 documents a batch, the per-batch cost of the pool is already negligible.
MIN_BATCH, MAX_BATCH = 8, 48


def chunks(items: list[str], jobs: int) -> list[list[str]]:
    """``items`` in order, cut into batches of about an eighth of each worker's share."""
    size = min(MAX_BATCH, max(MIN_BATCH, len(items) // (jobs * 8)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _from_cache(
    root: Path, rels: list[str], opts: IngestOptions, cache: ParseCache, progress: ProgressFn | None,
    docsets: Docsets,
) -> tuple[dict[str, Parsed], list[str], set[str]]:
    """(results found in the cache, paths still to parse, every key in use)."""
    found: dict[str, Parsed] = {}
    todo: list[str] = []
    keys: set[str] = set()
    for rel in rels:
        data = _read_bytes(root, rel, opts)
        if not isinstance(data, bytes):
            found[rel] = data
            continue
        key = cache.key(rel, data, _context(opts, docsets, rel))
        keys.add(key)
        hit = cache.get(key) if cacheable(data) else None
        if hit is None:
            todo.append(rel)
        else:
            found[rel] = hit
            if progress is not None and len(found) % 256 == 0:
                progress("ingest", len(found), len(rels))
    return found, todo, keys


MemoKey = tuple[str, str, str]


def _from_memo(
    root: Path, rels: list[str], opts: IngestOptions, memo: dict[Any, Any], docsets: Docsets
) -> tuple[dict[str, Parsed], list[str], dict[str, MemoKey]]:
    """(results of the session's previous build for files with the same bytes, paths still to read,
    the memo key of every file that can be remembered)."""
    found: dict[str, Parsed] = {}
    todo: list[str] = []
    keys: dict[str, MemoKey] = {}
    for rel in rels:
        data = _read_bytes(root, rel, opts)
        if isinstance(data, bytes) and cacheable(data):
            keys[rel] = key = (rel, hashlib.sha256(data).hexdigest(), _context(opts, docsets, rel))
            if (hit := memo.get(key)) is not None:
                found[rel] = hit
                continue
        todo.append(rel)
    return found, todo, keys


def _remember(results: dict[str, Parsed], keys: dict[str, MemoKey], memo: dict[Any, Any]) -> None:
    """Keep this build's results in ``memo``, and only those (deleted and changed files are forgotten)."""
    navigation = memo.get("navigation")
    memo.clear()
    memo.update((key, results[rel]) for rel, key in keys.items())
    if navigation is not None:
        memo["navigation"] = navigation


def _parse_all(
    root: Path, rels: list[str], jobs: int, opts: IngestOptions, cache: ParseCache | None,
    progress: ProgressFn | None, done: int, total: int, docsets: Docsets,
) -> dict[str, Parsed]:
    """Parse ``rels``: in a process pool when there are enough of them to pay for it."""
    out: dict[str, Parsed] = {}
    if jobs > 1 and len(rels) > 32:
        markdown.parser()  # built once here, inherited by forked workers
        batches = chunks(rels, jobs)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(_read_many, (str(root), b, opts, cache, docsets)): b for b in batches}
            for future in as_completed(futures):
                batch = futures[future]
                out.update(zip(batch, future.result(), strict=True))
                done += len(batch)
                if progress is not None and done < total:
                    progress("ingest", done, total)
        return out
    for rel in rels:
        out[rel] = read_file(root, rel, opts, cache, docsets)
        done += 1
        if progress is not None and done % 16 == 0 and done < total:
            progress("ingest", done, total)
    return out


def ingest(
    root: str | Path,
    *,
    jobs: int = 1,
    opts: IngestOptions = IngestOptions(),
    cache: ParseCache | None = None,
    progress: ProgressFn | None = None,
    memo: dict[Any, Any] | None = None,
) -> Corpus:
    """Read every document and navigation file under ``root``.

    ``jobs`` > 1 parses in that many processes; ``cache`` skips files parsed before with the same
    bytes (and is pruned to the files seen); ``progress`` is told ``("ingest", done, total)``;
    ``memo`` (a build session's, kept between the builds of one process) hands back the very same
    :class:`Document` objects for files whose bytes did not change, without reading any cache."""
    root = content_folder(root)
    found = discover(root)
    doc_paths, nav_paths, problems, docsets = found.documents, found.navigation, found.problems, found.docsets
    total = len(doc_paths)
    if progress is not None:
        progress("ingest", 0, total)
    results: dict[str, Parsed] = {}
    todo = doc_paths
    memo_keys: dict[str, MemoKey] = {}
    if memo is not None:
        results, todo, memo_keys = _from_memo(root, doc_paths, opts, memo, docsets)
    if cache is not None and todo:
        cached, todo, keys = _from_cache(root, todo, opts, cache, progress, docsets)
        results.update(cached)
        # Pruning needs every file's cache key; a session's rebuild read only the changed files, so
        # it leaves pruning to the next one-off build.
        if memo is None:
            cache.prune(keys)
    results.update(_parse_all(root, todo, jobs, opts, cache, progress, total - len(todo), total, docsets))
    if memo is not None:
        _remember(results, memo_keys, memo)
    if progress is not None:
        progress("ingest", total, total)
    ordered = [results[rel] for rel in doc_paths]
    documents = [doc for doc, _ in ordered if isinstance(doc, Document)]
    stubs = [r for r, _ in ordered if isinstance(r, Redirect)]
    problems += [p for _, ps in ordered for p in ps]
    navigation = []
    nav_memo: tuple[dict[Any, NavParsed], dict[Any, NavParsed]] | None = (
        None if memo is None else (memo.get("navigation", {}), {})
    )
    for rel in nav_paths:
        nav, nav_problems = read_navigation(root, rel, nav_memo)
        problems += nav_problems
        if nav is not None:
            navigation.append(nav)
    if memo is not None and nav_memo is not None:  # this build's files only: old versions are forgotten
        memo["navigation"] = nav_memo[1]
    problems = sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line or 0))  # (a file many read: once)
    redirects = docsets.resolve_redirects(stubs, [d.path for d in documents])
    return Corpus(str(root), tuple(documents), tuple(navigation), tuple(problems), redirects, found.resources)
