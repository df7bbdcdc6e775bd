"""The repository as DocFX reads it: each ``docfx.json`` (in the content folder or any sub-folder) makes
its folder a docset, whose ``build.content`` groups say which files are documents, ``build.resource``
groups which files are resources (images and files the documents link to), and ``globalMetadata`` and
``fileMetadata`` which metadata every document, or the documents a glob matches, carry beneath their own
front matter.

A file inside a docset is a document only when a content group takes it; the other files of the docset
(``includes/`` fragments, ``README.md``, ``LICENSE``) are neither documents nor problems. A folder that
holds docsets below it is a repository: its own files outside every docset (``README.md``,
``SECURITY.md`` beside the docsets) are not documents either. Everything else (no ``docfx.json`` above
or below) is read as before: every Markdown file is a document, but those of an ``includes`` folder.

Globs are DocFX's: ``*`` and ``?`` within a name, ``**`` across folders (``**/`` also none), ``{a,b}``
alternatives; matched without regard to letter case, from the group's ``src`` folder.
"""

from __future__ import annotations

import json
import posixpath
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from kb.model import ARTICLE_SUFFIXES, PAGE_STEMS, Problem, Redirect

CONFIG = "docfx.json"
INCLUDES = frozenset({"includes", "_includes"})
"""The folders of include fragments, which no docfx.json need exclude (see :meth:`Docsets.role`): DocFX's
convention, and Experience League's (``help/_includes/``, which ``{{$include …}}`` takes in)."""
MAX_CONFIG_BYTES = 1024 * 1024


class Role(Enum):
    """What a file is to the docsets."""

    DOCUMENT = "document"
    """Taken by a content group of its docset."""
    RESOURCE = "resource"
    """Taken by a resource group of its docset (copied into the site when a document refers to it)."""
    SKIPPED = "skipped"
    """Inside a docset but in no group, or a repository's own file beside its docsets: not read."""
    UNGOVERNED = "ungoverned"
    """No docset governs it: read as if there were no ``docfx.json`` at all (but an ``includes`` folder
    holds fragments, :attr:`SKIPPED`)."""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A DocFX glob as an anchored, case-insensitive regular expression over ``/``-separated paths."""
    return re.compile("(?is)" + _glob_body(pattern) + r"\Z")


def _glob_body(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "{" and (end := pattern.find("}", i)) > i:
            alternatives = pattern[i + 1 : end].split(",")
            out.append("(?:" + "|".join(_glob_body(a) for a in alternatives) + ")")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _folder(base: str, sub: str) -> str:
    """``sub`` (a group's ``src``) below ``base``, normalised; '' for the content root."""
    joined = posixpath.normpath(posixpath.join(base, sub.replace("\\", "/"))) if sub else base
    return "" if joined in (".", "") else joined


@dataclass(frozen=True, slots=True)
class FileGroup:
    """One entry of ``build.content`` or ``build.resource``."""

    src: str
    """The folder its globs start from, relative to the content root ('' for the root)."""
    dest: str
    """The folder its files are published under, relative to the docset ('' for the docset's root)."""
    files: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]

    def relative(self, rel: str) -> str | None:
        """``rel`` relative to :attr:`src` when this group takes it, else None."""
        if self.src:
            if not rel.startswith(self.src + "/"):
                return None
            rel = rel[len(self.src) + 1 :]
        if any(p.match(rel) for p in self.files) and not any(p.match(rel) for p in self.exclude):
            return rel
        return None

    @classmethod
    def parse(cls, docset: str, entry: Any) -> FileGroup | None:
        if isinstance(entry, str):
            entry = {"files": [entry]}
        if not isinstance(entry, dict):
            return None
        src = _folder(docset, str(entry.get("src") or ""))
        dest = posixpath.normpath(str(entry.get("dest") or ".").replace("\\", "/")).strip("/")
        return cls(
            src=src,
            dest="" if dest == "." else dest,
            files=tuple(glob_regex(g) for g in _strings(entry.get("files"))),
            exclude=tuple(glob_regex(g) for g in _strings(entry.get("exclude"))),
        )


