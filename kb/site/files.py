"""Writing the site's files: a file is written only when its bytes change — a new one in place, a
changed one beside and renamed (it may be a hard link shared with another release) — and the files a
recycled release holds beyond this build's are removed."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        # A new file is created in place: it is no other release's hard link, and the release it is
        # in is published only once whole. (Most files of a fresh release: 7,700 on the dev corpus.)
        _create(path, data)
        return True
    except IsADirectoryError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _create(path: Path, data: bytes) -> None:
    try:
        f = path.open("xb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = path.open("xb")
    with f:
        f.write(data)


def remove_stale(dest: Path, paths: list[str]) -> None:
    """Remove files a recycled release had and this one does not, and the folders they leave empty."""
    for rel in paths:
        path = dest / rel
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        for folder in path.parents:
            if folder == dest:
                break
            try:
                folder.rmdir()
            except OSError:  # not empty (or gone): the folders above are not empty either
                break
