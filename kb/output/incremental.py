"""Incremental builds: reuse what the previous release already holds when its inputs did not change.

Every output file of a release is a pure function of its data (a site page of its :class:`kb.site.views.Page`
and the site-wide values; an index entry of its Whoosh fields) and of the code. So each writer
fingerprints that data (:func:`fingerprint`), keeps ``{file: fingerprint}`` in the release's state
folder (``OUT/releases/<id>/.state/<writer>.json``), and on the next build hard-links every file whose
fingerprint is unchanged from the previous release instead of producing it again. The result is, by
construction, byte for byte what a clean build writes: reuse never depends on timestamps, only on the
data the file is made from and on :func:`code_version`.

Releases are immutable once published, so a hard link shared between two releases is never written
through: a changed file is always a new file, written beside and renamed. A file the previous release's
manifest records (its index) is linked only after its size and hash are checked
(:class:`kb.output.integrity.Trust`): a damaged one is produced again, never linked into another release.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import operator
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from kb.model import Document
from kb.output.integrity import Trust

STATE = ".state"
"""The folder of a release that holds the writers' fingerprints (never served)."""

_LIBRARIES = ("Jinja2", "MarkupSafe", "nh3", "markdown-it-py", "mdit-py-plugins", "Whoosh")


@functools.cache
def code_version() -> str:
    """A hash of kb's code, the site templates and the versions of the libraries that shape outputs:
    any change starts from scratch instead of reusing files made by other code."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent  # kb/
    for root in (here, here.parent / "site_templates"):
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=absent\0".encode())
    return h.hexdigest()[:16]


def _document_stand_in(doc: Document) -> tuple[type[str], tuple[str]]:
    # A Document stands for itself by its file (path and bytes) and its packed text (which includes
    # expand into): pickling its fields again for every page that shows it was most of the cost.
    text = hashlib.sha256(doc.packed).hexdigest()
    return str, (f"document {doc.path} {doc.content_hash} {text}",)


class _Reducers(dict[type, Callable[[Any], Any]]):
    """How the fingerprint's pickler writes an object of each type: a Document by its stand-in, a
    dataclass as its class and its fields' values. (A dataclass with slots pickles through a Python
    ``__getstate__`` that lists its fields anew for every object: most of a page's fingerprint.)"""

    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        if not dataclasses.is_dataclass(cls):
            raise KeyError(cls)
        names = tuple(f.name for f in dataclasses.fields(cls))
        getter = operator.attrgetter(*names) if len(names) > 1 else None
        if getter is None:
            reducer = lambda obj: (cls, tuple(getattr(obj, n) for n in names))  # noqa: E731
        else:
            reducer = lambda obj: (cls, getter(obj))  # noqa: E731
        self[cls] = reducer
        return reducer


class _Pickler(pickle.Pickler):
    dispatch_table = _Reducers({Document: _document_stand_in})


def _state(release: Path, name: str) -> dict[str, str]:
    """The fingerprints a release recorded for writer ``name`` (empty when missing or unreadable)."""
    try:
        found = json.loads((release / STATE / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def fingerprint(*data: Any) -> str:
    """A hash of ``data`` (picklable values). Equal data in the same code gives the same hash, except
    that sets pickle in an order that varies between processes: such data only misses, never lies."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: a memo writes an object seen twice as a reference, so the bytes would depend on which
    # equal strings happen to be one object (a fresh parse and a cached one differ there).
    pickler.fast = True
    pickler.dump(data)
    return hashlib.sha256(code_version().encode() + buffer.getbuffer()).hexdigest()


@dataclass
class Reuse:
    """What a writer may take over from the previous release, and what it records for the next."""

    name: str
    """The writer (``site``, ``index``): its state file is ``.state/<name>.json``."""
    previous: Path | None = None
    """The previous release's folder of this writer's output (``…/<id>/site``), if there is one."""
    old: dict[str, str] = field(default_factory=dict)
    """File → fingerprint in the previous release."""
    new: dict[str, str] = field(default_factory=dict)
    """File → fingerprint in this release."""
    present: dict[str, str] = field(default_factory=dict)
    """File → fingerprint of what the output folder already holds: a recycled older release's files
    (:func:`kb.build.pipeline.build`), which stay where their fingerprint is unchanged."""
    reused: int = 0
    produced: int = 0
    trust: Trust = field(default_factory=lambda: Trust(None))
    """Which of the previous release's files may be linked (checked against its manifest)."""

    @classmethod
    def between(cls, name: str, previous_release: Path | None, recycled: Path | None = None) -> Reuse:
        """Reuse from ``previous_release`` (None, missing or unreadable state: nothing is reused), into
        an output folder that is new or, with ``recycled``, holds that older release's files."""
        present = _state(recycled, name) if recycled is not None else {}
        if previous_release is None:
            return cls(name, present=present)
        return cls(name, previous_release / name, _state(previous_release, name), present=present,
                   trust=Trust(previous_release))

    def trusted(self, rel: str, dest: str | Path) -> bool:
        """Whether the previous release's ``rel`` may be reused into ``dest`` (this writer's output
        folder): False for a file that is not what the previous manifest records (noted in the build)."""
        return self.trust.trusted(f"{self.name}/{rel}", Path(dest).parent)

    def in_place(self, rel: str) -> bool:
        """True when the output folder already holds ``rel`` made from its new fingerprint."""
        key = self.new.get(rel)
        return key is not None and self.present.get(rel) == key

    def stale(self) -> list[str]:
        """Files the output folder holds (recycled) that this release does not have."""
        return sorted(set(self.present) - set(self.new))

    def unchanged(self, rel: str, key: str) -> bool:
        """Record ``rel``'s fingerprint; True when the previous release has the same file made from it."""
        self.new[rel] = key
        return self.previous is not None and self.old.get(rel) == key

    def take(self, rel: str, dest: Path) -> bool:
        """Hard-link (or copy, across file systems) ``rel`` from the previous release into ``dest``
        (nothing to do when ``dest`` already holds it); False when the previous file is gone or damaged
        (the caller produces it)."""
        if self.in_place(rel):
            self.reused += 1
            return True
        assert self.previous is not None
        if not self.trusted(rel, dest):
            return False
        src, dst = os.path.join(self.previous, rel), os.path.join(dest, rel)
        # A rebuild links thousands of files into a fresh folder: try the link first and make the
        # folder or clear the way only when it fails (a third of the time went to mkdir and unlink).
        for _ in range(3):
            try:
                os.link(src, dst)
            except FileExistsError:
                os.unlink(dst)
                continue
            except FileNotFoundError:
                if not os.path.exists(src):
                    return False
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                continue
            except OSError:
                try:
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy2(src, dst)
                except OSError:
                    return False
            self.reused += 1
            return True
        return False

    def save(self, release: Path) -> None:
        """Write this release's fingerprints into ``release/.state/<name>.json``."""
        folder = release / STATE
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{self.name}.json.tmp"
        tmp.write_text(json.dumps(self.new, sort_keys=True), encoding="utf-8")
        os.replace(tmp, folder / f"{self.name}.json")