@dataclass(frozen=True, slots=True)
class Docset:
    """One ``docfx.json`` and the folder it governs."""

    folder: str
    """The folder holding ``docfx.json``, relative to the content root ('' for the root)."""
    content: tuple[FileGroup, ...]
    resource: tuple[FileGroup, ...]
    global_metadata: Mapping[str, Any] = field(default_factory=dict)
    file_metadata: tuple[tuple[str, re.Pattern[str], Any], ...] = ()
    """(key, glob over the path relative to :attr:`folder`, value), in the order written."""

    def inner(self, rel: str) -> str:
        return rel[len(self.folder) + 1 :] if self.folder else rel

    def metadata(self, rel: str) -> dict[str, Any]:
        """The metadata DocFX gives the document ``rel``: its ``fileMetadata`` over ``globalMetadata``
        (its own front matter goes over both)."""
        meta = dict(self.global_metadata)
        inner = self.inner(rel)
        for key, pattern, value in self.file_metadata:
            if pattern.match(inner):
                meta[key] = value  # a later glob wins, as in DocFX
        return meta

    def published(self, rel: str) -> str | None:
        """The path a content file is published at within the docset (``Hub/index.md`` with
        ``src: Hub, dest: .`` → ``index.md``), or None when no content group takes it."""
        for group in self.content:
            inside = group.relative(rel)
            if inside is not None:
                return posixpath.join(group.dest, inside) if group.dest else inside
        return None


def parse_config(folder: str, data: bytes) -> Docset:
    """One ``docfx.json``'s bytes → :class:`Docset`; ValueError saying what is wrong."""
    try:
        config = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"is not valid JSON ({exc})") from None
    build = config.get("build") if isinstance(config, dict) else None
    if not isinstance(build, dict):
        raise ValueError("has no 'build' object")

    def groups(key: str) -> tuple[FileGroup, ...]:
        entries = build.get(key) or []
        found = (FileGroup.parse(folder, e) for e in (entries if isinstance(entries, list) else [entries]))
        return tuple(g for g in found if g is not None)

    global_metadata = build.get("globalMetadata") or {}
    file_metadata: list[tuple[str, re.Pattern[str], Any]] = []
    for key, globs in (build.get("fileMetadata") or {}).items():
        if isinstance(globs, dict):
            file_metadata += [(str(key), glob_regex(str(g)), v) for g, v in globs.items()]
    return Docset(
        folder=folder,
        content=groups("content"),
        resource=groups("resource"),
        global_metadata=global_metadata if isinstance(global_metadata, dict) else {},
        file_metadata=tuple(file_metadata),
    )


