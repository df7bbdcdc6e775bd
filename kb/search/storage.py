"""Opening a release's Whoosh index without memory maps.

Whoosh maps each segment file (``.seg``) whole by default. A mapped file that shrinks (truncated by
accident while a server reads it, or a hard link of it in another release truncated) makes the next
read of a page past its new end a SIGBUS, which kills the process with nothing logged. Read with plain
reads instead, a shrunk file gives short reads: an exception in the one request that met it, which
the server answers as a damaged release (:mod:`kb.output.integrity`).

Without maps, a segment's parts share one file position: a Whoosh reader must be used by one thread
at a time (which every search already does: it holds the release's lock).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import _DEF_INDEX_NAME


def open_dir(dirname: str | Path, indexname: str | None = None) -> Any:
    """:func:`whoosh.index.open_dir`, reading its files with plain reads, never a memory map."""
    return FileStorage(str(dirname), supports_mmap=False).open_index(indexname or _DEF_INDEX_NAME)
