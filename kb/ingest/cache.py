"""A parse cache keyed by file content: a file whose bytes did not change is not parsed again.

Entries are pickled ``(Document | None, [Problem])`` results of :func:`kb.ingest.reader.parse_document`,
stored under ``OUT/.cache/parse/<parser version>/``. The key is the SHA-256 of the file's bytes
together with everything else the result depends on: its path (a Document names its path, and a
locale folder decides its locale) and the ingest options. The parser version is a hash of the source
of every module that shapes a Document and of the versions of the libraries they parse with, so
editing the parser or upgrading markdown-it-py starts a fresh cache instead of serving stale results.

Documents that pull in other files (``[!INCLUDE]``) are never cached: their result depends on bytes
the key does not cover.

A cache never fails a build: an unreadable or corrupt entry is a miss, a failed write is skipped.
Entries are trusted pickles, so the cache folder must be as private as the build folder it lives in.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from kb.ingest import pivots, snippets
from kb.model import Document, Problem, Redirect

Parsed = tuple[Document | Redirect | None, list[Problem]]

# Modules whose code decides what a Document looks like, and libraries they parse with.
_PARSER_MODULES = (
    "ingest/cache", "ingest/editions", "ingest/frontmatter", "ingest/reader", "locales", "ingest/markdown", "model",
    "ingest/navigation", "ingest/render", "ingest/segments", "ingest/skeleton", "ingest/html_rules",
    "ingest/docfx", "ingest/highlight", "ingest/docsets", "ingest/yamlpages", "ingest/htmlblocks", "ingest/textfiles",
    "ingest/snippets", "ingest/pivots", "ingest/linemap", "ingest/includes", "ingest/exl", "ingest/verbatim",
)
_PARSER_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "beautifulsoup4", "PyYAML", "py3langid", "Pygments")
_INCLUDE = re.compile(rb"\[!include|\{\{\$include", re.I)


@functools.cache
def parser_version() -> str:
    """A short hash of the parsing code and library versions: changes whenever results may change."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent  # kb/
    for name in _PARSER_MODULES:
        h.update(name.encode() + b"\0" + (here / f"{name}.py").read_bytes() + b"\0")
    for lib in _PARSER_LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=absent\0".encode())
    return h.hexdigest()[:16]


def cacheable(data: bytes) -> bool:
    """False for files whose parse depends on other files (includes, code taken from files, the titles
    of zone pivots)."""
    return not any(marker.search(data) for marker in (_INCLUDE, snippets.MARKERS, pivots.MARKER))


@dataclass
class CacheStats:
    """What one ingest got from the cache."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    errors: int = 0


@dataclass(frozen=True)
class ParseCache:
    """A folder of cached parse results for one parser version; cheap to pickle into workers."""

    folder: Path
    """``OUT/.cache/parse/<version>``."""
    stats: CacheStats = field(default_factory=CacheStats, compare=False)
    """Counters of the process that owns this object (workers count in their own copies)."""

    @classmethod
    def under(cls, out: str | Path) -> ParseCache:
        """The cache of build folder ``out``; entries of other parser versions are removed."""
        parent = Path(out) / ".cache" / "parse"
        version = parser_version()
        if parent.is_dir():
            for old in parent.iterdir():
                if old.name != version:
                    shutil.rmtree(old, ignore_errors=True)
        return cls(parent / version)

    def key(self, rel: str, data: bytes, context: str) -> str:
        """The entry name for ``data`` read from ``rel``; ``context`` is the rest of the input (options)."""
        content = hashlib.sha256(data).hexdigest()
        where = hashlib.sha256(f"{rel}\0{context}".encode()).hexdigest()[:16]
        return f"{content}-{where}"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Parsed | None:
        """The cached result, or None on a miss (a corrupt entry is removed and counts as a miss)."""
        path = self._path(key)
        try:
            with path.open("rb") as f:
                value = pickle.load(f)
        except (FileNotFoundError, NotADirectoryError):
            self.stats.misses += 1
            return None
        except Exception:  # truncated or from an incompatible pickle: parse again
            self.stats.errors += 1
            self.stats.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.stats.hits += 1
        return value

    def put(self, key: str, value: Parsed) -> None:
        """Store a result atomically (a reader never sees half an entry); failures are only counted."""
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            self.stats.writes += 1
        except OSError:
            self.stats.errors += 1
            with contextlib.suppress(OSError):
                tmp.unlink()

    def prune(self, keep: set[str]) -> int:
        """Remove entries whose key is not in ``keep`` (files deleted or changed); returns how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for sub in self.folder.iterdir():
            for entry in sub.iterdir() if sub.is_dir() else ():
                if entry.name.removesuffix(".pickle") not in keep:
                    with contextlib.suppress(OSError):
                        entry.unlink()
                        removed += 1
        return removed