@dataclass(frozen=True, slots=True)
class Docsets:
    """Every docset of a content folder (none: every file is :attr:`Role.UNGOVERNED`)."""

    docsets: tuple[Docset, ...] = ()
    """Deepest folders first, so a file belongs to the nearest ``docfx.json`` above it."""
    repositories: frozenset[str] = frozenset()
    """Folders that hold a docset below them (the content root is '')."""

    @classmethod
    def of(cls, configs: Iterable[tuple[str, bytes]]) -> tuple[Docsets, list[Problem]]:
        """From (path of a ``docfx.json`` relative to the content root, its bytes)."""
        docsets: list[Docset] = []
        problems: list[Problem] = []
        for rel, data in configs:
            folder = posixpath.dirname(rel)
            try:
                docsets.append(parse_config(folder, data))
            except ValueError as exc:
                problems.append(Problem(rel, None, f"docfx.json {exc}; its folder is read without it"))
        repositories = {""} if docsets else set()
        for d in docsets:
            parts = d.folder.split("/") if d.folder else []
            repositories.update("/".join(parts[:i]) for i in range(len(parts)))
        docsets.sort(key=lambda d: -len(d.folder))
        return cls(tuple(docsets), frozenset(repositories)), problems

    @classmethod
    def load(cls, root: Path, configs: Iterable[str]) -> tuple[Docsets, list[Problem]]:
        """Read the ``docfx.json`` files at ``configs`` (paths relative to ``root``)."""
        read: list[tuple[str, bytes]] = []
        problems: list[Problem] = []
        for rel in configs:
            path = root / rel
            try:
                st = path.stat()
                if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CONFIG_BYTES:  # a pipe would never end
                    why = "is too large" if stat.S_ISREG(st.st_mode) else "is not a regular file"
                    problems.append(Problem(rel, None, f"docfx.json {why}; its folder is read without it"))
                    continue
                read.append((rel, path.read_bytes()))
            except OSError as exc:
                problems.append(Problem(rel, None, f"docfx.json cannot be read: {exc.strerror or exc}"))
        found, bad = cls.of(read)
        return found, problems + bad

    def docset_of(self, rel: str) -> Docset | None:
        """The nearest docset above ``rel``."""
        for d in self.docsets:
            if not d.folder or rel.startswith(d.folder + "/"):
                return d
        return None

    def role(self, rel: str) -> Role:
        docset = self.docset_of(rel)
        if docset is None:
            folder = posixpath.dirname(rel)
            # An ``includes`` folder holds fragments by DocFX's convention (every docfx.json of Learn's
            # repositories excludes them): a locale published without its docfx.json has them too.
            # (Its images are resources still.)
            fragments = rel.lower().endswith(".md") and not INCLUDES.isdisjoint(folder.lower().split("/"))
            return Role.SKIPPED if folder in self.repositories or fragments else Role.UNGOVERNED
        if any(g.relative(rel) is not None for g in docset.content):
            return Role.DOCUMENT
        if any(g.relative(rel) is not None for g in docset.resource):
            return Role.RESOURCE
        return Role.SKIPPED

    def metadata(self, rel: str) -> dict[str, Any]:
        """The docfx.json metadata of the document ``rel`` (empty when no docset governs it)."""
        docset = self.docset_of(rel)
        return docset.metadata(rel) if docset is not None else {}

    def published_key(self, rel: str) -> str:
        """Where a content file is published, as a path from the content root (its docset's folder,
        then the path its content group gives it); the file's own path when no docset governs it."""
        docset = self.docset_of(rel)
        published = docset.published(rel) if docset is not None else None
        if docset is None or published is None:
            return rel
        return posixpath.join(docset.folder, published) if docset.folder else published

    def resolve_redirects(self, stubs: Iterable[Redirect], documents: Iterable[str]) -> tuple[Redirect, ...]:
        """The stubs, each with the document its relative ``redirect_url`` names when the corpus has it.
        DocFX resolves the target from the URL the stub is published at (``a/index.md`` and ``a/b.md``
        both from ``a/``), to a page whose file is ``target.md`` or ``target/index.md``."""
        published = {self.published_key(rel).lower(): rel for rel in documents}
        out = []
        for stub in sorted(stubs, key=lambda r: r.path):
            path = stub.target.split("#", 1)[0].split("?", 1)[0].replace("\\", "/")
            found = None
            if path and not path.startswith("/") and ":" not in path.split("/", 1)[0]:
                base = posixpath.dirname(self.published_key(stub.path))
                stem = posixpath.normpath(posixpath.join(base, path)).lower()
                stem = posixpath.splitext(stem)[0] if stem.endswith(ARTICLE_SUFFIXES) else stem.rstrip("/")
                if not stem.startswith("../"):
                    found = next((published[k] for s in PAGE_STEMS[1:] if (k := stem + s) in published), None)
            out.append(Redirect(stub.path, stub.locale, stub.target, found))
        return tuple(out)

    def is_resource(self, rel: str) -> bool:
        """May the site copy ``rel`` for a document that refers to it? Any file no docset governs;
        within a docset, what its resource (or content) groups take."""
        return self.role(rel) in (Role.RESOURCE, Role.UNGOVERNED, Role.DOCUMENT)


def with_metadata(front_matter: dict[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The front matter over the docset's metadata: a key the front matter has (in any letter case)
    keeps its value."""
    if not metadata:
        return front_matter
    own = {k.lower() for k in front_matter}
    merged = {k: v for k, v in metadata.items() if k.lower() not in own}
    merged.update(front_matter)
    return merged
