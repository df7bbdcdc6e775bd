"""Writing the site's files: a file is written only when its bytes change — a new one in place, a
changed one beside and renamed (it may be a hard link shared with another release) — and the files a
recycled release holds beyond this build's are removed."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written."""
    # A new file is created in place: it is no other release's hard link, and the release it is in
    # is published only once whole. Most files of a fresh release are new (7,700 on the dev corpus),
    # so creating is tried first, with the os calls themselves (pathlib's took twice their time).
    try:
        _create(os.fspath(path), data)
        return True
    except FileExistsError:  # (a folder in its place too: it is refused below, by the rename)
        pass
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except IsADirectoryError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create(path: str, data: bytes) -> None:
    """Create ``path`` (and its missing folders) holding ``data``; FileExistsError if it exists."""
    try:
        fd = os.open(path, _NEW, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, _NEW, 0o666)
    try:
        view = memoryview(data)
        while view:  # (os.write may write less than asked)
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(path)  # never a truncated page left behind
        raise
    os.close(fd)


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
