"""Releases in the build folder: the build lock, publishing a release with one atomic rename, pruning
old ones, recycling the oldest kept one, and the manifest that marks a release finished.

Layout of the build folder::

    OUT/current -> releases/<id>     the published release (a symlink replaced atomically)
    OUT/index   -> current/index     stable paths for servers and static hosting
    OUT/site    -> current/site
    OUT/releases/<id>/               one complete build: index/, site/, manifest.json
    OUT/.lock                        held while a build runs; names its holder

A build that fails or is killed never touches ``current``: the last good site and index stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from kb.build.workers import register_build_lock, unregister_build_lock
from kb.errors import BuildLocked
from kb.model import Alignment, Corpus
from kb.output.incremental import code_version
from kb.output.integrity import FileRecord

KEEP_RELEASES = 3
"""The live release, its predecessor (which a server may still be reading) and the one before, which
the next build recycles (see :func:`recycle`)."""
RECYCLING = {"site"}
"""Writers that bring a recycled release's output up to date in place; the others start afresh."""


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold ``OUT/.lock`` for the duration of a build; refuse with the holder's name if taken."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text(encoding="utf-8", errors="replace").strip() or "another process"
            raise BuildLocked(f"another build is running on '{out}' ({holder}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}, started {dt.datetime.now().isoformat(timespec='seconds')}".encode())
        register_build_lock(fd)
        yield
    finally:
        unregister_build_lock(fd)
        os.close(fd)


def release_id() -> str:
    """A new release's folder name: its names sort in the order the builds started."""
    return f"{dt.datetime.now().strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}"


def publish(out: Path, release: Path) -> None:
    """Point ``OUT/current`` at ``release`` in one rename, and make the stable links exist."""
    tmp = out / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(Path("releases") / release.name)
    os.replace(tmp, out / "current")
    for name in ("index", "site"):
        link = out / name
        if not link.is_symlink():
            if link.exists():
                shutil.rmtree(link)
            link.symlink_to(Path("current") / name)
    _fsync_dir(out)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_release(out: Path) -> Path | None:
    link = out / "current"
    return link.resolve() if link.is_symlink() else None


def prune(out: Path, keep: int = KEEP_RELEASES, background: bool = False) -> None:
    """Remove old releases and leftovers of killed builds, never the live release.

    Kept: the live release and the ``keep - 1`` finished ones published before it. A release newer
    than the live one was never published (its build was killed), so it goes, finished or not."""
    out = out.resolve()  # ``current`` resolves to an absolute path: compare like with like
    live = current_release(out)
    entries = sorted((out / "releases").iterdir()) if (out / "releases").is_dir() else []
    published = [r for r in entries if not r.name.startswith(".") and (live is None or r.name < live.name)]
    finished = [r for r in published if (r / "manifest.json").is_file()]
    keep_set = set(finished[-(keep - 1) :] if keep > 1 else []) | ({live} if live else set())
    trashed = []
    for r in entries:
        if r not in keep_set:
            # Renamed first, so a prune killed half-way never leaves a half-deleted release behind.
            trash = r if r.name.startswith(".") else r.with_name(f".trash-{r.name}")
            with contextlib.suppress(OSError):
                r.rename(trash)
            trashed.append(trash)
    # Removing a release's thousands of folders can take seconds on a busy disk: ``background`` leaves
    # it to a thread (not a daemon: the process finishes it before exiting), for ``kb serve --watch``.
    if background:
        threading.Thread(target=_remove, args=(trashed,), name="kb-prune").start()
    else:
        _remove(trashed)
    for tmp in out.glob(".current-*"):  # the link publish() renames; left by a build killed there
        with contextlib.suppress(OSError):
            tmp.unlink()


def recycle(out: Path, release: Path, outputs: Iterable[str]) -> bool:
    """Make ``release`` out of the oldest release kept behind the live one; False when there is none.
    ``outputs`` names every output a release holds (the folders of the writers).

    A rebuild hard-links every unchanged page into a fresh folder tree, and making the folders (one
    per page) cost more than everything else a one-file rebuild does. A recycled release has them
    already: it is renamed (atomically; it is not live, and the predecessor a server may still be
    reading is left alone), marked unfinished, stripped of the outputs not in RECYCLING, and each
    writer in RECYCLING rewrites, links or removes only the files whose fingerprints differ from
    what it holds. A build killed meanwhile leaves an unpublished release, which prune removes."""
    live = current_release(out)
    if live is None:
        return False
    older = [
        r for r in sorted((out / "releases").iterdir())
        if not r.name.startswith(".") and r.name < live.name and (r / "manifest.json").is_file()
    ]
    if len(older) < KEEP_RELEASES - 1 or _manifest_code(older[0]) != code_version():
        return False  # (another version of kb may have left files its state does not list)
    try:
        older[0].rename(release)
    except OSError:
        return False
    with contextlib.suppress(FileNotFoundError):
        (release / "manifest.json").unlink()
    for name in outputs:
        if name not in RECYCLING:
            shutil.rmtree(release / name, ignore_errors=True)
    return True


def _manifest_code(release: Path) -> str | None:
    try:
        code = json.loads((release / "manifest.json").read_text(encoding="utf-8")).get("code")
    except (OSError, ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def write_manifest(
    release: Path, corpus: Corpus, alignment: Alignment, timings: dict[str, float],
    files: Mapping[str, FileRecord] | None = None, refused: Iterable[str] = (), base_url: str = "/",
) -> None:
    """``manifest.json``: what the release was built from and how, and (by being there) that it is finished.

    ``files``: the size and hash of each index file (:func:`kb.output.integrity.record`), which readers
    check the files against; ``refused``: the damaged files of the previous release the build wrote afresh;
    ``base_url``: where the site is served from (``kb serve`` answers its pages below that path)."""
    manifest = {
        "release": release.name,
        "built": dt.datetime.now().isoformat(timespec="seconds"),
        "content": str(corpus.root),
        "documents": len(corpus.documents),
        "topics": len(alignment.topics),
        "problems": [p.as_dict() for p in corpus.problems],
        "warnings": alignment.warnings,
        "timings": timings,
        "code": code_version(),
        "refused": list(refused),
        "files": {name: r.as_dict() for name, r in sorted((files or {}).items())},
        "base_url": base_url,
    }
    # Written beside and renamed: a manifest marks a release finished, so it must never be half there.
    tmp = release / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, release / "manifest.json")
