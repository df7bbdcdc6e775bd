"""The integrity of a release's index: its manifest records each file's size and SHA-256, and what
reads a release checks the files against that record.

A release's files are hard links shared with the releases before and after it, and a server reads
them for as long as it runs: a file truncated or overwritten by accident (a full disk, a restore, an
operator's ``> file``) damages every release sharing its inode. So:

- a build records every file of :data:`RECORDED` in the manifest (:func:`record`), hashing the files
  it wrote and taking the record of those it reused, which it verified before linking them;
- a build reuses a previous release's file only after checking its size and hash (:class:`Trust`):
  a damaged one is written afresh, and the build says so (:func:`note_refusal`, :func:`refusals`);
- a server checks the sizes at every request (:func:`check_sizes`: one ``stat`` per file, no read);
- ``kb verify`` checks sizes and hashes (:func:`verify`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kb import memos
from kb.errors import IndexDamaged

HASH = "sha256"
RECORDED = ("index",)
"""The folders of a release whose files the manifest records: the search index and document store,
which a server reads on every request. (The site's pages are served as plain files, one at a time.)"""
MANIFEST = "manifest.json"
REFUSALS = ".state/refused.txt"
"""Where writers note the files of the previous release they did not reuse (one line each)."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What a manifest records of one file."""

    size: int
    sha256: str

    def as_dict(self) -> dict[str, int | str]:
        return {"size": self.size, HASH: self.sha256}


@dataclass(frozen=True, slots=True)
class Damage:
    """A file of a release that is not what its manifest records."""

    file: str
    """Relative to the release (``index/documents-0.pickle``): never the server's absolute path."""
    problem: str

    def __str__(self) -> str:
        return f"{self.file} {self.problem}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "problem": self.problem}


def is_recorded(name: str) -> bool:
    """Whether a file (relative to its release) is one the manifest records. Not Whoosh's lock file:
    it holds nothing, and a writer may create it."""
    folder, _, rest = name.partition("/")
    return folder in RECORDED and "/" not in rest and not rest.endswith(("WRITELOCK", ".lock"))


def hash_file(path: Path) -> str:
    with path.open("rb", buffering=0) as f:  # plain reads: a file shrinking meanwhile only ends sooner
        return hashlib.file_digest(f, HASH).hexdigest()


def recorded_files(release: Path) -> list[str]:
    """The files of ``release`` the manifest records (relative to the release), in name order."""
    found = []
    for folder in RECORDED:
        if (release / folder).is_dir():
            found += [f"{folder}/{p.name}" for p in (release / folder).iterdir() if p.is_file()]
    return sorted(name for name in found if is_recorded(name))


def record(release: Path, previous: Path | None = None) -> dict[str, FileRecord]:
    """Size and hash of every recorded file of ``release``. A file that is the previous release's own
    inode (hard-linked by a writer, which verified it first: :class:`Trust`) takes its record from the
    previous manifest instead of being read again (and should it have changed since, the record says
    what it must be, so that the change shows as damage)."""
    before = (read_records(previous) or {}) if previous is not None else {}
    records = {}
    for name in recorded_files(release):
        path = release / name
        old = before.get(name)
        if old is not None and previous is not None and _same_inode(path, previous / name):
            records[name] = old
        else:
            records[name] = FileRecord(path.stat().st_size, hash_file(path))
    return records


def _same_inode(path: Path, other: Path) -> bool:
    try:
        a, b = path.stat(), other.stat()
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def read_records(release: Path) -> dict[str, FileRecord] | None:
    """What the manifest of ``release`` records of its files; None when it records nothing (no manifest,
    an unreadable one, or one written by a kb that recorded no files)."""
    try:
        files = json.loads((release / MANIFEST).read_text(encoding="utf-8")).get("files")
        return {name: FileRecord(int(r["size"]), str(r[HASH])) for name, r in files.items()}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None


def problem(path: Path, expected: FileRecord, hashes: bool) -> str | None:
    """What is wrong with the file at ``path`` (None: nothing): gone, another size, or (with
    ``hashes``) other bytes."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if size != expected.size:
        return f"is {size:,} bytes; the manifest records {expected.size:,}"
    if hashes:
        try:
            if hash_file(path) != expected.sha256:
                return f"has other bytes than the manifest records (its {HASH.upper()} differs)"
        except OSError as exc:
            return f"cannot be read ({exc.strerror})"
    return None


def verify(release: Path, hashes: bool = True) -> list[Damage] | None:
    """Every damaged file of ``release`` (empty: healthy); None when its manifest records no files."""
    records = read_records(release)
    if records is None:
        return None
    found = []
    for name, expected in sorted(records.items()):
        wrong = problem(release / name, expected, hashes)
        if wrong is not None:
            found.append(Damage(name, wrong))
    return found


def damaged_error(release: Path, damage: list[Damage]) -> IndexDamaged:
    """The error a damaged release answers with: the files named relative to the release."""
    listed = "; ".join(str(d) for d in damage)
    return IndexDamaged(
        f"release {release.name} is damaged: {listed}. Rebuild with kb build (kb verify lists every damaged file)",
        tuple(d.file for d in damage))


@memos.cached("release-manifests")
def _sizes(release: Path) -> tuple[tuple[str, str, FileRecord], ...]:
    """(name, path, record) of each recorded file of a published release, read once: a release's
    manifest never changes."""
    return tuple((name, str(release / name), r) for name, r in sorted((read_records(release) or {}).items()))


def check_sizes(release: Path) -> None:
    """Raise :class:`IndexDamaged` when a recorded file of ``release`` is gone or of another size than
    its manifest records: a ``stat`` per file, run before every read of a release (~2 µs a file)."""
    for _, path, expected in _sizes(release):
        try:
            if os.stat(path).st_size == expected.size:
                continue
        except OSError:
            pass
        damage = [Damage(name, wrong) for name, _, expected in _sizes(release)
                  if (wrong := problem(release / name, expected, hashes=False)) is not None]
        if damage:  # (else it was put right meanwhile)
            raise damaged_error(release, damage)
        return


class Trust:
    """Which files of a previous release a build may reuse: a file the manifest records is checked
    (size and hash) once, the first time it is asked about; a file it does not record (a site page)
    is trusted; a previous release whose manifest records nothing has no recorded file trusted."""

    def __init__(self, release: Path | None) -> None:
        self.release = release
        self.records: Mapping[str, FileRecord] | None = read_records(release) if release is not None else None
        self.checked: dict[str, bool] = {}

    def trusted(self, name: str, into: Path | None = None) -> bool:
        """Whether the previous release's ``name`` (relative to it) may be reused; a damaged one is
        noted in ``into`` (the release being built: :func:`note_refusal`)."""
        if not is_recorded(name):
            return True
        if self.release is None or self.records is None or name not in self.records:
            return False
        if name not in self.checked:
            wrong = problem(self.release / name, self.records[name], hashes=True)
            self.checked[name] = wrong is None
            if wrong is not None and into is not None:
                note_refusal(into, f"not reused from release {self.release.name}: {name} {wrong}; written afresh")
        return self.checked[name]


def note_refusal(release: Path, line: str) -> None:
    """Note a warning of the build of ``release`` (a writer may run in a process of its own: a line
    appended to a file of the release reaches the build whichever process wrote it)."""
    path = release / REFUSALS
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(line.replace("\n", " ") + "\n")


def refusals(release: Path) -> list[str]:
    """The warnings noted by :func:`note_refusal` while ``release`` was built."""
    try:
        return (release / REFUSALS).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
