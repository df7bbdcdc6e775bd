"""The text files kb is given: what makes a file unreadable as text (:class:`InputProblem`, :func:`decode`),
the content folder (:func:`content_folder`), and the files options name (:func:`read_option_file`)."""

from __future__ import annotations

import codecs
import stat
from collections.abc import Sequence
from pathlib import Path

from kb.errors import InvalidParameter
from kb.ingest.markdown import normalize_text
from kb.model import Problem


class InputProblem(Exception):
    """Raised inside ingest for a file that must be skipped; becomes a :class:`Problem`. ``causes``: what
    was found wrong before it (an include whose file is missing, of a body made of nothing else), reported
    with it: without them the reader is told that the page has no text, and not why."""

    def __init__(self, message: str, line: int | None = None, causes: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message, self.line, self.causes = message, line, tuple(causes)


_WIDE_BOMS = (  # longest first: UTF-32 LE's mark begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, max_bytes: int) -> str:
    """Bytes → text with normalised line endings, or :class:`InputProblem` saying why not. UTF-8 (with or
    without its mark); UTF-16 and UTF-32 when their byte-order mark says so, as DocFX reads them."""
    if len(data) > max_bytes:
        raise InputProblem(f"file is too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    encoding = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None)
    if encoding is not None:
        try:
            return normalize_text(data.decode(encoding))
        except UnicodeDecodeError as exc:
            raise InputProblem(f"file is not valid {encoding.upper()} (at byte offset {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise InputProblem("file is binary (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        raise InputProblem(f"file is not valid UTF-8 ({where})", line) from None
    return normalize_text(text)


def inside(path: Path, root: Path) -> bool:
    """Whether the resolved ``path`` is ``root`` or lies below it."""
    return path == root or root in path.parents


def folders_above(root_real: Path, rel: str) -> list[Path]:
    """The folders from the one holding ``rel`` (a path from the content root) up to the root, nearest first."""
    folder = (root_real / rel).parent
    return [folder, *(p for p in folder.parents if p == root_real or root_real in p.parents)]


def referenced(root_real: Path, rel: str, target: str) -> Path:
    """The resolved path a document ``rel`` names as ``target`` (an include, code): relative to its
    folder, or with ``~/`` to its docset's root: the nearest folder above holding a ``docfx.json``; in a
    repository without one, the nearest folder above that has the file (Teams docs write
    ``~/includes/x.md`` from any depth), else the content root. A ``/`` first is read as ``~/`` (Experience
    League's ``{{$include /help/_includes/x.md}}``, from its repository's root, where ``help/`` is): a path
    from the server's root is never read. Whether it lies inside the root is the caller's to check."""
    if not target.startswith(("~/", "/")):
        return ((root_real / rel).parent / target).resolve()
    target = target[2:] if target.startswith("~/") else target.lstrip("/")
    above = folders_above(root_real, rel)
    base = next((p for p in above if (p / "docfx.json").is_file()), None)
    if base is None:
        base = next((p for p in above if (p / target).is_file()), root_real)
    return (base / target).resolve()


def read_budgeted(path: Path, budget: list[int], limit: int) -> str:
    """The text of ``path`` (resolved, inside the content root) that a document takes in (an include,
    code): :class:`InputProblem` when it is no file, larger than ``limit`` or than the document's
    ``budget[1]`` bytes left (checked before reading: it may be huge), or no text."""
    if not path.is_file():
        raise InputProblem("file not found")
    size = path.stat().st_size
    if size > min(budget[1], limit):
        raise InputProblem(f"too large ({size:,} bytes; {min(budget[1], limit):,} left to include)")
    budget[1] -= size
    return decode(path.read_bytes(), limit)


def content_folder(root: str | Path) -> Path:
    """``root`` as a Path; InvalidParameter naming ``--content`` when it is no folder."""
    root = Path(root)
    if not root.is_dir():
        raise InvalidParameter(f"--content: '{root}' is not a folder")
    return root


MAX_OPTION_FILE_BYTES = 128 * 1024 * 1024
"""The largest file an option names (``--lexicon``, ``--glossary``) that is read: a mined lexicon of the
skype-2024 corpus is a few megabytes, and ``/dev/zero`` would have been read until memory ran out."""


def read_option_file(path: Path, option: str, max_bytes: int = MAX_OPTION_FILE_BYTES) -> str:
    """The text of the file ``option`` names (as :func:`decode` makes it); :class:`InvalidParameter`
    naming the option and the file when it is missing, a folder, a pipe or a device, too large,
    unreadable, binary or not UTF-8."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InvalidParameter(f"{option}: '{path}' is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise InvalidParameter(f"{option}: '{path}' is not a regular file (a pipe, socket or device)")
        if st.st_size > max_bytes:
            limit = f"{st.st_size:,} bytes; the limit is {max_bytes:,}"
            raise InvalidParameter(f"{option}: '{path}' is too large ({limit})")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidParameter(f"{option}: cannot read '{path}': {exc.strerror or exc}") from None
    try:
        return decode(data, max_bytes)
    except InputProblem as exc:
        where = f"'{path}'" + (f" line {exc.line}" if exc.line else "")
        raise InvalidParameter(f"{option}: {where}: {exc.message}") from None


class LineCounter:
    """The line of each position of a text, asked in ascending order (as ``re.sub`` visits its
    matches): counted from the last position asked, not from the start each time, which made a file
    of 200,000 includes quadratic."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text, self.first_line = text, first_line
        self.pos, self.line = 0, first_line

    def at(self, pos: int) -> int:
        if pos < self.pos:  # (asked out of order: start again)
            self.pos, self.line = 0, self.first_line
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line
